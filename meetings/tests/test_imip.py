"""Invitations by e-mail (iTIP over iMIP, RFC 5546 / RFC 6047), read from the outbox: the MIME
tree, the calendar part parsed by icalendar and by recurring-ical-events and checked byte by
byte, ORGANIZER/ATTENDEE/PARTSTAT/UID/SEQUENCE after each kind of change, From = ORGANIZER,
and a REPLY built from the REQUEST recorded by ``meetings.calendars.replies``."""

import email
import email.policy
import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as outbox
from icalendar import Calendar

from liaison.tests.factories import OrganisationFactory, PersonFactory
from meetings import mail, services
from meetings.calendars import feeds
from meetings.calendars import ics as events
from meetings.calendars.replies import ReplyRefused, import_reply
from meetings.models import Invitation, MailDelivery
from meetings.tests.calendar_checks import check_feed, check_raw, occurrences
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, tzinfo=UTC)
ORGANIZER = "secretariat@localhost"  # the address inside the default DEFAULT_FROM_EMAIL
Kind = MailDelivery.Kind


@pytest.fixture
def meeting():
    start = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    return MeetingFactory(
        title="第二次联席会议；议题, 合作",
        start=start,
        end=start + timedelta(hours=3),
        rsvp_deadline=start - timedelta(days=5),
    )


@pytest.fixture
def person():
    return PersonFactory(name='王 "小" 明', email="wang@c.example.cn")


@pytest.fixture
def invitations(meeting, person, enterprise_a):
    PersonFactory(organisation=enterprise_a, is_liaison=True, email="liaison@a.example.cn")
    return {
        "person": InvitationFactory(meeting=meeting, organisation=None, person=person),
        "a": InvitationFactory(meeting=meeting, organisation=enterprise_a),
    }


def send_invitations(meeting, actor, capture, **kwargs):
    with capture(execute=True):
        return services.send_invitations(meeting, actor=actor, **kwargs)


def mail_to(address, *, subject=""):
    found = [m for m in outbox.outbox if m.to == [address] and subject in m.subject]
    assert len(found) == 1, [(m.to, m.subject) for m in outbox.outbox]
    return found[0]


