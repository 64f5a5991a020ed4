"""Calendar replies (iTIP REPLY): matched by UID and attendee address, recorded through the
RSVP service, or refused with a reason and nothing changed."""

import io
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from icalendar import Calendar

from liaison.models import AuditEntry
from liaison.tests.factories import MechanismFactory, PersonFactory
from meetings import services
from meetings.calendars import feeds
from meetings.calendars import ics as events
from meetings.calendars import replies as calendar_replies
from meetings.calendars.replies import ReplyRefused, import_reply
from meetings.models import Invitation, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, tzinfo=UTC)
BEIJING = ZoneInfo("Asia/Shanghai")


def reply_ics(
    uid,
    address,
    partstat="ACCEPTED",
    *,
    method="REPLY",
    recurrence_id="",
    cn="张三",
    sequence=0,
    stamp="20261201T000000Z",
):
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
        f"METHOD:{method}" if method else "",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"SEQUENCE:{sequence}",
        f"ATTENDEE;PARTSTAT={partstat};CN={cn}:mailto:{address}",
        recurrence_id,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(line for line in lines if line) + "\r\n").encode()


def reply_mail(ics: bytes, sender: str) -> bytes:
    return (
        (
            f"From: Zhang San <{sender}>\r\n"
            "To: secretariat@example.cn\r\n"
            "Subject: Accepted: meeting\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n'
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAccepted\r\n"
            "--b1\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode()
        + ics
        + b"--b1--\r\n"
    )


@pytest.fixture
def meeting():
    return MeetingFactory(rsvp_deadline=datetime(2026, 12, 5, tzinfo=UTC))


@pytest.fixture
def liaison(enterprise_a):
    return PersonFactory(organisation=enterprise_a, is_liaison=True, email="liaison@a.example.cn")


@pytest.fixture
def invitation(meeting, enterprise_a, liaison):
    return InvitationFactory(meeting=meeting, organisation=enterprise_a)


@pytest.mark.parametrize(
    ("partstat", "status"),
    [("ACCEPTED", "accepted"), ("DECLINED", "declined"), ("TENTATIVE", "tentative")],
)
def test_reply_from_the_liaison_is_recorded(invitation, secretariat, partstat, status):
    ics = reply_ics(invitation.meeting.uid, "Liaison@A.example.cn", partstat)

    result = import_reply(ics, actor=secretariat, now=NOW)

    invitation.refresh_from_db()
    assert result.invitation == invitation
    assert invitation.status == status
    assert invitation.answered_via == Invitation.Channel.CALENDAR
    if status != "declined":
        assert [a.name for a in invitation.attendees.all()] == [
            invitation.organisation.people.get().name
        ]


def test_reply_in_a_mail_with_the_uid_host_and_organisation_address(
    meeting, enterprise_a, secretariat
):
    enterprise_a.email = "office@a.example.cn"
    enterprise_a.save()
    invitation = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    ics = reply_ics(f"{meeting.uid}@liaison.example.cn", "office@a.example.cn", "TENTATIVE")

    import_reply(reply_mail(ics, "office@a.example.cn"), actor=secretariat, now=NOW)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.TENTATIVE


def test_reply_of_an_invited_person(meeting, enterprise_b, secretariat):
    person = PersonFactory(organisation=enterprise_b, name="李四", email="li@b.example.cn")
    invitation = InvitationFactory(meeting=meeting, organisation=None, person=person)

    import_reply(reply_ics(meeting.uid, "li@b.example.cn"), actor=secretariat, now=NOW)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert [a.name for a in invitation.attendees.all()] == ["李四"]


def test_reply_keeps_the_attendees_of_an_earlier_answer(invitation, member_a, secretariat):
    services.record_rsvp(
        invitation,
        status="accepted",
        attendees=[{"name": "王五", "phone": "13800000000"}, {"name": "赵六"}],
        note="需要停车位",
        actor=member_a,
        channel=Invitation.Channel.PAGE,
        now=NOW,
    )
    import_reply(
        reply_ics(invitation.meeting.uid, "liaison@a.example.cn", "TENTATIVE"),
        actor=secretariat,
        now=NOW,
    )

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.TENTATIVE
    assert [a.name for a in invitation.attendees.all()] == ["王五", "赵六"]
    assert invitation.note == "需要停车位"


def refused(data, actor, *, message_part=""):
    with pytest.raises(ReplyRefused) as error:
        import_reply(data, actor=actor, now=NOW)
    text = " ".join(error.value.messages)
    assert message_part in text
    return text


def test_refusals_change_nothing(invitation, secretariat, member_a, meeting):
    uid = meeting.uid
    cases = [
        (reply_ics(uid, "liaison@a.example.cn", method="REQUEST"), "不是日历回复"),
        (reply_ics(uid, "liaison@a.example.cn", method=""), "不是日历回复"),
        (reply_ics("00000000-0000-0000-0000-000000000000", "liaison@a.example.cn"), "UID"),
        (reply_ics("not-ours@example.com", "liaison@a.example.cn"), "UID"),
        (reply_ics(uid, "stranger@example.com"), "stranger@example.com"),
        (reply_ics(uid, "liaison@a.example.cn", "NEEDS-ACTION"), "NEEDS-ACTION"),
        (
            reply_mail(reply_ics(uid, "liaison@a.example.cn"), "other@example.com"),
            "other@example.com",
        ),
        (b"this is not a calendar", "日历"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n", ""),
    ]
    for data, message_part in cases:
        refused(data, secretariat, message_part=message_part)
    refused(reply_ics(uid, "liaison@a.example.cn"), member_a, message_part="秘书处")

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not invitation.attendees.exists()


def test_reply_after_the_deadline_is_refused(invitation, secretariat):
    late = datetime(2026, 12, 6, tzinfo=UTC)
    with pytest.raises(ReplyRefused):
        import_reply(
            reply_ics(invitation.meeting.uid, "liaison@a.example.cn"), actor=secretariat, now=late
        )


def test_reply_to_a_cancelled_meeting_is_refused(enterprise_a, liaison, secretariat):
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED)
    InvitationFactory(meeting=meeting, organisation=enterprise_a)

    refused(reply_ics(meeting.uid, "liaison@a.example.cn"), secretariat, message_part="取消")


def test_reply_with_series_uid_and_recurrence_id(enterprise_a, liaison, secretariat):
    mechanism = MechanismFactory(rrule="FREQ=YEARLY", first_date=date(2024, 6, 15))
    moved = MeetingFactory(
        partnership=mechanism.partnership,
        mechanism=mechanism,
        start=datetime(2027, 9, 1, 9, 30, tzinfo=BEIJING),
        end=datetime(2027, 9, 1, 12, 0, tzinfo=BEIJING),
    )
    invitation = InvitationFactory(meeting=moved, organisation=enterprise_a)
    ics = reply_ics(
        events.series_uid(mechanism),
        "liaison@a.example.cn",
        recurrence_id="RECURRENCE-ID;TZID=Asia/Shanghai:20270615T093000",
    )

    import_reply(ics, actor=secretariat, now=NOW)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    whole_series = reply_ics(events.series_uid(mechanism), "liaison@a.example.cn")
    refused(whole_series, secretariat, message_part="系列")


def test_reply_with_wrong_recurrence_id_for_a_single_meeting(invitation, secretariat):
    ics = reply_ics(
        invitation.meeting.uid,
        "liaison@a.example.cn",
        recurrence_id="RECURRENCE-ID;TZID=Asia/Shanghai:20300101T093000",
    )
    refused(ics, secretariat)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_command_reads_a_file_and_stdin(invitation, secretariat, tmp_path, monkeypatch):
    path = tmp_path / "reply.eml"
    path.write_bytes(
        reply_mail(
            reply_ics(invitation.meeting.uid, "liaison@a.example.cn", "DECLINED"),
            "liaison@a.example.cn",
        )
    )
    out = io.StringIO()
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)

    call_command("import_calendar_reply", str(path), actor="secretariat", stdout=out)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert "不参加" in out.getvalue()

    ics = reply_ics(invitation.meeting.uid, "liaison@a.example.cn", "TENTATIVE")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ics)))
    call_command("import_calendar_reply", "-", actor="secretariat", stdout=io.StringIO())
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.TENTATIVE


