"""Scheduling the next meeting of a mechanism, and ad-hoc meetings: numbers, prefill,
refusals and who may schedule."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.models import AuditEntry, Mechanism
from liaison.tests.factories import MechanismFactory, OrganisationFactory
from meetings import services
from meetings.models import Meeting
from meetings.services import scheduling
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


def beijing(day, hour, minute):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=scheduling.BEIJING)


@pytest.fixture
def joint():
    """A yearly joint meeting held in 2024 and 2025 (the second in Turpan)."""
    mechanism = MechanismFactory(first_date=date(2024, 6, 1))
    for year, city, venue in (
        (2024, "长沙市", "省工商联会议室"),
        (2025, "吐鲁番市", "市政府会议室"),
    ):
        start = beijing(date(year, 6, 1), 9, 0)
        MeetingFactory(
            partnership=mechanism.partnership,
            mechanism=mechanism,
            start=start,
            end=start + timedelta(hours=2),
            status=Meeting.Status.HELD,
            city=city,
            venue=venue,
        )
    return mechanism


@pytest.fixture
def event():
    mechanism = MechanismFactory(
        kind=Mechanism.Kind.EVENT,
        name="湖南民营企业进边疆·吐鲁番行",
        rrule="FREQ=YEARLY;INTERVAL=2",
        first_date=date(2023, 12, 20),
    )
    start = beijing(date(2023, 12, 20), 9, 30)
    MeetingFactory(
        partnership=mechanism.partnership,
        mechanism=mechanism,
        kind=Meeting.Kind.EVENT,
        start=start,
        end=start + timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    return mechanism


def test_plan_of_third_joint_meeting_is_numbered_and_prefilled(joint):
    plan = scheduling.plan_next_meeting(joint, today=TODAY)
    assert plan.title == "第三次联席会议"
    assert plan.number == 3
    assert plan.start == beijing(date(2026, 6, 1), 9, 30)
    assert plan.end == beijing(date(2026, 6, 1), 12, 0)
    assert (plan.city, plan.venue) == ("吐鲁番市", "市政府会议室")
    assert plan.cohosts == [joint.partnership.party_a, joint.partnership.party_b]


def test_plan_moves_a_passed_expected_date_a_month_ahead(joint):
    plan = scheduling.plan_next_meeting(joint, today=date(2026, 11, 26))
    assert timezone.localtime(plan.start).date() == date(2026, 12, 26)


def test_cancelled_meetings_do_not_count(joint):
    start = beijing(date(2025, 9, 1), 9, 0)
    MeetingFactory(
        partnership=joint.partnership,
        mechanism=joint,
        start=start,
        end=start + timedelta(hours=1),
        status=Meeting.Status.CANCELLED,
    )
    assert scheduling.plan_next_meeting(joint, today=TODAY).number == 3


def test_schedule_next_meeting_service(joint, secretariat):
    meeting = services.schedule_next_meeting(joint, actor=secretariat, today=TODAY)
    assert meeting.title == "第三次联席会议"
    assert meeting.number == 3
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.kind == Meeting.Kind.JOINT_MEETING
    assert meeting.city == "吐鲁番市"
    assert set(meeting.cohosts.all()) == {joint.partnership.party_a, joint.partnership.party_b}
    assert AuditEntry.objects.for_object(meeting).exists()


def test_event_title_carries_the_year(event, secretariat):
    meeting = services.schedule_next_meeting(event, actor=secretariat, today=date(2025, 1, 10))
    assert meeting.title == "2025湖南民营企业进边疆·吐鲁番行"
    assert meeting.number == 2
    assert meeting.kind == Meeting.Kind.EVENT


def test_overrides_win_and_the_number_follows_the_date(joint, secretariat):
    start = beijing(date(2026, 7, 2), 15, 0)
    meeting = services.schedule_next_meeting(
        joint,
        actor=secretariat,
        today=TODAY,
        start=start,
        end=start + timedelta(hours=2),
        venue="另一会场",
    )
    assert meeting.start == start
    assert meeting.venue == "另一会场"
    assert meeting.title == "第三次联席会议"


def test_refuses_when_the_occurrence_is_already_scheduled(joint, secretariat):
    services.schedule_next_meeting(joint, actor=secretariat, today=TODAY)
    with pytest.raises(ValidationError, match="第三次联席会议"):
        services.schedule_next_meeting(joint, actor=secretariat, today=TODAY)
    assert joint.meetings.count() == 3


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_only_the_secretariat_schedules(joint, persona, name):
    with pytest.raises(PermissionDenied):
        services.schedule_next_meeting(joint, actor=persona[name], today=TODAY)
    assert joint.meetings.count() == 2


def test_ad_hoc_meeting_defaults_to_both_parties(joint, secretariat):
    start = datetime(2026, 8, 1, 2, 0, tzinfo=UTC)
    meeting = services.schedule_meeting(
        joint.partnership,
        actor=secretariat,
        title="项目签约仪式",
        kind=Meeting.Kind.SIGNING,
        start=start,
        end=start + timedelta(hours=1),
    )
    assert meeting.mechanism is None
    assert meeting.cohosts.count() == 2


# --- Pages and API --------------------------------------------------------------------------


@pytest.fixture
def future():
    """A joint meeting mechanism whose first occurrence is next year."""
    return MechanismFactory(first_date=date(timezone.localdate().year + 1, 6, 1))


def test_schedule_next_page_is_prefilled(client_for, secretariat, future):
    response = client_for(secretariat).get(f"/meetings/schedule/mechanism/{future.pk}/")
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == "第一次联席会议"
    assert "09:30" in response.content.decode()


def test_schedule_next_page_creates_the_meeting(client_for, secretariat, future):
    client = client_for(secretariat)
    year = future.first_date.year
    response = client.post(
        f"/meetings/schedule/mechanism/{future.pk}/",
        {
            "title": "第一次联席会议",
            "start": f"{year}-06-01T09:30",
            "end": f"{year}-06-01T12:00",
            "city": "长沙市",
            "venue": "会议室",
        },
    )
    meeting = future.meetings.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.number == 1
    assert meeting.cohosts.count() == 2


def test_partnership_page_shows_the_button_to_the_secretariat_only(
    client_for, secretariat, member_a, future
):
    url = f"/partnerships/{future.partnership.pk}/"
    button = f"/meetings/schedule/mechanism/{future.pk}/"
    assert button in client_for(secretariat).get(url).content.decode()
    assert button not in client_for(member_a).get(url).content.decode()


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_schedule_pages_refuse_others(client_for, persona, future, name):
    client = client_for(persona[name])
    assert client.get(f"/meetings/schedule/mechanism/{future.pk}/").status_code == 403
    assert (
        client.post(f"/meetings/schedule/partnership/{future.partnership.pk}/").status_code == 403
    )
    assert not Meeting.objects.exists()


def test_ad_hoc_page_creates_a_signing_ceremony(client_for, secretariat, future):
    response = client_for(secretariat).post(
        f"/meetings/schedule/partnership/{future.partnership.pk}/",
        {
            "kind": "signing",
            "title": "项目签约仪式",
            "start": "2030-06-01T10:00",
            "end": "2030-06-01T11:00",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert (meeting.kind, meeting.mechanism) == ("signing", None)


def test_ad_hoc_page_shows_the_services_refusal_on_the_field_it_names(
    client_for, secretariat, future
):
    response = client_for(secretariat).post(
        f"/meetings/schedule/partnership/{future.partnership.pk}/",
        {
            "kind": "signing",
            "title": "项目签约仪式",
            "start": "2030-06-01T10:00",
            "end": "2030-06-01T09:00",
        },
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert response.context["form"].errors["end"] == ["会议结束时间必须晚于开始时间。"]


def test_api_schedule_next(api_for, secretariat, future):
    response = api_for(secretariat).post(f"/api/v1/mechanisms/{future.pk}/schedule-next/", {})
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "第一次联席会议"
    assert response.json()["number"] == 1
    again = api_for(secretariat).post(f"/api/v1/mechanisms/{future.pk}/schedule-next/", {})
    assert again.status_code == 400
    assert future.meetings.count() == 1


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_api_schedule_next_refused(api_for, persona, future, name):
    response = api_for(persona[name]).post(f"/api/v1/mechanisms/{future.pk}/schedule-next/", {})
    assert response.status_code == 403
    assert not future.meetings.exists()


def test_ad_hoc_meeting_takes_the_chosen_cohosts(secretariat, future):
    other = OrganisationFactory()
    start = datetime(2030, 8, 1, 2, 0, tzinfo=UTC)
    meeting = services.schedule_meeting(
        future.partnership,
        actor=secretariat,
        cohosts=[other],
        title="考察",
        kind=Meeting.Kind.VISIT,
        start=start,
        end=start + timedelta(hours=1),
    )
    assert list(meeting.cohosts.all()) == [other]


# --- What the answer form asks (answer fields) ---------------------------------------------


def test_next_event_asks_for_travel_and_accommodation(event, secretariat):
    meeting = services.schedule_next_meeting(event, actor=secretariat, today=date(2025, 1, 10))
    assert {"travel", "accommodation"} <= set(meeting.answer_fields)
    meeting.refresh_from_db()
    assert meeting.asked == {"title", "phone", "travel", "accommodation", "dietary"}


def test_next_joint_meeting_asks_for_title_and_phone(joint, secretariat):
    meeting = services.schedule_next_meeting(joint, actor=secretariat, today=TODAY)
    meeting.refresh_from_db()
    assert meeting.answer_fields == ["title", "phone"]


def test_chosen_answer_fields_win_over_the_defaults(joint, secretariat):
    meeting = services.schedule_next_meeting(
        joint, actor=secretariat, today=TODAY, answer_fields=["dietary", "phone", "phone"]
    )
    meeting.refresh_from_db()
    assert meeting.answer_fields == ["phone", "dietary"]


def test_no_answer_fields_chosen_asks_for_names_only(joint, secretariat):
    start = datetime(2026, 8, 1, 2, 0, tzinfo=UTC)
    meeting = services.schedule_meeting(
        joint.partnership,
        actor=secretariat,
        title="考察",
        kind=Meeting.Kind.VISIT,
        start=start,
        end=start + timedelta(hours=1),
        answer_fields=[],
    )
    meeting.refresh_from_db()
    assert meeting.answer_fields == []


def test_unknown_answer_field_is_refused(joint, secretariat):
    with pytest.raises(ValidationError):
        services.schedule_next_meeting(
            joint, actor=secretariat, today=TODAY, answer_fields=["shoe_size"]
        )
    assert joint.meetings.count() == 2


@pytest.mark.parametrize("kind", Meeting.Kind.values)
def test_every_kind_has_default_answer_fields(kind):
    assert set(services.default_answer_fields(kind)) <= set(Meeting.AnswerField.values)
    assert kind in services.DEFAULT_ANSWER_FIELDS


def _checked(html: str) -> set[str]:
    boxes = re.findall(r'<input type="checkbox" name="answer_fields"[^>]*>', html)
    return {re.search(r'value="(\w+)"', box).group(1) for box in boxes if " checked" in box}


@pytest.fixture
def future_event():
    return MechanismFactory(
        kind=Mechanism.Kind.EVENT,
        name="湖南民营企业进边疆·吐鲁番行",
        rrule="FREQ=YEARLY;INTERVAL=2",
        first_date=date(timezone.localdate().year + 1, 12, 20),
    )


def test_schedule_next_page_preselects_the_kinds_answer_fields(
    client_for, secretariat, future, future_event
):
    client = client_for(secretariat)
    event_page = client.get(f"/meetings/schedule/mechanism/{future_event.pk}/").content.decode()
    assert _checked(event_page) == {"title", "phone", "travel", "accommodation", "dietary"}
    joint_page = client.get(f"/meetings/schedule/mechanism/{future.pk}/").content.decode()
    assert _checked(joint_page) == {"title", "phone"}
    assert 'name="answer_fields" value="travel"' in joint_page


def test_schedule_next_page_saves_the_chosen_answer_fields(client_for, secretariat, future):
    year = future.first_date.year
    client_for(secretariat).post(
        f"/meetings/schedule/mechanism/{future.pk}/",
        {
            "title": "第一次联席会议",
            "start": f"{year}-06-01T09:30",
            "end": f"{year}-06-01T12:00",
            "answer_fields": ["travel", "accommodation"],
        },
    )
    assert future.meetings.get().answer_fields == ["travel", "accommodation"]


def test_ad_hoc_page_offers_answer_fields_with_the_kinds_defaults(client_for, secretariat, future):
    client = client_for(secretariat)
    page = client.get(f"/meetings/schedule/partnership/{future.partnership.pk}/")
    assert _checked(page.content.decode()) == {"title", "phone"}
    assert "js/schedule.js" in page.content.decode()
    client.post(
        f"/meetings/schedule/partnership/{future.partnership.pk}/",
        {
            "kind": "visit",
            "title": "考察",
            "start": "2030-06-01T10:00",
            "end": "2030-06-01T11:00",
            "answer_fields": ["phone", "travel"],
        },
    )
    assert Meeting.objects.get().answer_fields == ["phone", "travel"]


def test_api_schedule_next_takes_answer_fields_or_the_defaults(
    api_for, secretariat, future, future_event
):
    api = api_for(secretariat)
    chosen = api.post(
        f"/api/v1/mechanisms/{future.pk}/schedule-next/",
        {"answer_fields": ["phone", "dietary"]},
        format="json",
    )
    assert chosen.status_code == 201, chosen.content
    assert future.meetings.get().answer_fields == ["phone", "dietary"]
    default = api.post(f"/api/v1/mechanisms/{future_event.pk}/schedule-next/", {}, format="json")
    assert default.json()["answer_fields"] == [
        "title",
        "phone",
        "travel",
        "accommodation",
        "dietary",
    ]


def test_api_schedule_next_refuses_an_unknown_answer_field(api_for, secretariat, future):
    response = api_for(secretariat).post(
        f"/api/v1/mechanisms/{future.pk}/schedule-next/",
        {"answer_fields": ["shoe_size"]},
        format="json",
    )
    assert response.status_code == 400
    assert "answer_fields" in response.json()["errors"]
    assert not future.meetings.exists()


def test_api_meeting_create_defaults_answer_fields_by_kind(api_for, secretariat, future):
    api = api_for(secretariat)
    body = {
        "title": "考察",
        "kind": "visit",
        "partnership": future.partnership.pk,
        "start": "2030-06-15T09:00:00+08:00",
        "end": "2030-06-15T12:00:00+08:00",
    }
    assert api.post("/api/v1/meetings/", body, format="json").status_code == 201
    chosen = api.post(
        "/api/v1/meetings/", {**body, "title": "签约", "answer_fields": []}, format="json"
    )
    assert chosen.status_code == 201
    assert Meeting.objects.get(title="考察").answer_fields == [
        "title",
        "phone",
        "travel",
        "accommodation",
        "dietary",
    ]
    assert Meeting.objects.get(title="签约").answer_fields == []