def calendar_of(message, method: str):
    """Walk the sent message's MIME tree; check the calendar part's bytes and parse them.
    Returns (parsed calendar, its only VEVENT, the raw bytes, the parsed mail)."""
    raw = message.message().as_bytes(linesep="\r\n")  # as the SMTP backend writes it
    parsed = email.message_from_bytes(raw)
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    parts = alternative.get_payload()
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    part = parts[2]
    assert part.get_param("method") == method
    assert part.get_content_charset() == "utf-8"
    assert f"text/calendar; method={method}; charset=utf-8" == part["Content-Type"]
    body = part.get_payload(decode=True)
    # The same bytes again as invite.ics, for programs that only read attachments.
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == body

    lines = check_raw(body)
    assert f"METHOD:{method}".encode() in lines
    parsed_calendar = Calendar.from_ical(body)
    assert all(not component.errors for component in parsed_calendar.walk())
    assert parsed_calendar.get_missing_tzids() == set()
    assert str(parsed_calendar["METHOD"]) == method
    (event,) = parsed_calendar.walk("VEVENT")
    # No feed hints in a message.
    for name in ("NAME", "X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert name not in parsed_calendar
    return parsed_calendar, event, body, parsed


def attendee(event):
    value = event["ATTENDEE"]
    assert not isinstance(value, list), "one attendee: the invitee"
    return value


def check_organizer(event, parsed_mail):
    organizer = event["ORGANIZER"]
    assert str(organizer) == f"mailto:{ORGANIZER}"
    assert organizer.params["CN"] == "秘书处"
    assert parseaddr(str(parsed_mail["From"]))[1] == ORGANIZER


def test_invitation_is_a_request_with_organizer_attendee_and_stored_uid(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    assert send_invitations(meeting, secretariat, django_capture_on_commit_callbacks) == 2

    for address, cn in (
        ("wang@c.example.cn", "王 小 明"),
        ("liaison@a.example.cn", "甲企业有限公司"),
    ):
        message = mail_to(address)
        _, event, body, parsed_mail = calendar_of(message, "REQUEST")
        assert str(event["UID"]) == str(meeting.uid)
        assert event["SEQUENCE"] == meeting.sequence == 0
        assert event["DTSTAMP"].dt.tzinfo is not None
        assert event["STATUS"] == "CONFIRMED"
        assert event["DTSTART"].dt == datetime(2026, 12, 10, 9, 0, tzinfo=BEIJING)
        assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
        assert str(event["SUMMARY"]) == meeting.title  # ; and , escaped and read back
        assert "北京时间（UTC+8）" in str(event["DESCRIPTION"])
        check_organizer(event, parsed_mail)
        guest = attendee(event)
        assert str(guest) == f"mailto:{address}"
        assert guest.params["CN"] == cn  # no double quotes in a CN
        assert (guest.params["RSVP"], guest.params["PARTSTAT"]) == ("TRUE", "NEEDS-ACTION")
        assert b"^'" not in body  # no RFC 6868 escapes that clients show literally
        # The web answer links are still there, beside the calendar part.
        assert "/meetings/rsvp/" in message.body
        assert "日历" in message.body

        # The independent parser expands it to the one occurrence, at 09:00 Beijing time.
        (occurrence,) = occurrences(body, date(2026, 1, 1), date(2027, 1, 1))
        assert occurrence["DTSTART"].dt == datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
        assert str(occurrence["UID"]) == str(meeting.uid)


def test_partstat_follows_the_current_answer(
    meeting, invitations, secretariat, enterprise_b, django_capture_on_commit_callbacks
):
    PersonFactory(organisation=enterprise_b, is_liaison=True, email="liaison@b.example.cn")
    declined = InvitationFactory(meeting=meeting, organisation=enterprise_b)
    for invitation, status in (
        (invitations["person"], Invitation.Status.ACCEPTED),
        (invitations["a"], Invitation.Status.TENTATIVE),
        (declined, Invitation.Status.DECLINED),
    ):
        services.record_rsvp(
            invitation,
            status=status,
            attendees=[{"name": "张三"}],
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
            now=NOW,
        )
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)

    for address, partstat in (
        ("wang@c.example.cn", "ACCEPTED"),
        ("liaison@a.example.cn", "TENTATIVE"),
        ("liaison@b.example.cn", "DECLINED"),
    ):
        _, event, _, _ = calendar_of(mail_to(address), "REQUEST")
        assert attendee(event).params["PARTSTAT"] == partstat
    assert events.PARTSTAT[Invitation.Status.PENDING] == "NEEDS-ACTION"


def test_update_after_reschedule_has_higher_sequence_and_same_uid(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)
    _, first, _, _ = calendar_of(mail_to("wang@c.example.cn"), "REQUEST")
    services.record_rsvp(
        invitations["person"],
        status=Invitation.Status.ACCEPTED,
        attendees=[{"name": "王小明"}],
        actor=secretariat,
        channel=Invitation.Channel.PHONE,
        now=NOW,
    )
    new_start = datetime(2026, 12, 11, 6, 0, tzinfo=UTC)  # 14:00 in Beijing
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_meeting(
            meeting,
            start=new_start,
            end=new_start + timedelta(hours=2),
            venue="高昌区会议中心",
            city="吐鲁番市",
            actor=secretariat,
        )

    message = mail_to("wang@c.example.cn", subject="变更")
    _, event, body, parsed_mail = calendar_of(message, "REQUEST")
    assert str(event["UID"]) == str(first["UID"]) == str(meeting.uid)
    assert event["SEQUENCE"] > first["SEQUENCE"]
    meeting.refresh_from_db()
    assert event["SEQUENCE"] == meeting.sequence
    assert event["DTSTART"].dt == datetime(2026, 12, 11, 14, 0, tzinfo=BEIJING)
    assert "高昌区会议中心" in str(event["LOCATION"])
    # The answer was for the old time: asked again (RFC 5546 3.2.2.1), the mail says what moved.
    assert attendee(event).params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee(event).params["RSVP"] == "TRUE"
    assert "时间：2026-12-10 09:00 – 12:00 → 2026-12-11 14:00 – 16:00" in message.body
    assert "→ 吐鲁番市 · 高昌区会议中心" in message.body
    assert "请重新答复" in message.body
    assert Invitation.objects.get(pk=invitations["person"].pk).status == "to_confirm"
    check_organizer(event, parsed_mail)
    (occurrence,) = occurrences(body, date(2026, 1, 1), date(2027, 1, 1))
    assert occurrence["DTSTART"].dt == new_start


def test_postponed_meeting_update_is_a_tentative_request(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.postpone_meeting(meeting, reason="天气原因", actor=secretariat)
    _, event, _, _ = calendar_of(mail_to("wang@c.example.cn"), "REQUEST")
    assert (event["STATUS"], event["SEQUENCE"]) == ("TENTATIVE", 1)


def test_cancellation_is_a_cancel_with_raised_sequence(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)
    _, first, _, _ = calendar_of(mail_to("liaison@a.example.cn"), "REQUEST")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, reason="日程冲突", actor=secretariat)

    message = mail_to("liaison@a.example.cn", subject="取消")
    _, event, body, parsed_mail = calendar_of(message, "CANCEL")
    assert str(event["UID"]) == str(meeting.uid)
    assert event["SEQUENCE"] > first["SEQUENCE"]
    assert event["STATUS"] == "CANCELLED"
    assert b"STATUS:CANCELLED\r\n" in body
    check_organizer(event, parsed_mail)
    guest = attendee(event)
    assert str(guest) == "mailto:liaison@a.example.cn"
    assert "RSVP" not in guest.params  # nothing to answer
    assert "日历" in message.body


def test_a_mail_about_a_meeting_cancelled_meanwhile_cancels(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    """A failed invitation resent after the cancellation must not bring the meeting back."""
    meeting.status = meeting.Status.CANCELLED
    meeting.save()
    delivery = MailDelivery.objects.create(
        meeting=meeting,
        invitation=invitations["a"],
        kind=Kind.INVITATION,
        recipient="liaison@a.example.cn",
        status=MailDelivery.Status.FAILED,
    )

    with django_capture_on_commit_callbacks(execute=True):
        mail.requeue([delivery])
    _, event, _, _ = calendar_of(mail_to("liaison@a.example.cn"), "CANCEL")
    assert event["STATUS"] == "CANCELLED"


def test_reminder_repeats_the_request_with_unchanged_sequence(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)
    _, first, _, _ = calendar_of(mail_to("wang@c.example.cn"), "REQUEST")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_pending(now=meeting.rsvp_deadline - timedelta(days=1)) == 2

    _, event, _, _ = calendar_of(mail_to("wang@c.example.cn", subject="提醒"), "REQUEST")
    assert str(event["UID"]) == str(first["UID"])
    assert event["SEQUENCE"] == first["SEQUENCE"]
    assert event["DTSTAMP"].dt >= first["DTSTAMP"].dt
    assert attendee(event).params["PARTSTAT"] == "NEEDS-ACTION"


def test_moved_up_from_the_waiting_list_gets_an_accepted_request(
    secretariat, enterprise_a, enterprise_b, django_capture_on_commit_callbacks
):
    start = datetime(2026, 12, 20, 1, 0, tzinfo=UTC)
    meeting = MeetingFactory(start=start, end=start + timedelta(hours=2), capacity=1)
    PersonFactory(organisation=enterprise_b, is_liaison=True, email="liaison@b.example.cn")
    first = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    second = InvitationFactory(meeting=meeting, organisation=enterprise_b)

    def answer(invitation, status):
        return services.record_rsvp(
            invitation,
            status=status,
            attendees=[{"name": "张三"}],
            actor=secretariat,
            channel=Invitation.Channel.PHONE,
            now=NOW,
        )

    answer(first, "accepted")
    answer(second, "accepted")
    with django_capture_on_commit_callbacks(execute=True):
        answer(first, "declined")

    _, event, _, _ = calendar_of(mail_to("liaison@b.example.cn"), "REQUEST")
    assert event["SEQUENCE"] == meeting.sequence
    assert attendee(event).params["PARTSTAT"] == "ACCEPTED"


def test_from_follows_calendar_organizer_email(
    meeting, invitations, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.CALENDAR_ORGANIZER_EMAIL = "liaison-office@hunan.example.cn"
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)
    message = mail_to("wang@c.example.cn")
    _, event, _, _ = calendar_of(message, "REQUEST")
    assert str(event["ORGANIZER"]) == "mailto:liaison-office@hunan.example.cn"
    sender = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)[
        "From"
    ]
    assert sender.addresses[0].addr_spec == "liaison-office@hunan.example.cn"
    assert sender.addresses[0].display_name == "秘书处"


def test_organizer_and_attendee_names_lose_double_quotes(
    meeting, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = '"湘吐 \\"联络\\" 秘书处" <secretariat@localhost>'
    organisation = OrganisationFactory(name='丙 "公司"', email="office@c.example.cn")
    InvitationFactory(meeting=meeting, organisation=organisation)
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)
    _, event, body, _ = calendar_of(mail_to("office@c.example.cn"), "REQUEST")
    assert event["ORGANIZER"].params["CN"] == "湘吐 联络 秘书处"
    assert attendee(event).params["CN"] == "丙 公司"
    assert b"^'" not in body


def test_feeds_stay_free_of_method_and_organizer(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)
    _, event, body, _ = calendar_of(mail_to("wang@c.example.cn"), "REQUEST")
    feed_body = feeds.meeting_calendar(meeting).body
    feed = check_feed(feed_body)
    # The invitation's VTIMEZONE is the feed's, byte for byte.
    zone = re.compile(rb"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r\n", re.S)
    assert zone.search(body).group(0) == zone.search(feed_body).group(0)
    (feed_event,) = feed.walk("VEVENT")
    assert str(feed_event["UID"]) == str(event["UID"])
    assert "ATTENDEE" not in feed_event
    assert feed_event["DTSTAMP"].dt == meeting.updated_at.astimezone(UTC).replace(microsecond=0)


def reply_from(request_body: bytes, partstat: str = "ACCEPTED") -> bytes:
    """What Outlook sends back: the REQUEST's event as a REPLY with the attendee's answer."""
    request = Calendar.from_ical(request_body)
    (event,) = request.walk("VEVENT")
    reply = Calendar()
    reply.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    for zone in request.walk("VTIMEZONE"):
        reply.add_component(zone)
    guest = event["ATTENDEE"]
    guest.params["PARTSTAT"] = partstat
    guest.params.pop("RSVP", None)
    event["ATTENDEE"] = guest
    reply.add_component(event)
    return reply.to_ical()


def test_round_trip_reply_to_the_request_accepts_the_invitation(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)
    message = mail_to("wang@c.example.cn")
    _, _, body, _ = calendar_of(message, "REQUEST")
    ics = reply_from(body)
    unfolded = ics.replace(b"\r\n ", b"")
    assert b"METHOD:REPLY" in unfolded and b"PARTSTAT=ACCEPTED" in unfolded
    mail = (
        b"From: Wang <wang@c.example.cn>\r\n"
        b"To: " + ORGANIZER.encode() + b"\r\n"
        b"Subject: Accepted\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n" + ics
    )

    result = import_reply(mail, actor=secretariat, now=NOW)

    invitation = Invitation.objects.get(pk=invitations["person"].pk)
    assert result.invitation.pk == invitation.pk
    assert (invitation.status, invitation.answered_via) == ("accepted", "calendar")
    assert Invitation.objects.get(pk=invitations["a"].pk).status == "pending"

    # An organisation's invitation, answered from its liaison person's calendar.
    _, _, body_a, _ = calendar_of(mail_to("liaison@a.example.cn"), "REQUEST")
    import_reply(reply_from(body_a, "TENTATIVE"), actor=secretariat, now=NOW)
    answered = Invitation.objects.get(pk=invitations["a"].pk)
    assert (answered.status, answered.answered_via) == ("tentative", "calendar")


def test_a_reply_to_the_first_request_after_an_update_is_refused(
    meeting, invitations, secretariat, django_capture_on_commit_callbacks
):
    send_invitations(meeting, secretariat, django_capture_on_commit_callbacks)
    _, first, first_body, _ = calendar_of(mail_to("wang@c.example.cn"), "REQUEST")
    assert first["SEQUENCE"] == 0
    new_start = datetime(2026, 12, 11, 6, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_meeting(
            meeting,
            start=new_start,
            end=new_start + timedelta(hours=2),
            venue=meeting.venue,
            city=meeting.city,
            actor=secretariat,
        )
    _, update, update_body, _ = calendar_of(mail_to("wang@c.example.cn", subject="变更"), "REQUEST")
    assert update["SEQUENCE"] == 1
    invitation = Invitation.objects.get(pk=invitations["person"].pk)
    before = (invitation.status, invitation.answered_at, invitation.answer_sequence)

    with pytest.raises(ReplyRefused) as error:
        import_reply(reply_from(first_body, "DECLINED"), actor=secretariat, now=NOW)
    assert error.value.messages == ["这份回复答复的是会议更早的时间。"]
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_at, invitation.answer_sequence) == before

    import_reply(reply_from(update_body, "DECLINED"), actor=secretariat, now=NOW)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answer_sequence) == ("declined", 1)