def test_command_refuses_with_reason(invitation, secretariat, member_a, tmp_path):
    path = tmp_path / "reply.ics"
    path.write_bytes(reply_ics(invitation.meeting.uid, "stranger@example.com"))

    with pytest.raises(CommandError, match=r"stranger@example\.com"):
        call_command("import_calendar_reply", str(path), actor="secretariat")
    with pytest.raises(CommandError):
        call_command("import_calendar_reply", str(path), actor="member_a")
    with pytest.raises(CommandError):
        call_command("import_calendar_reply", str(tmp_path / "missing.ics"), actor="secretariat")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_upload_page_for_the_secretariat_only(
    client_for, secretariat, member_a, official, invitation, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    url = reverse("calendar-reply-upload")
    ics = reply_ics(invitation.meeting.uid, "liaison@a.example.cn")

    assert client_for(member_a).get(url).status_code == 403
    assert client_for(official).get(url).status_code == 403
    bad = client_for(secretariat).post(
        url, {"file": SimpleUploadedFile("r.ics", reply_ics(invitation.meeting.uid, "x@y.cn"))}
    )
    assert bad.status_code == 200
    assert "x@y.cn" in bad.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING

    good = client_for(secretariat).post(url, {"file": SimpleUploadedFile("r.ics", ics)})

    assert good.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.answered_via == Invitation.Channel.CALENDAR


def test_too_large_upload_is_refused(secretariat):
    with pytest.raises(ReplyRefused):
        import_reply(b"x" * (calendar_replies.MAX_BYTES + 1), actor=secretariat)


def test_reply_round_trip_from_our_own_single_meeting_ics(invitation, secretariat):
    """A client answering the .ics we publish keeps our UID: the reply finds the meeting."""
    event = Calendar.from_ical(feeds.meeting_calendar(invitation.meeting).body).walk("VEVENT")[0]
    import_reply(reply_ics(str(event["UID"]), "liaison@a.example.cn"), actor=secretariat, now=NOW)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert timedelta(0) == timedelta(0)


# --- Order of answers (RFC 5546 2.1.5: SEQUENCE, then DTSTAMP) ---------------------------------

LATER = datetime(2026, 12, 2, tzinfo=UTC)  # when the replies below are imported


def state(invitation):
    invitation.refresh_from_db()
    return (
        invitation.status,
        invitation.answered_at,
        invitation.answered_via,
        invitation.answer_sequence,
        invitation.answer_stamp,
        [a.name for a in invitation.attendees.all()],
    )


def test_an_older_reply_with_the_same_sequence_does_not_overwrite_a_newer_one(
    invitation, secretariat
):
    uid = invitation.meeting.uid
    import_reply(
        reply_ics(uid, "liaison@a.example.cn", "ACCEPTED", stamp="20261201T100000Z"),
        actor=secretariat,
        now=LATER,
    )
    accepted = state(invitation)
    assert accepted[0] == Invitation.Status.ACCEPTED
    assert accepted[3:5] == (0, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))

    older = reply_ics(uid, "liaison@a.example.cn", "DECLINED", stamp="20261201T090000Z")
    with pytest.raises(ReplyRefused) as error:
        import_reply(older, actor=secretariat, now=LATER)
    assert "已记录了较新的回执（参加" in " ".join(error.value.messages)
    assert state(invitation) == accepted

    newer = reply_ics(uid, "liaison@a.example.cn", "DECLINED", stamp="20261201T110000Z")
    import_reply(newer, actor=secretariat, now=LATER)
    assert state(invitation)[0] == Invitation.Status.DECLINED


