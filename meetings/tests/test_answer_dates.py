"""Travel dates survive re-saving an answer in Chinese: the answer page renders them as ISO
values, which a browser's date input shows and sends back (a ``2026/12/17`` value it drops)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from meetings import services
from meetings.models import Attendee, Invitation, Meeting
from meetings.tests.factories import InvitationFactory, MeetingFactory
from meetings.tests.page_form import browser_post_data

pytestmark = pytest.mark.django_db

ARRIVAL, DEPARTURE = date(2026, 12, 17), date(2026, 12, 19)


@pytest.fixture
def answered(enterprise_a, member_a):
    start = datetime.now(UTC) + timedelta(days=30)
    meeting = MeetingFactory(
        start=start,
        end=start + timedelta(hours=3),
        rsvp_deadline=start - timedelta(days=5),
        answer_fields=list(Meeting.AnswerField.values),
    )
    invitation = InvitationFactory(meeting=meeting, organisation=enterprise_a)
    services.record_rsvp(
        invitation,
        status=Invitation.Status.ACCEPTED,
        attendees=[
            {"name": "张三", "arrival_date": ARRIVAL, "departure_date": DEPARTURE},
            {"name": "李四", "arrival_date": ARRIVAL},
        ],
        actor=member_a,
        channel=Invitation.Channel.PAGE,
    )
    return invitation


def stored_dates(invitation):
    return list(
        Attendee.objects.filter(invitation=invitation)
        .order_by("position")
        .values_list("name", "arrival_date", "departure_date")
    )


EXPECTED = [("张三", ARRIVAL, DEPARTURE), ("李四", ARRIVAL, None)]


def assert_iso_dates_shown(page: str):
    assert 'value="2026-12-17"' in page
    assert 'value="2026-12-19"' in page
    assert "2026/12/17" not in page


@pytest.mark.parametrize("persona_name", ["member_a", "secretariat"])
def test_saving_only_a_new_note_keeps_the_travel_dates(client_for, persona, answered, persona_name):
    """The member's own page and the secretariat's 代录回执 (the same page, by phone)."""
    client = client_for(persona[persona_name])
    url = f"/meetings/invitations/{answered.pk}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert_iso_dates_shown(page)

    data = browser_post_data(page, containing="status")
    data["note"] = "晚到半小时"
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.note == "晚到半小时"
    assert stored_dates(answered) == EXPECTED


def test_after_a_refused_answer_the_form_still_carries_the_dates(client_for, member_a, answered):
    client = client_for(member_a)
    url = f"/meetings/invitations/{answered.pk}/"
    data = browser_post_data(client.get(url).content.decode(), containing="status")
    data["delegate_title"] = "副总经理"  # a delegate without a name is refused

    response = client.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200 and response.context["form"].errors
    assert_iso_dates_shown(page)
    # Putting it right and sending again keeps every date.
    data = browser_post_data(page, containing="status")
    data["delegate_title"] = ""
    assert client.post(url, data).status_code == 302
    assert stored_dates(answered) == EXPECTED


def test_adding_an_attendee_keeps_the_dates(client_for, member_a, answered):
    client = client_for(member_a)
    url = f"/meetings/invitations/{answered.pk}/"
    data = browser_post_data(client.get(url).content.decode(), containing="status")

    page = client.post(url, {**data, "add_attendee": "1"}).content.decode()

    assert_iso_dates_shown(page)
    data = browser_post_data(page, containing="status")
    data["attendee-2-name"] = "王五"
    assert client.post(url, data).status_code == 302
    assert stored_dates(answered) == [*EXPECTED, ("王五", None, None)]
