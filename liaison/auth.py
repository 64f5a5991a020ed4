"""Sign-in with protection against guessing: failures are counted per user name and per client
address; from a few failures on each try must wait longer, then the name or address is locked
for a while. Used by the login page and the API token endpoint alike."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liaison.models import LoginThrottle

MAX_DELAY_SECONDS = 60
# Many users of one office share an address: an address gets this many times the allowance.
ADDRESS_ALLOWANCE_FACTOR = 5


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttle_keys(request, username: str) -> list[str]:
    return [f"user:{username.strip().lower()}", f"ip:{client_address(request)}"]


def limits(key: str) -> tuple[int, int]:
    """(failures before slowing down, failures before locking) for a throttle key."""
    factor = ADDRESS_ALLOWANCE_FACTOR if key.startswith("ip:") else 1
    return settings.LOGIN_SLOWDOWN_AFTER * factor, settings.LOGIN_LOCKOUT_AFTER * factor


def wait_seconds(throttle: LoginThrottle, now) -> int:
    """How long the next try must still wait, in whole seconds (0: it may go ahead)."""
    if throttle.locked_until and throttle.locked_until > now:
        return int((throttle.locked_until - now).total_seconds()) + 1
    slowdown_after, _lockout_after = limits(throttle.key)
    if throttle.failures >= slowdown_after and throttle.last_failure_at:
        exponent = throttle.failures - slowdown_after
        delay = min(2**exponent, MAX_DELAY_SECONDS)
        ready_at = throttle.last_failure_at + timedelta(seconds=delay)
        if ready_at > now:
            return int((ready_at - now).total_seconds()) + 1
    return 0


def check_not_throttled(request, username: str) -> None:
    now = timezone.now()
    throttles = LoginThrottle.objects.filter(key__in=throttle_keys(request, username))
    wait = max((wait_seconds(t, now) for t in throttles), default=0)
    if not wait:
        return
    locked = any(t.locked_until and t.locked_until > now for t in throttles)
    if locked:
        minutes = (wait + 59) // 60
        raise ValidationError(
            ngettext(
                "Too many failed sign-ins. Sign-in is locked; try again in %(n)d minute.",
                "Too many failed sign-ins. Sign-in is locked; try again in %(n)d minutes.",
                minutes,
            )
            % {"n": minutes},
            code="locked",
        )
    raise ValidationError(
        ngettext(
            "Several sign-ins failed. Please wait %(n)d second before trying again.",
            "Several sign-ins failed. Please wait %(n)d seconds before trying again.",
            wait,
        )
        % {"n": wait},
        code="slowed",
    )


def record_failure(request, username: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        for key in throttle_keys(request, username):
            throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
            throttle.failures += 1
            throttle.last_failure_at = now
            if throttle.failures >= limits(key)[1]:
                throttle.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                throttle.failures = 0
            throttle.save()


def record_success(request, username: str) -> None:
    LoginThrottle.objects.filter(key=throttle_keys(request, username)[0]).delete()


def sign_in(request, username: str, password: str):
    """Authenticate with throttling. Returns the user, or raises a translated ValidationError."""
    check_not_throttled(request, username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_failure(request, username)
        raise ValidationError(_("The user name or password is wrong."), code="invalid_login")
    record_success(request, username)
    return user