def test_a_mailed_reply_older_than_the_web_answer_is_refused(invitation, member_a, secretariat):
    # The member answers on the page at 12:00; the calendar reply they wrote at 11:00 arrives later.
    services.record_rsvp(
        invitation,
        status="accepted",
        attendees=[{"name": "王五"}],
        actor=member_a,
        channel=Invitation.Channel.PAGE,
        now=datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
    )
    web = state(invitation)
    assert web[3:5] == (invitation.meeting.sequence, datetime(2026, 12, 1, 12, 0, tzinfo=UTC))

    crossed = reply_ics(
        invitation.meeting.uid, "liaison@a.example.cn", "DECLINED", stamp="20261201T110000Z"
    )
    with pytest.raises(ReplyRefused, match="较新的回执"):
        import_reply(reply_mail(crossed, "liaison@a.example.cn"), actor=secretariat, now=LATER)
    assert state(invitation) == web


def test_a_mailed_reply_newer_than_the_web_answer_counts(invitation, member_a, secretariat):
    services.record_rsvp(
        invitation,
        status="accepted",
        attendees=[{"name": "王五"}],
        actor=member_a,
        channel=Invitation.Channel.PAGE,
        now=datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
    )
    newer = reply_ics(
        invitation.meeting.uid, "liaison@a.example.cn", "DECLINED", stamp="20261201T130000Z"
    )
    import_reply(newer, actor=secretariat, now=LATER)
    answered = state(invitation)
    assert answered[:3] == (Invitation.Status.DECLINED, LATER, Invitation.Channel.CALENDAR)
    assert answered[4] == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)

    # And a web answer after the imported reply replaces it in turn.
    services.record_rsvp(
        invitation,
        status="tentative",
        actor=member_a,
        channel=Invitation.Channel.PAGE,
        now=datetime(2026, 12, 2, 8, 0, tzinfo=UTC),
    )
    assert state(invitation)[0] == Invitation.Status.TENTATIVE


