"""The ``demo`` fixture: seed_demo's rows replayed into each test that asks, and only there
(``test_seed_demo_twice_changes_nothing`` checks the replayed rows are seed_demo's own)."""

import pytest

from liaison.models import Organisation, User
from liaison.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_rows_made_after_the_demo_get_new_keys(demo):
    last = Organisation.objects.order_by("-pk").first().pk

    assert OrganisationFactory().pk > last


def test_a_test_without_the_demo_sees_an_empty_database():
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_the_demo_users_by_name(demo):
    assert demo["official"].role == User.Role.OFFICIAL
    assert demo.user("member").organisation.name == "湖南兴盛优选电子商务有限公司"
