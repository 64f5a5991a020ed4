"""The back office (Django's admin) names the product as every other page does."""

import re

import pytest

pytestmark = pytest.mark.django_db

PRODUCT = "湘吐合作联络系统"


def title_and_header(content: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", content, re.S).group(1).strip()
    header = re.search(r'<div id="site-name">\s*<a [^>]*>(.*?)</a>', content, re.S).group(1)
    return title, header.strip()


@pytest.mark.parametrize("path", ["/admin/", "/admin/meetings/meeting/"])
def test_back_office_names_the_product_as_the_pages_do(client_for, secretariat, path):
    content = client_for(secretariat).get(path).content.decode()

    title, header = title_and_header(content)
    assert header == PRODUCT
    assert title.endswith(f" | {PRODUCT}")
    for other_name in ("湘吐合作后台管理", "联络系统后台管理", "台账管理"):
        assert other_name not in content


def test_back_office_index_is_called_as_the_navigation_calls_it(client_for, secretariat):
    navigation = client_for(secretariat).get("/").content.decode()
    assert '<a href="/admin/">后台管理</a>' in navigation
    assert f"<title>首页 · {PRODUCT}</title>" in navigation

    title, _header = title_and_header(client_for(secretariat).get("/admin/").content.decode())
    assert title == f"后台管理 | {PRODUCT}"