def test_a_reply_stamped_in_the_future_counts_as_written_when_imported(
    invitation, member_a, secretariat
):
    """A sender's clock running ahead must not lock later answers out."""
    future = reply_ics(
        invitation.meeting.uid, "liaison@a.example.cn", "DECLINED", stamp="20300101T000000Z"
    )
    import_reply(future, actor=secretariat, now=LATER)
    assert state(invitation)[4] == LATER
    services.record_rsvp(
        invitation,
        status="tentative",
        actor=member_a,
        channel=Invitation.Channel.PAGE,
        now=LATER + timedelta(hours=1),
    )
    assert state(invitation)[0] == Invitation.Status.TENTATIVE


def test_a_reply_to_a_superseded_version_is_refused_and_changes_nothing(
    invitation, secretariat, member_a
):

    meeting = invitation.meeting
    services.record_rsvp(
        invitation,
        status="tentative",
        actor=member_a,
        channel=Invitation.Channel.PAGE,
        now=NOW,
    )
    # the meeting moved meanwhile
    Meeting.objects.filter(pk=meeting.pk).update(sequence=1, answers_from_sequence=1)
    before, audits = state(invitation), AuditEntry.objects.count()

    old = reply_ics(meeting.uid, "liaison@a.example.cn", "DECLINED", stamp="20261201T120000Z")
    text = refused(old, secretariat)
    assert text == "这份回复答复的是会议更早的时间。"
    assert state(invitation) == before
    assert AuditEntry.objects.count() == audits

    never_sent = reply_ics(
        meeting.uid, "liaison@a.example.cn", "DECLINED", sequence=2, stamp="20261201T120000Z"
    )
    refused(never_sent, secretariat, message_part="从未发出")
    assert state(invitation) == before

    current = reply_ics(
        meeting.uid, "liaison@a.example.cn", "DECLINED", sequence=1, stamp="20261201T120000Z"
    )
    import_reply(current, actor=secretariat, now=LATER)
    assert state(invitation)[0] == Invitation.Status.DECLINED
    assert state(invitation)[3] == 1


def test_the_command_and_the_upload_page_give_the_superseded_reason(
    client_for, invitation, secretariat, tmp_path, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    Meeting.objects.filter(pk=invitation.meeting_id).update(sequence=1, answers_from_sequence=1)
    ics = reply_ics(invitation.meeting.uid, "liaison@a.example.cn")
    path = tmp_path / "reply.ics"
    path.write_bytes(ics)

    with pytest.raises(CommandError, match="更早的时间"):
        call_command("import_calendar_reply", str(path), actor="secretariat")
    page = client_for(secretariat).post(
        reverse("calendar-reply-upload"), {"file": SimpleUploadedFile("r.ics", ics)}
    )
    assert "这份回复答复的是会议更早的时间。" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_the_page_and_the_api_show_which_version_the_answer_is_for(
    client_for, api_for, invitation, secretariat
):
    meeting = invitation.meeting
    Meeting.objects.filter(pk=meeting.pk).update(sequence=1)
    import_reply(
        reply_ics(meeting.uid, "liaison@a.example.cn", "TENTATIVE", sequence=1),
        actor=secretariat,
        now=NOW,
    )
    url = f"/meetings/{meeting.pk}/invitations/"
    assert "答复针对第 1 版（现为第 1 版）" in client_for(secretariat).get(url).content.decode()
    answer = api_for(secretariat).get(f"/api/v1/invitations/{invitation.pk}/").json()
    assert (answer["answer_sequence"], answer["answer_stamp"]) == (1, "2026-12-01T08:00:00+08:00")

    # the meeting moved again, asking every answer again
    Meeting.objects.filter(pk=meeting.pk).update(sequence=2, answers_from_sequence=2)
    assert "会议此后已变更" in client_for(secretariat).get(url).content.decode()
