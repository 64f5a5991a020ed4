"""The one delivery pipeline, for meeting mail and minutes mail alike: a mail server that
refuses once, retries in-process and in a worker, resending from the page and the API, and
the records that remain (sent, no stale error), with the mails read back from the outbox."""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

import pytest
from celery.exceptions import Retry
from django.core import mail as outbox
from django.core.mail.backends.locmem import EmailBackend
from icalendar import Calendar

from liaison.tasks import app
from liaison.tests.factories import PersonFactory
from meetings import delivery, services
from meetings import minutes as workflow
from meetings.models import MailDelivery
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

Delivery = MailDelivery.Status
FLAKY = "meetings.tests.test_delivery.FlakyBackend"


class FlakyBackend(EmailBackend):
    """A mail server that refuses the first message it is given, then accepts every one."""

    refusals = 0

    def send_messages(self, email_messages):
        if FlakyBackend.refusals < 1:
            FlakyBackend.refusals += 1
            raise SMTPException("451 4.3.0 try again later")
        return super().send_messages(email_messages)


@pytest.fixture
def flaky(settings):
    FlakyBackend.refusals = 0
    settings.EMAIL_BACKEND = FLAKY
    return settings


@pytest.fixture
def meeting():
    start = datetime.now(UTC) + timedelta(days=20)
    return MeetingFactory(title="第二次联席会议", start=start, end=start + timedelta(hours=3))


def meeting_mail(meeting, secretariat, capture):
    """Invite one person and mail the invitation; returns (the meeting, its address)."""
    person = PersonFactory(email="wang@c.example.cn")
    InvitationFactory(meeting=meeting, organisation=None, person=person)
    with capture(execute=True):
        services.send_invitations(meeting, actor=secretariat)
    return meeting, "wang@c.example.cn"


def minutes_mail(minutes, secretariat, capture):
    """Circulate the minutes to one recipient only (party B's liaison, the approvers without
    address); returns (the meeting, the address)."""
    for approver in (minutes.approver_a, minutes.approver_b):
        approver.email = ""
        approver.save()
    minutes.meeting.partnership.party_a.people.update(is_liaison=False)
    with capture(execute=True):
        workflow.circulate_minutes(workflow.current_version(minutes), actor=secretariat)
    return minutes.meeting, "liaison.b@example.cn"


def check_the_mail(kind, address):
    (message,) = outbox.outbox
    assert message.to == [address]
    if kind == "meeting":
        assert message.subject == "会议通知：第二次联席会议"
        (ics,) = [c for c, mimetype in message.alternatives if mimetype.startswith("text/calendar")]
        (event,) = Calendar.from_ical(ics).walk("VEVENT")
        assert str(event["ATTENDEE"]) == f"mailto:{address}"
    else:
        assert message.subject == "会议纪要征求意见：第一次联席会议"
        assert "/minutes/" in message.body


@pytest.fixture(params=["meeting", "minutes"])
def send(request, secretariat, django_capture_on_commit_callbacks):
    """Send one mail of each pipeline's kind: a meeting invitation, circulated minutes."""
    if request.param == "meeting":
        meeting = request.getfixturevalue("meeting")
        return request.param, lambda: meeting_mail(
            meeting, secretariat, django_capture_on_commit_callbacks
        )
    minutes = request.getfixturevalue("minutes")
    return request.param, lambda: minutes_mail(
        minutes, secretariat, django_capture_on_commit_callbacks
    )


def test_a_mail_refused_once_is_sent_on_the_next_attempt_without_a_stale_error(flaky, send):
    kind, mail = send
    _, address = mail()

    record = MailDelivery.objects.get()
    assert (record.status, record.error, record.attempts) == (Delivery.SENT, "", 2)
    assert record.sent_at is not None
    check_the_mail(kind, address)


def test_after_the_last_attempt_the_mail_is_failed_with_the_servers_reason(flaky, send):
    flaky.MAIL_SEND_ATTEMPTS = 1
    _, mail = send
    mail()

    record = MailDelivery.objects.get()
    assert (record.status, record.attempts, record.sent_at) == (Delivery.FAILED, 1, None)
    assert record.error == "SMTPException: 451 4.3.0 try again later"
    assert outbox.outbox == []


