"""Words that mean different things in Chinese keep their meaning: a meeting's title is its
name (会议名称), an attendee's title is a position (职务)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from liaison.tests.factories import PartnershipFactory
from meetings.models import Decision, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def label(html: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert match, f"no label for {field_id}"
    return match.group(1)


def test_schedule_form_calls_the_meetings_title_its_name(client_for, secretariat):
    partnership = PartnershipFactory()
    html = client_for(secretariat).get(f"/meetings/schedule/partnership/{partnership.pk}/")
    title = label(html.content.decode(), "id_title")
    assert "会议名称" in title
    assert "职务" not in title


def test_answer_form_still_asks_the_attendees_title_as_a_position(
    client_for, member_a, enterprise_a
):
    start = timezone.now() + timedelta(days=30)
    meeting = MeetingFactory(
        start=start,
        end=start + timedelta(hours=2),
        status=Meeting.Status.SCHEDULED,
        answer_fields=["title"],
    )
    invitation = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    html = client_for(member_a).get(f"/meetings/invitations/{invitation.pk}/").content.decode()
    assert "职务" in label(html, "id_attendee-0-title")


@pytest.mark.parametrize(
    ("field", "chinese"),
    [
        (Meeting._meta.get_field("title"), "会议名称"),
        (Meeting._meta.get_field("number"), "届次"),
        (Decision._meta.get_field("number"), "序号"),
    ],
)
def test_field_names_shared_in_english_differ_in_chinese(field, chinese):
    with translation.override("zh-hans"):
        assert str(field.verbose_name) == chinese
