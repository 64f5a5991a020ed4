"""A refused or missing page is logged once, on one line, without a traceback."""

import io
import logging

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(settings):
    """What the configured console handlers print, with DEBUG on as in development (Django's
    own console handler prints only then)."""
    settings.DEBUG = True
    buffer = io.StringIO()
    handlers = {
        handler
        for name in ("", "django", "django.request")
        for handler in logging.getLogger(name).handlers
        if handler.get_name() and isinstance(handler, logging.StreamHandler)
    }
    previous = {handler: handler.setStream(buffer) for handler in handlers}
    yield buffer
    for handler, stream in previous.items():
        handler.setStream(stream)


def test_a_refused_page_is_logged_once_without_a_traceback(console, client_for, member_a):
    response = client_for(member_a).get("/reports/")

    assert response.status_code == 403
    assert console.getvalue() == "Forbidden (Permission denied): /reports/\n"


def test_a_missing_page_is_logged_once_without_a_traceback(console, client_for, member_a):
    response = client_for(member_a).get("/meetings/999999/")

    assert response.status_code == 404
    assert console.getvalue() == "Not Found: /meetings/999999/\n"


def test_a_server_error_keeps_its_traceback(console):
    logging.getLogger("django.request").error(
        "Internal Server Error: /x/", exc_info=ValueError("boom"), extra={"status_code": 500}
    )

    assert console.getvalue().startswith("Internal Server Error: /x/\n")
    assert "ValueError: boom" in console.getvalue()
