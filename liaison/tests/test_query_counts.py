"""Every list endpoint and list page runs as many queries for 12 rows as for 2: no N+1.

Each test measures at a small size, adds rows, measures again and compares. Regions are three
levels deep (province › prefecture › county) because paths walk the parents."""

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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

SMALL, LARGE = 2, 12
_serial = count()


def county() -> Region:
    n = next(_serial)
    province = Region.objects.create(name=f"省{n}", level="province")
    prefecture = Region.objects.create(name=f"市{n}", level="prefecture", parent=province)
    return Region.objects.create(name=f"区{n}", level="county", parent=prefecture)


def organisation():
    return OrganisationFactory(region=county())


def queries(client, url) -> list[str]:
    client.get(url)  # warm up caches (content types, session) outside the measure
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in context.captured_queries]


def assert_constant(client, url, make, rows=lambda: None):
    """Measure ``url`` with SMALL items made by ``make``, then LARGE, and compare."""
    for _item in range(SMALL):
        make()
    small = queries(client, url)
    for _item in range(LARGE - SMALL):
        make()
    large = queries(client, url)
    if rows() is not None:
        assert rows() >= LARGE
    extra = [sql for sql in large if _shape(sql) not in {_shape(s) for s in small}]
    queries_list = "\n".join(extra[:3])
    assert len(large) == len(small), f"N+1 on {url}:\n{queries_list}"


def _shape(sql: str) -> str:
    return re.sub(r"\d+", "N", sql)


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
def test_api_list_query_count_constant(api_for, persona, endpoint, make, name):
    api = api_for(persona[name])
    url = f"/api/v1/{endpoint}/"

    assert_constant(api, url, make, rows=lambda: api.get(url).json()["count"])


def test_api_meetings_of_one_mechanism_query_count_constant(api_for, official):
    partnership = PartnershipFactory()
    mechanism = _mechanism(partnership)

    assert_constant(
        api_for(official), "/api/v1/meetings/", lambda: _meeting(partnership, mechanism)
    )


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_organisation_list_page_query_count_constant(client_for, persona, name):
    assert_constant(client_for(persona[name]), "/organisations/", organisation)


def test_organisation_list_page_filtered_query_count_constant(client_for, official):
    xinjiang = Region.objects.create(name="新疆维吾尔自治区", level="province")
    turpan = Region.objects.create(name="吐鲁番市", level="prefecture", parent=xinjiang)

    def make():
        gaochang = Region.objects.create(name=f"区{next(_serial)}", level="county", parent=turpan)
        return OrganisationFactory(region=gaochang, kind="enterprise")

    assert_constant(
        client_for(official), f"/organisations/?kind=enterprise&region={xinjiang.pk}&q=企业", make
    )


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_meeting_list_page_query_count_constant(client_for, persona, partnership, name):
    mechanism = _mechanism(partnership)

    assert_constant(
        client_for(persona[name]), "/meetings/", lambda: _meeting(partnership, mechanism)
    )


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_home_page_query_count_constant(client_for, persona, name):
    def make():
        partnership = PartnershipFactory(party_a=organisation(), party_b=organisation())
        _meeting(partnership, status=Meeting.Status.HELD)
        future = datetime(2099, 1, 1, 1, 0, tzinfo=UTC) + timedelta(days=next(_serial))
        MeetingFactory(partnership=partnership, start=future, end=future + timedelta(hours=1))

    assert_constant(client_for(persona[name]), "/", make)


@pytest.mark.parametrize("name", ["official", "secretariat", "member_a"])
def test_partnership_page_query_count_constant(client_for, persona, partnership, name):
    """N members (in county-level regions, with liaison persons) and N meetings."""
    mechanism = _mechanism(partnership)
    other = _mechanism(partnership)
    association = AssociationFactory(partnership=partnership)

    def make():
        _membership(association)
        _meeting(partnership, mechanism, status=Meeting.Status.HELD)
        _meeting(partnership, other, status=Meeting.Status.DRAFT)

    assert_constant(client_for(persona[name]), f"/partnerships/{partnership.pk}/", make)


@pytest.mark.parametrize("name", ["official", "member_a"])
def test_association_page_query_count_constant(client_for, persona, partnership, name):
    association = AssociationFactory(partnership=partnership)

    assert_constant(
        client_for(persona[name]),
        f"/associations/{association.pk}/",
        lambda: _membership(association),
    )


def test_organisation_page_query_count_constant(client_for, official, enterprise_a):
    """An organisation with N people and N association memberships."""

    def make():
        PersonFactory(organisation=enterprise_a)
        MembershipFactory(organisation=enterprise_a)

    assert_constant(client_for(official), f"/organisations/{enterprise_a.pk}/", make)
