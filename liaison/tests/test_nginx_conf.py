"""deploy/nginx.conf agrees with the application: the upload limit, the headers the trusted-proxy
settings read, long timeouts only where reports and imports need them, two web nodes; and, where
nginx is installed, nginx itself accepts the file (with a test certificate in place of the
placeholders)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from liaison import uploads

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}
DEFAULT_TIMEOUT = 60  # seconds: nginx's own default, and this file's for every other location


def tokens(text: str) -> list[str]:
    text = re.sub(r"#[^\n]*", "", text)
    return re.findall(r'"[^"]*"|[{};]|[^\s{};]+', text)


def parse(items: list[str]) -> list[tuple[list[str], list | None]]:
    """The file as a tree: (directive and its arguments, the block's children or None)."""
    stack: list[list] = [[]]
    words: list[str] = []
    for item in items:
        if item == ";":
            stack[-1].append((words, None))
            words = []
        elif item == "{":
            block: list = []
            stack[-1].append((words, block))
            stack.append(block)
            words = []
        elif item == "}":
            stack.pop()
        else:
            words.append(item)
    assert len(stack) == 1 and not words, "unbalanced braces"
    return stack[0]


def find(tree, name: str):
    return [(words, block) for words, block in tree if words and words[0] == name]


def value(tree, name: str) -> list[str] | None:
    found = find(tree, name)
    return found[-1][0][1:] if found else None


def size(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", text.lower()).groups()
    return int(number) * UNITS[unit]


def seconds(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([smh]?)", text.lower()).groups()
    return int(number) * SECONDS[unit]


@pytest.fixture(scope="module")
def http():
    ((_words, block),) = find(parse(tokens(CONF.read_text(encoding="utf-8"))), "http")
    return block


@pytest.fixture(scope="module")
def tls_server(http):
    servers = [block for _, block in find(http, "server") if value(block, "ssl_certificate")]
    assert len(servers) == 1
    return servers[0]


def test_the_upload_limit_lets_the_largest_upload_through_and_no_more(http):
    """A file the application accepts (with its form around it) passes nginx; much larger
    ones are stopped before they reach a node."""
    limit = size(value(http, "client_max_body_size")[0])
    assert uploads.MAX_UPLOAD_BYTES < limit <= uploads.MAX_UPLOAD_BYTES + 2 * 1024**2


def test_the_headers_are_those_the_trusted_proxy_settings_read(tls_server):
    headers = {words[1]: words[2] for words, _ in find(tls_server, "proxy_set_header")}
    # One entry appended: the application trusts one proxy (TRUSTED_PROXY_COUNT=1).
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    header, https = settings.SECURE_PROXY_SSL_HEADER
    assert (header, https) == ("HTTP_X_FORWARDED_PROTO", "https")
    assert headers["Host"] == "$host"
    assert "TRUSTED_PROXY_COUNT=1" in CONF.read_text(encoding="utf-8")


def test_long_timeouts_only_where_reports_and_imports_wait(http, tls_server):
    assert seconds(value(http, "proxy_read_timeout")[0]) == DEFAULT_TIMEOUT
    long = {}
    for words, block in find(tls_server, "location"):
        path = words[-1]
        read = value(block, "proxy_read_timeout")
        if read and seconds(read[0]) > DEFAULT_TIMEOUT:
            long[path] = seconds(read[0])
    assert set(long) == {"/reports/", "/agreements/import/", "/agreements/progress/import/"}
    for path in long:  # the locations name pages the application has
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"{path} is not a page of the application")


def test_two_web_nodes_behind_one_upstream_and_tls_placeholders(http, tls_server):
    ((words, upstream),) = find(http, "upstream")
    assert len(find(upstream, "server")) == 2
    assert {w[-1] for w, _ in find(tls_server, "location")} >= {"/"}
    assert value(tls_server, "ssl_certificate") == ["/etc/ssl/liaison/fullchain.pem"]
    assert value(tls_server, "ssl_certificate_key") == ["/etc/ssl/liaison/privkey.pem"]
    passes = {
        value(block, "proxy_pass")[0]
        for _, block in find(tls_server, "location")
        if value(block, "proxy_pass")
    }
    assert passes == {f"http://{words[1]}"}


def test_nginx_answers_its_own_errors_with_the_pages_in_the_repository(tls_server):
    """An upload over the limit and a moment without a web node get a page in Chinese, then
    English, that needs nothing from elsewhere; the folder the pages are served from is only
    reached through those errors."""
    pages = {words[-1]: words[1:-1] for words, _ in find(tls_server, "error_page")}
    assert pages == {
        "/proxy-errors/413.html": ["413"],
        "/proxy-errors/502.html": ["502", "503", "504"],
    }
    (block,) = [b for w, b in find(tls_server, "location") if w[-1] == "/proxy-errors/"]
    assert find(block, "internal") and value(block, "alias") == ["/etc/nginx/liaison-errors/"]
    for name, says in (
        ("413.html", ["文件太大", "20 MB", "too large"]),
        ("502.html", ["暂时无法访问", "unavailable"]),
    ):
        page = (CONF.parent / "errors" / name).read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
        assert all(text in page for text in says), name
        assert page.index("<h1>") < page.index('lang="en"'), "Chinese comes first"
        assert not re.search(r"(src|href)=\"(https?:)?//", page), "nothing from elsewhere"
    assert f"{uploads.MAX_UPLOAD_BYTES // 1024**2} MB" in (
        CONF.parent / "errors" / "413.html"
    ).read_text(encoding="utf-8")


def test_nginx_accepts_the_file(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        pytest.skip("nginx is not installed (scripts/setup.sh installs it)")
    text = nginx_copy(CONF.read_text(encoding="utf-8"), tmp_path)
    copy = tmp_path / "nginx.conf"
    copy.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-q",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(copy),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def nginx_copy(text: str, folder: Path) -> str:
    """The file with a fresh self-signed certificate and its own pid and log files in
    ``folder`` (nginx -t opens them all)."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(folder / "privkey.pem"),
            "-out",
            str(folder / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    for placeholder in ("fullchain.pem", "privkey.pem"):
        text = text.replace(f"/etc/ssl/liaison/{placeholder}", str(folder / placeholder))
    text = text.replace("/run/nginx-liaison.pid", str(folder / "nginx.pid"))
    text = text.replace("/etc/nginx/liaison-errors/", f"{CONF.parent / 'errors'}/")
    return text.replace("/var/log/nginx/", f"{folder}/")
