"""The demo (scripts/demo.sh): its links point at the address it serves on, and it shows the
product's own Chinese error pages, as production does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

ROOT = Path(settings.BASE_DIR)
SETTINGS_OF_THE_DEMO = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in (
    "DEBUG", "SITE_URL", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT")}))
"""


def demo_settings(tmp_path, **environment) -> dict:
    """The Django settings the demo runs with, for these variables set beforehand."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "ENV_FILE": str(tmp_path / "no.env"),  # the checkout's .env plays no part
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
        "SECRET_KEY": "a-key-of-the-test",
        "PYTHON": sys.executable,
        **environment,
    }
    result = subprocess.run(
        ["bash", "-c", 'source scripts/demo_env.sh && "$PYTHON" -c "$0"', SETTINGS_OF_THE_DEMO],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_demo_links_point_at_the_port_it_serves_on(tmp_path):
    assert demo_settings(tmp_path)["SITE_URL"] == "http://127.0.0.1:8000"
    assert demo_settings(tmp_path, PORT="8111")["SITE_URL"] == "http://127.0.0.1:8111"

    on_the_network = demo_settings(tmp_path, HOST="192.168.1.20", PORT="8111")
    assert on_the_network["SITE_URL"] == "http://192.168.1.20:8111"
    assert "192.168.1.20" in on_the_network["ALLOWED_HOSTS"]

    every_interface = demo_settings(tmp_path, HOST="0.0.0.0", PORT="8111")
    assert every_interface["SITE_URL"] == "http://127.0.0.1:8111"


def test_an_explicit_site_url_wins_over_host_and_port(tmp_path):
    chosen = demo_settings(tmp_path, PORT="8111", SITE_URL="https://liaison.example.cn")
    assert chosen["SITE_URL"] == "https://liaison.example.cn"


def test_the_demo_runs_with_debug_off_over_plain_http(tmp_path):
    demo = demo_settings(tmp_path, PORT="8111")
    # DEBUG off: a missing page is the product's 404 page, not Django's debug page.
    assert demo["DEBUG"] is False
    assert demo["SESSION_COOKIE_SECURE"] is False and demo["CSRF_COOKIE_SECURE"] is False
    assert demo["SECURE_SSL_REDIRECT"] is False
    assert demo_settings(tmp_path, DEBUG="1")["DEBUG"] is True  # still the user's choice


def test_demo_script_uses_the_demo_settings_and_collects_fingerprinted_static_files():
    script = (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    assert "source scripts/demo_env.sh" in script
    sourced = script.index("source scripts/demo_env.sh")
    assert sourced < script.index("collectstatic") < script.index("runserver")
    assert 'runserver "$SERVE_ADDRESS"' in script
    assert "8000" not in script.split("set -euo pipefail")[1]  # no address but the chosen one


def page_text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_a_missing_page_is_the_products_chinese_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    content = page_text(response)
    assert "<title>页面不存在 · 湘吐合作联络系统</title>" in content
    assert 'class="brand"' in content and "css/app.css" in content


@pytest.mark.django_db
def test_a_forbidden_page_is_the_products_chinese_403(client_for, member_a):
    response = client_for(member_a).get("/reports/")

    assert response.status_code == 403
    content = page_text(response)
    assert "<title>无权访问 · 湘吐合作联络系统</title>" in content
    assert 'class="brand"' in content


@pytest.mark.parametrize(
    ("view", "arguments", "title"),
    [
        (defaults.bad_request, (SuspiciousOperation("bad"),), "请求有误"),
        (defaults.server_error, (), "服务器错误"),
    ],
)
def test_bad_request_and_server_error_pages_are_the_products_chinese_pages(view, arguments, title):
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = view(request, *arguments)

    content = page_text(response)
    assert f"<title>{title} · 湘吐合作联络系统</title>" in content
    assert 'class="brand"' in content and "css/app.css" in content
    assert '<html lang="zh-CN">' in content
