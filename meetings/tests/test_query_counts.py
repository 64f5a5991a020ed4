"""The invitation lists run a pinned number of queries, the same for 12 invitations as for 2
(no N+1; the root conftest's ``pinned_queries``)."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from liaison.tests.factories import OrganisationFactory
from meetings import services
from meetings.models import Invitation
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

_serial = count()


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
    client_for, persona, pinned_queries, secretariat, meeting, name
):
    pinned_queries(
        client_for(persona[name]),
        f"/meetings/{meeting.pk}/invitations/",
        lambda: answered_invitation(meeting, secretariat),
        queries={"secretariat": 14, "official": 8}[name],
    )


def test_api_invitations_query_count_constant(api_for, pinned_queries, secretariat, meeting):
    pinned_queries(
        api_for(secretariat),
        f"/api/v1/invitations/?meeting={meeting.pk}",
        lambda: answered_invitation(meeting, secretariat),
        queries=6,
    )


def test_api_member_invitations_query_count_constant(
    api_for, pinned_queries, secretariat, member_a
):
    def make():
        answered_invitation(MeetingFactory(), secretariat, member_a.organisation)

    pinned_queries(api_for(member_a), "/api/v1/invitations/", make, queries=5)


def test_my_invitations_query_count_constant(client_for, pinned_queries, secretariat, member_a):
    def make():
        answered_invitation(MeetingFactory(), secretariat, member_a.organisation)

    pinned_queries(client_for(member_a), "/meetings/invitations/", make, queries=6)
