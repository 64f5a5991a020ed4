"""Every list endpoint and list page runs a pinned number of queries, the same for 12 rows as
for 2: no N+1, and no query added unnoticed (the root conftest's ``pinned_queries``).

Regions are three levels deep (province › prefecture › county) because paths walk the
parents."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from liaison.models import FocusArea, Region
from liaison.tests.factories import (
    AssociationFactory,
    MechanismFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    SectorFactory,
)
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

_serial = count()


def county() -> Region:
    n = next(_serial)
    province = Region.objects.create(name=f"省{n}", level="province")
    prefecture = Region.objects.create(name=f"市{n}", level="prefecture", parent=province)
    return Region.objects.create(name=f"区{n}", level="county", parent=prefecture)


def organisation():
    return OrganisationFactory(region=county())


@pytest.fixture
def partnership():
    return PartnershipFactory(name="湘吐合作")


def _meeting(partnership, mechanism=None, status=Meeting.Status.SCHEDULED):
    n = next(_serial)
    start = datetime(2024, 1, 1, 1, 0, tzinfo=UTC) + timedelta(days=40 * n)
    return MeetingFactory(
        partnership=partnership,
        mechanism=mechanism,
        status=status,
        start=start,
        end=start + timedelta(hours=2),
    )


def _mechanism(partnership):
    mechanism = MechanismFactory(partnership=partnership)
    FocusArea.objects.create(mechanism=mechanism, name="搭建交流合作平台", position=1)
    FocusArea.objects.create(mechanism=mechanism, name="推动产业协作", position=2)
    return mechanism


def _meeting_with_mechanism(partnership):
    return _meeting(partnership, _mechanism(partnership))


def _membership(association):
    member = organisation()
    liaison = PersonFactory(organisation=member, is_liaison=True)
    return MembershipFactory(association=association, organisation=member, liaison=liaison)


# --- API list endpoints ----------------------------------------------------------------------

# Queries of a list endpoint, whatever its length and whoever asks.
API_QUERIES = {
    "regions": 4,
    "sectors": 4,
    "organisations": 4,
    "people": 4,
    "partnerships": 4,
    "mechanisms": 5,
    "associations": 4,
    "memberships": 4,
    "meetings": 4,
}


@pytest.mark.parametrize(
    ("endpoint", "make"),
    [
        ("regions", county),
        ("sectors", SectorFactory),
        ("organisations", organisation),
        ("people", lambda: PersonFactory(organisation=organisation(), is_liaison=True)),
        ("partnerships", lambda: PartnershipFactory(party_a=organisation())),
        ("mechanisms", lambda: _mechanism(PartnershipFactory())),
        ("associations", AssociationFactory),
        ("memberships", lambda: _membership(AssociationFactory())),
        ("meetings", lambda: _meeting_with_mechanism(PartnershipFactory())),
    ],
)
@pytest.mark.parametrize("name", ["secretariat", "member_a"])
def test_api_list_query_count_constant(api_for, persona, pinned_queries, endpoint, make, name):
    api = api_for(persona[name])
    url = f"/api/v1/{endpoint}/"

    pinned_queries(api, url, make, queries=API_QUERIES[endpoint])
    assert api.get(url).json()["count"] >= 12


def test_api_meetings_of_one_mechanism_query_count_constant(api_for, official, pinned_queries):
    partnership = PartnershipFactory()
    mechanism = _mechanism(partnership)

    pinned_queries(
        api_for(official),
        "/api/v1/meetings/",
        lambda: _meeting(partnership, mechanism),
        queries=4,
    )


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_organisation_list_page_query_count_constant(client_for, persona, pinned_queries, name):
    pinned_queries(
        client_for(persona[name]),
        "/organisations/",
        organisation,
        queries={"official": 7, "member_a": 8}[name],
    )


def test_organisation_list_page_filtered_query_count_constant(client_for, official, pinned_queries):
    xinjiang = Region.objects.create(name="新疆维吾尔自治区", level="province")
    turpan = Region.objects.create(name="吐鲁番市", level="prefecture", parent=xinjiang)

    def make():
        gaochang = Region.objects.create(name=f"区{next(_serial)}", level="county", parent=turpan)
        return OrganisationFactory(region=gaochang, kind="enterprise")

    pinned_queries(
        client_for(official),
        f"/organisations/?kind=enterprise&region={xinjiang.pk}&q=企业",
        make,
        queries=11,
    )


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_meeting_list_page_query_count_constant(
    client_for, persona, pinned_queries, partnership, name
):
    mechanism = _mechanism(partnership)

    pinned_queries(
        client_for(persona[name]),
        "/meetings/",
        lambda: _meeting(partnership, mechanism),
        queries={"official": 5, "member_a": 6}[name],
    )


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_home_page_query_count_constant(client_for, persona, pinned_queries, name):
    def make():
        partnership = PartnershipFactory(party_a=organisation(), party_b=organisation())
        _meeting(partnership, status=Meeting.Status.HELD)
        future = datetime(2099, 1, 1, 1, 0, tzinfo=UTC) + timedelta(days=next(_serial))
        MeetingFactory(partnership=partnership, start=future, end=future + timedelta(hours=1))

    pinned_queries(
        client_for(persona[name]), "/", make, queries={"official": 6, "member_a": 8}[name]
    )


@pytest.mark.parametrize("name", ["official", "secretariat", "member_a"])
def test_partnership_page_query_count_constant(
    client_for, persona, pinned_queries, partnership, name
):
    """N members (in county-level regions, with liaison persons) and N meetings."""
    mechanism = _mechanism(partnership)
    other = _mechanism(partnership)
    association = AssociationFactory(partnership=partnership)

    def make():
        _membership(association)
        _meeting(partnership, mechanism, status=Meeting.Status.HELD)
        _meeting(partnership, other, status=Meeting.Status.DRAFT)

    pinned_queries(
        client_for(persona[name]),
        f"/partnerships/{partnership.pk}/",
        make,
        queries={"official": 11, "secretariat": 11, "member_a": 10}[name],
    )


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_association_page_query_count_constant(
    client_for, persona, pinned_queries, partnership, name
):
    association = AssociationFactory(partnership=partnership)

    pinned_queries(
        client_for(persona[name]),
        f"/associations/{association.pk}/",
        lambda: _membership(association),
        queries={"official": 6, "member_a": 7}[name],
    )


def test_organisation_page_query_count_constant(client_for, official, pinned_queries, enterprise_a):
    """An organisation with N people and N association memberships."""

    def make():
        PersonFactory(organisation=enterprise_a)
        MembershipFactory(organisation=enterprise_a)

    pinned_queries(client_for(official), f"/organisations/{enterprise_a.pk}/", make, queries=8)
