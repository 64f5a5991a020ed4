"""The pages the reports app serves besides the dashboard and the reports: the partnership page
shows an association's leading members and links to all of them."""

import pytest

from liaison.views import MEMBERS_PER_PAGE
from reports.views import MEMBERS_ON_PARTNERSHIP_PAGE

pytestmark = pytest.mark.django_db


def test_partnership_page_shows_the_leading_members_and_links_to_all(
    client_for, official, association
):
    response = client_for(official).get(f"/partnerships/{association.partnership_id}/")

    page = response.content.decode()
    total = MEMBERS_PER_PAGE + 6
    # The president first (whatever its joining date), then the members by joining date.
    assert "会长单位有限公司" in page
    assert page.count("会员企业") == MEMBERS_ON_PARTNERSHIP_PAGE - 1
    assert f"会员企业{MEMBERS_ON_PARTNERSHIP_PAGE - 2:03d}" in page
    assert f"会员企业{MEMBERS_ON_PARTNERSHIP_PAGE - 1:03d}" not in page
    assert f"{total} 家会员" in page
    assert f'href="/associations/{association.pk}/"' in page
