"""Invitation mail through a real SMTP server (aiosmtpd on this machine, as in the rehearsal of
scripts/cluster.sh), not the test outbox: what arrives still carries its calendar parts intact,
so a calendar client offers to add the meeting."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from liaison.tests.factories import PersonFactory
from meetings import services
from meetings.models import MailDelivery
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


class Sink:
    """Keeps every message the server accepts, as the bytes that arrived."""

    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


def test_an_invitation_arrives_through_smtp_with_its_calendar_parts_intact(
    smtp, secretariat, django_capture_on_commit_callbacks
):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    meeting = MeetingFactory(title="第二次联席会议", start=start, end=start + timedelta(hours=3))
    person = PersonFactory(email="wang@c.example.cn")
    InvitationFactory(meeting=meeting, organisation=None, person=person)

    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting, actor=secretariat)

    ((sender, recipients, raw),) = smtp.received
    assert recipients == ["wang@c.example.cn"] and sender
    message = message_from_bytes(raw, policy=policy.default)
    assert str(message["Subject"]) == "会议通知：第二次联席会议"
    (calendar,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    ics = calendar.get_payload(decode=True)
    (attached,) = [p for p in message.walk() if p.get_filename() == "invite.ics"]
    assert attached.get_payload(decode=True) == ics  # the attachment is the same calendar
    parsed = Calendar.from_ical(ics)
    assert str(parsed["METHOD"]) == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == "第二次联席会议"
    assert str(event["ATTENDEE"]) == "mailto:wang@c.example.cn"
    assert event.decoded("DTSTART") == start
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert MailDelivery.objects.get().status == MailDelivery.Status.SENT
