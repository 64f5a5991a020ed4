"""Sign-in, for the login page and the API token endpoint alike, with django-axes against
guessing: failures are counted per user name *and* client address together, so that people
behind one proxy or office address never lock each other out. The client address is read
from ``X-Forwarded-For`` only through the ``TRUSTED_PROXY_COUNT`` proxies of the settings.
Failures are forgotten after ``LOGIN_LOCKOUT_MINUTES``; the secretariat unlocks a user at once
with ``manage.py axes_reset_username <name>``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def username_of(request, credentials: dict | None) -> str:
    """User names are counted without regard to case (``Member_A`` is ``member_a``)."""
    credentials = credentials or {}
    username = credentials.get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return str(username or "").strip().lower()


def locked_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return ngettext(
        "Too many failed sign-ins. Sign-in is locked; try again in %(n)d minute.",
        "Too many failed sign-ins. Sign-in is locked; try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


def sign_in(request, username: str, password: str):
    """Authenticate. Returns the user, or raises a translated ValidationError: ``locked``
    while this user name is locked from this address, else ``invalid_login``."""
    http_request = getattr(request, "_request", request)  # the API's request wraps Django's
    user = authenticate(http_request, username=username, password=password)
    if user is None:
        if getattr(http_request, "axes_locked_out", False):
            raise ValidationError(locked_message(), code="locked")
        raise ValidationError(_("The user name or password is wrong."), code="invalid_login")
    return user


def lockout_response(request, response, credentials=None):
    """What django-axes answers once it has locked a sign-in out: the page or API answer that
    ``sign_in``'s refusal already produced (the login form or ``{"code": "locked"}``), as 429."""
    response.status_code = 429
    return response
