"""Every meeting mail names the time zone once, the same way in its text, its HTML and its
calendar part: "…，北京时间（UTC+8）", never the nested "（北京时间（UTC+8））"."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from meetings import mail
from meetings.models import MailDelivery, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ZONE = "北京时间（UTC+8）"


@pytest.mark.parametrize("kind", [k for k in MailDelivery.Kind.values if k in mail.SUBJECTS])
def test_mail_names_beijing_time_once_in_every_part(kind, enterprise_a):
    start = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
    meeting = MeetingFactory(
        start=start,
        end=start + timedelta(hours=3),
        status=Meeting.Status.CANCELLED if kind == "cancellation" else Meeting.Status.SCHEDULED,
    )
    invitation = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    delivery = MailDelivery.objects.create(
        meeting=meeting, invitation=invitation, kind=kind, recipient="a@example.cn"
    )

    message = mail.render(delivery)
    (html, _mimetype), *calendar = message.alternatives
    description = str(Calendar.from_ical(calendar[0][0]).walk("VEVENT")[0]["DESCRIPTION"])

    for part in (message.body, html, description):
        assert part.count(ZONE) == 1, part
        assert "（北京时间（" not in part and "））" not in part
        assert "Google" not in part and "谷歌" not in part  # not reachable from mainland China
    assert f"2026-12-10 09:00 – 12:00，{ZONE}" in message.body
    assert f"2026-12-10 09:00 – 12:00，{ZONE}" in html