@pytest.mark.parametrize("door", ["page", "api"])
def test_resending_a_failed_mail_from_the_page_or_the_api_delivers_it(
    flaky, send, door, client_for, api_for, secretariat, django_capture_on_commit_callbacks
):
    flaky.MAIL_SEND_ATTEMPTS = 1
    kind, mail = send
    meeting, address = mail()
    assert MailDelivery.objects.get().status == Delivery.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        if door == "page":
            response = client_for(secretariat).post(f"/meetings/{meeting.pk}/mail/resend/")
            assert response.status_code == 302
        else:
            response = api_for(secretariat).post(f"/api/v1/meetings/{meeting.pk}/resend/")
            assert response.json() == {"queued": 1}

    record = MailDelivery.objects.get()  # resent in place: still one record
    assert (record.status, record.error, record.attempts) == (Delivery.SENT, "", 1)
    check_the_mail(kind, address)


@pytest.fixture
def with_a_broker():
    """Work goes to a worker (the tasks below are run as the worker would run them)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def test_a_worker_retries_after_a_backoff_and_clears_the_error(
    flaky, meeting, secretariat, with_a_broker
):
    """With a broker the refused mail stays queued, with its error, for a later retry."""
    flaky.MAIL_RETRY_BACKOFF = 30
    person = PersonFactory(email="wang@c.example.cn")
    invitation = InvitationFactory(meeting=meeting, organisation=None, person=person)
    (record,) = delivery.record(
        meeting, [delivery.Recipient(person.email, invitation)], kind=MailDelivery.Kind.INVITATION
    )

    with pytest.raises(Retry) as retry:
        delivery.send_deliveries.apply(args=[[record.pk]])
    assert retry.value.when == 30
    record.refresh_from_db()
    assert (record.status, record.attempts) == (Delivery.QUEUED, 1)
    assert "451" in record.error

    delivery.send_deliveries.apply(args=[[record.pk]])  # the retry, as the worker runs it
    record.refresh_from_db()
    assert (record.status, record.error, record.attempts) == (Delivery.SENT, "", 2)
    assert delivery.backoff(1) == 30 and delivery.backoff(3) == 120
    assert [m.to for m in outbox.outbox] == [["wang@c.example.cn"]]


# --- Idempotent: a task run again never mails twice --------------------------------------------


def recorded(meeting, address="wang@c.example.cn"):
    person = PersonFactory(email=address)
    invitation = InvitationFactory(meeting=meeting, organisation=None, person=person)
    (record,) = delivery.record(
        meeting, [delivery.Recipient(address, invitation)], kind=MailDelivery.Kind.INVITATION
    )
    return record


def test_a_task_delivered_twice_mails_once(meeting, with_a_broker):
    """A worker that acknowledged late and a broker that handed the task out again: the second
    run finds the mail sent and sends nothing."""
    record = recorded(meeting)

    delivery.send_deliveries.apply(args=[[record.pk]])
    delivery.send_deliveries.apply(args=[[record.pk]])

    assert [m.to for m in outbox.outbox] == [["wang@c.example.cn"]]
    record.refresh_from_db()
    assert (record.status, record.attempts) == (Delivery.SENT, 1)


def test_a_mail_another_worker_has_claimed_is_left_to_it(meeting, with_a_broker):
    """A worker that died after claiming a mail (or is sending it now) leaves it SENDING: the
    rerun skips it rather than risk a second copy, and sends the rest of the batch."""
    claimed, other = recorded(meeting), recorded(meeting, "li@c.example.cn")
    assert delivery._claim([claimed.pk]) == [claimed.pk]
    assert delivery._claim([claimed.pk]) == []  # claimed once

    delivery.send_deliveries.apply(args=[[claimed.pk, other.pk]])

    assert [m.to for m in outbox.outbox] == [["li@c.example.cn"]]
    claimed.refresh_from_db()
    assert claimed.status == Delivery.SENDING and claimed.sent_at is None
