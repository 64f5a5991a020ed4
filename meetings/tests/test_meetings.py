"""The meeting pages: Beijing time, the status filter, labels, history."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from liaison.tests.factories import MechanismFactory, PartnershipFactory
from meetings import services
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    return PartnershipFactory(name="湘吐合作")


def labels(*choices) -> list[str]:
    """Labels as the pages show them (the default language, zh-hans)."""
    with translation.override("zh-hans"):
        return [str(choice.label) for choice in choices]


def test_meeting_page_shows_beijing_time(client_for, member_a, partnership):
    meeting = MeetingFactory(
        partnership=partnership,
        start=datetime(2026, 12, 10, 1, 0, tzinfo=UTC),
        end=datetime(2026, 12, 10, 4, 30, tzinfo=UTC),
    )

    content = client_for(member_a).get(f"/meetings/{meeting.pk}/").content.decode()

    assert ">2026-12-10 09:00</time>–<time" in content  # a same-day meeting: its date once
    assert 'datetime="2026-12-10T12:30:00+08:00">12:30</time>' in content
    assert "2026-12-10 01:00" not in content
    assert 'datetime="2026-12-10T09:00:00+08:00"' in content


def test_meeting_page_late_utc_evening_is_next_day_in_beijing(client_for, member_a, partnership):
    meeting = MeetingFactory(
        partnership=partnership,
        start=datetime(2026, 12, 31, 17, 0, tzinfo=UTC),
        end=datetime(2026, 12, 31, 18, 0, tzinfo=UTC),
    )

    content = client_for(member_a).get(f"/meetings/{meeting.pk}/").content.decode()

    assert "2027-01-01 01:00" in content


def test_meeting_list_shows_beijing_time(client_for, member_a, partnership):
    MeetingFactory(partnership=partnership, start=datetime(2026, 12, 10, 1, 0, tzinfo=UTC))

    content = client_for(member_a).get("/meetings/").content.decode()

    assert "2026-12-10 09:00" in content


def test_meeting_page_shows_kind_status_place_and_links(client_for, official, partnership):
    mechanism = MechanismFactory(partnership=partnership, name="湘吐联席会议")
    meeting = MeetingFactory(
        partnership=partnership,
        mechanism=mechanism,
        title="湘吐合作签约仪式",
        kind=Meeting.Kind.SIGNING,
        status=Meeting.Status.POSTPONED,
        city="长沙市",
        venue="湖南国际会展中心",
        description="签约项目十二个",
    )

    content = client_for(official).get(f"/meetings/{meeting.pk}/").content.decode()

    for text in labels(Meeting.Kind.SIGNING, Meeting.Status.POSTPONED):
        assert text in content
    for text in (
        "湘吐合作签约仪式",
        "长沙市",
        "湖南国际会展中心",
        "签约项目十二个",
        "湘吐联席会议",
    ):
        assert text in content
    assert f'href="/partnerships/{partnership.pk}/"' in content
    assert "status-postponed" in content


@pytest.mark.parametrize("kind", Meeting.Kind.values)
def test_meeting_list_shows_kind_label(client_for, member_a, partnership, kind):
    MeetingFactory(partnership=partnership, kind=kind)

    content = client_for(member_a).get("/meetings/").content.decode()

    assert labels(Meeting.Kind(kind))[0] in content


def test_meeting_list_status_filter(client_for, official, partnership):
    for status in Meeting.Status.values:
        MeetingFactory(partnership=partnership, title=f"会议-{status}", status=status)
    client = client_for(official)

    held = client.get("/meetings/?status=held")
    everything = client.get("/meetings/")

    assert [m.title for m in held.context["page"]] == ["会议-held"]
    assert "会议-scheduled" not in held.content.decode()
    assert 'href="?status=held" aria-current="page"' in held.content.decode()
    assert {m.title for m in everything.context["page"]} == {
        f"会议-{status}" for status in Meeting.Status.values
    }


def test_meeting_list_unknown_status_shows_all(client_for, official, partnership):
    MeetingFactory(partnership=partnership, status=Meeting.Status.HELD)
    MeetingFactory(partnership=partnership, status=Meeting.Status.CANCELLED)

    response = client_for(official).get("/meetings/?status=bogus")

    assert response.status_code == 200
    assert len(response.context["page"]) == 2


def test_meeting_list_status_filter_offers_every_status_label(client_for, official):
    content = client_for(official).get("/meetings/").content.decode()

    for label in labels(*Meeting.Status):
        assert label in content


def test_meeting_list_draft_filter_empty_for_members(client_for, member_a, partnership):
    MeetingFactory(partnership=partnership, title="草稿会议", status=Meeting.Status.DRAFT)

    response = client_for(member_a).get("/meetings/?status=draft")

    assert list(response.context["page"]) == []
    assert "草稿会议" not in response.content.decode()


def test_meeting_list_newest_first_and_paginated(client_for, official, partnership):
    first = datetime(2024, 1, 1, 1, 0, tzinfo=UTC)
    for day in range(35):
        start = first + timedelta(days=day)
        MeetingFactory(
            partnership=partnership, title=f"会议{day:02d}", start=start, end=start + timedelta(1)
        )
    client = client_for(official)

    page_one = client.get("/meetings/").context["page"]
    page_two = client.get("/meetings/?page=2").context["page"]

    assert [m.title for m in page_one][:2] == ["会议34", "会议33"]
    assert len(page_one) == 30
    assert [m.title for m in page_two] == [f"会议{day:02d}" for day in range(4, -1, -1)]


def test_meeting_page_history_for_officials_not_members(
    client_for, secretariat, official, member_a, partnership
):
    meeting = MeetingFactory(partnership=partnership, status=Meeting.Status.SCHEDULED)
    services.change_meeting_status(
        meeting, to=Meeting.Status.HELD, actor=secretariat, reason="嘉宾行程调整"
    )

    official_page = client_for(official).get(f"/meetings/{meeting.pk}/")
    member_page = client_for(member_a).get(f"/meetings/{meeting.pk}/")

    assert [e.note for e in official_page.context["history"]] == ["嘉宾行程调整"]
    assert "嘉宾行程调整" in official_page.content.decode()
    assert member_page.context["history"] is None
    assert "嘉宾行程调整" not in member_page.content.decode()


def test_meeting_page_edit_link_only_for_secretariat(
    client_for, secretariat, official, partnership
):
    meeting = MeetingFactory(partnership=partnership)
    edit = f"/admin/meetings/meeting/{meeting.pk}/change/"

    assert edit in client_for(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    assert edit not in client_for(official).get(f"/meetings/{meeting.pk}/").content.decode()


def test_back_office_refuses_a_disallowed_status_change_and_raises_revision_on_allowed(
    client_for, secretariat
):
    meeting = MeetingFactory(status=Meeting.Status.HELD)
    client = client_for(secretariat)
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    form = {
        "partnership": meeting.partnership_id,
        "title": meeting.title,
        "kind": meeting.kind,
        "start_0": "2026-12-10",
        "start_1": "09:00:00",
        "end_0": "2026-12-10",
        "end_1": "12:00:00",
        "venue": meeting.venue,
        "city": meeting.city,
        "status": Meeting.Status.SCHEDULED,
        "description": "",
    }
    response = client.post(url, form)
    assert response.status_code == 200  # the form again, with the error
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    scheduled = MeetingFactory(status=Meeting.Status.SCHEDULED)
    form.update(
        partnership=scheduled.partnership_id, title=scheduled.title, status=Meeting.Status.HELD
    )
    response = client.post(f"/admin/meetings/meeting/{scheduled.pk}/change/", form)
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == Meeting.Status.HELD
    assert scheduled.sequence == 1
