"""The daily reminder to unanswered invitations: only the pending, once a day, within the
window of days before the deadline."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail as outbox
from django.core.management import call_command

from liaison.tests.factories import OrganisationFactory
from meetings import mail, services
from meetings.models import Invitation, MailDelivery
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def meeting_with_deadline_in(days: float):
    deadline = datetime.now(UTC) + timedelta(days=days)
    return MeetingFactory(
        start=deadline + timedelta(days=2),
        end=deadline + timedelta(days=2, hours=3),
        rsvp_deadline=deadline,
    )


def invite(meeting, address, answer=None, actor=None):
    invitation = InvitationFactory(meeting=meeting, organisation=OrganisationFactory(email=address))
    if answer:
        services.record_rsvp(
            invitation,
            status=answer,
            attendees=[{"name": "张三"}],
            actor=actor,
            channel=Invitation.Channel.PHONE,
        )
    return invitation


def run(capture, *args) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("send_rsvp_reminders", *args, stdout=out)
    return out.getvalue()


def test_reminds_only_the_pending_with_links(secretariat, django_capture_on_commit_callbacks):
    meeting = meeting_with_deadline_in(2)
    pending = invite(meeting, "pending@example.cn")
    invite(meeting, "accepted@example.cn", "accepted", secretariat)
    invite(meeting, "declined@example.cn", "declined", secretariat)
    invite(meeting, "tentative@example.cn", "tentative", secretariat)

    assert "1" in run(django_capture_on_commit_callbacks)

    (message,) = outbox.outbox
    assert message.to == ["pending@example.cn"]
    assert message.subject == f"回执提醒：{meeting.title}"
    assert "您尚未回复" in message.body and "北京时间（UTC+8）" in message.body
    assert "/meetings/rsvp/" in message.body and "?answer=accepted" in message.body
    assert message.alternatives[0][1] == "text/html"
    pending.refresh_from_db()
    assert pending.reminded_at is not None
    assert MailDelivery.objects.get().kind == MailDelivery.Kind.REMINDER


def test_running_twice_the_same_day_reminds_once(django_capture_on_commit_callbacks):
    meeting = meeting_with_deadline_in(2)
    invite(meeting, "pending@example.cn")

    run(django_capture_on_commit_callbacks)
    run(django_capture_on_commit_callbacks)
    assert len(outbox.outbox) == 1

    # A day later (the deadline still ahead) the invitee is reminded again.
    with django_capture_on_commit_callbacks(execute=True):
        later = datetime.now(UTC) + timedelta(hours=25)
        assert services.remind_pending(days=3, now=later) == 1
    assert len(outbox.outbox) == 2


def test_days_window(django_capture_on_commit_callbacks):
    invite(meeting_with_deadline_in(5), "later@example.cn")
    invite(meeting_with_deadline_in(-1), "past@example.cn")

    run(django_capture_on_commit_callbacks)
    assert outbox.outbox == []

    run(django_capture_on_commit_callbacks, "--days", "7")
    assert [m.to for m in outbox.outbox] == [["later@example.cn"]]


def test_cancelled_meetings_are_not_reminded(django_capture_on_commit_callbacks):
    meeting = meeting_with_deadline_in(1)
    meeting.status = meeting.Status.CANCELLED
    meeting.save()
    invite(meeting, "pending@example.cn")
    run(django_capture_on_commit_callbacks)
    assert outbox.outbox == []


def test_the_beat_schedule_runs_the_same_job_daily(django_capture_on_commit_callbacks):
    entry = settings.CELERY_BEAT_SCHEDULE["send-rsvp-reminders"]
    assert entry["task"] == mail.send_rsvp_reminders.name
    assert entry["schedule"] == 24 * 60 * 60
    invite(meeting_with_deadline_in(2), "pending@example.cn")

    with django_capture_on_commit_callbacks(execute=True):
        assert mail.send_rsvp_reminders.apply(kwargs=entry["kwargs"]).get() == 1
    assert len(outbox.outbox) == 1
