"""A member's own figures page is called 本单位数据 everywhere (title, heading, navigation),
never 领导看板, which is the officials' dashboard."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_members_page_is_called_our_figures(client_for, member_a):
    page = client_for(member_a).get("/dashboard/").content.decode()

    assert re.search(r"<title>本单位数据 · ", page)
    assert "<h1>本单位数据</h1>" in page
    assert '<a href="/dashboard/" aria-current="page">本单位数据</a>' in page
    assert "领导看板" not in page


@pytest.mark.parametrize("name", ["official", "secretariat"])
def test_officials_page_is_the_dashboard(client_for, persona, name):
    page = client_for(persona[name]).get("/dashboard/").content.decode()

    assert re.search(r"<title>领导看板 · ", page)
    assert "<h1>领导看板</h1>" in page
    assert "本单位数据" not in page
