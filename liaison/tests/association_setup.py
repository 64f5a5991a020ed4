"""An association with a president and more members than a page holds, for the association
page (liaison) and the partnership page (reports)."""

from datetime import date

import pytest

from liaison.models import Membership
from liaison.tests.factories import (
    AssociationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)
from liaison.views import MEMBERS_PER_PAGE


@pytest.fixture
def association():
    association = AssociationFactory(
        partnership=PartnershipFactory(), name="湘吐民营企业互助联谊会"
    )
    president = OrganisationFactory(name="会长单位有限公司")
    MembershipFactory(
        association=association,
        organisation=president,
        role=Membership.Role.PRESIDENT,
        joined_on=date(2024, 6, 1),
    )
    for n in range(MEMBERS_PER_PAGE + 5):
        MembershipFactory(
            association=association,
            organisation=OrganisationFactory(name=f"会员企业{n:03d}有限公司"),
            joined_on=date(2024, 1, 1),
        )
    return association
