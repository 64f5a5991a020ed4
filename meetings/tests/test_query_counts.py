"""The invitation lists run as many queries for 12 invitations as for 2 (no N+1)."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.tests.factories import OrganisationFactory
from meetings import services
from meetings.models import Invitation
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 12
_serial = count()


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def assert_constant(client, url, make):
    for _n in range(SMALL):
        make()
    small = queries(client, url)
    for _n in range(LARGE - SMALL):
        make()
    assert queries(client, url) == small, url


def answered_invitation(meeting, secretariat, organisation=None):
    invitation = InvitationFactory(
        meeting=meeting, organisation=organisation or OrganisationFactory()
    )
    services.record_rsvp(
        invitation,
        status=Invitation.Status.ACCEPTED,
        attendees=[{"name": "张三"}, {"name": "李四"}],
        delegate={"name": "王五"},
        actor=secretariat,
        channel=Invitation.Channel.PHONE,
    )
    return invitation


@pytest.fixture
def meeting():
    start = datetime.now(UTC) + timedelta(days=30)
    return MeetingFactory(start=start, end=start + timedelta(hours=2))


@pytest.mark.parametrize("name", ["secretariat", "official"])
def test_meeting_invitation_page_query_count_constant(
    client_for, persona, secretariat, meeting, name
):
    assert_constant(
        client_for(persona[name]),
        f"/meetings/{meeting.pk}/invitations/",
        lambda: answered_invitation(meeting, secretariat),
    )


def test_api_invitations_query_count_constant(api_for, secretariat, meeting):
    assert_constant(
        api_for(secretariat),
        f"/api/v1/invitations/?meeting={meeting.pk}",
        lambda: answered_invitation(meeting, secretariat),
    )


def test_api_member_invitations_query_count_constant(api_for, secretariat, member_a):
    def make():
        answered_invitation(MeetingFactory(), secretariat, member_a.organisation)

    assert_constant(api_for(member_a), "/api/v1/invitations/", make)


def test_my_invitations_query_count_constant(client_for, secretariat, member_a):
    def make():
        answered_invitation(MeetingFactory(), secretariat, member_a.organisation)

    assert_constant(client_for(member_a), "/meetings/invitations/", make)
