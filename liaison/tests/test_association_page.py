"""The association page lists every member, a page at a time, by rank (the partnership page,
which shows the leading ones: ``reports/tests/test_pages.py``)."""

import pytest

pytestmark = pytest.mark.django_db


def test_association_page_lists_every_member_by_rank_a_page_at_a_time(
    client_for, member_a, association
):
    client = client_for(member_a)

    first = client.get(f"/associations/{association.pk}/").content.decode()
    second = client.get(f"/associations/{association.pk}/?page=2").content.decode()

    assert first.index("会长单位有限公司") < first.index("会员企业000有限公司")
    assert "会员企业048有限公司" in first and "会员企业049有限公司" not in first
    assert "会员企业049有限公司" in second and "会员企业054有限公司" in second
    assert "第 2 页，共 2 页" in second


def test_unknown_association_is_not_found(client_for, official):
    assert client_for(official).get("/associations/999999/").status_code == 404
