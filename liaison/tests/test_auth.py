"""Sign-in with django-axes, on the login page and the API token endpoint alike: failures are
counted per user name and client address together, behind the proxy too, and forgotten after
the lockout time; the secretariat can unlock at once."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"  # UserFactory's password
LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"
PROXY = "127.0.0.1"  # nginx on the same machine: every request arrives from it
OFFICE = "10.1.2.3"
HOME = "10.9.8.7"


@pytest.fixture(scope="module")
def settings_behind_one_proxy():
    """The client-address settings that liaison/settings.py derives from TRUSTED_PROXY_COUNT=1
    (read in a fresh process, as a server started with that setting reads them)."""
    names = ["AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT", "IPWARE_STRICT"]
    script = (
        "import json, sys; from liaison import settings as s; "
        f"json.dump({{n: getattr(s, n, None) for n in {names!r}}}, sys.stdout)"
    )
    environment = {**os.environ, "TRUSTED_PROXY_COUNT": "1", "SECRET_KEY": "x" * 50}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings, settings_behind_one_proxy):
    settings.LOGIN_LOCKOUT_AFTER = settings.AXES_FAILURE_LIMIT = 4
    settings.LOGIN_LOCKOUT_MINUTES = 15
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for name, value in settings_behind_one_proxy.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)


def forwarded(client_address: str, written_by_client: str = "") -> dict:
    """What nginx passes on: the client's own X-Forwarded-For (if any) and the address nginx
    saw appended; the connection comes from nginx."""
    chain = f"{written_by_client}, {client_address}" if written_by_client else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def sign_in(client, username, password, address=OFFICE, language="zh-hans", **headers):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE=language,
        **{**forwarded(address), **headers},
    )


def login_error(response):
    """The (code, message) of the login form's error, which the page shows."""
    errors = response.context["form"].non_field_errors().as_data()
    assert len(errors) == 1
    message = errors[0].messages[0]
    assert message in response.content.decode()
    return errors[0].code, message


def is_signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def fail(client, username, times, address=OFFICE):
    """Fail ``times`` times; the failure that reaches the limit already says "locked"."""
    for _attempt in range(times):
        response = sign_in(client, username, "wrong", address)
        assert login_error(response)[0] in ("invalid_login", "locked")


def let_time_pass(minutes):
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


# --- Signing in --------------------------------------------------------------------------------


def test_login_page_renders_form(client):
    response = client.get(LOGIN_URL)

    content = response.content.decode()
    assert 'name="username"' in content and 'name="password"' in content


def test_login_good_password_signs_in_and_redirects_home(client, member_a):
    response = sign_in(client, "member_a", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client, member_a)
    assert client.get("/").status_code == 200


def test_login_signed_in_user_redirected_away_from_login_page(client, member_a):
    client.force_login(member_a)

    assert client.get(LOGIN_URL).status_code == 302


def test_login_wrong_password_shows_error_and_records_the_pair(client, member_a):
    code, message = login_error(sign_in(client, "member_a", "wrong", language="en"))

    assert code == "invalid_login"
    assert "wrong" in message
    assert not is_signed_in(client, member_a)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "member_a",
        OFFICE,
        1,
    )


def test_login_user_name_counted_case_insensitively(client, member_a):
    sign_in(client, "member_a", "wrong")
    sign_in(client, "MEMBER_A", "wrong")

    assert AccessAttempt.objects.get().failures_since_start == 2


def test_login_inactive_user_refused(client, member_a):
    member_a.is_active = False
    member_a.save()

    code, _message = login_error(sign_in(client, "member_a", PASSWORD))

    assert code == "invalid_login"
    assert not is_signed_in(client, member_a)


# --- Lockout behind the proxy ------------------------------------------------------------------


@pytest.mark.parametrize("varying", [False, True], ids=["same-address", "varying-addresses"])
def test_failures_under_other_names_never_lock_out_a_right_password(
    varying, client, member_a, member_b
):
    for n in range(40):
        address = f"10.1.{n // 200}.{n % 200 + 1}" if varying else OFFICE
        assert login_error(sign_in(client, f"guess{n}", "wrong", address))[0] == "invalid_login"
    fail(client, "member_b", 3)  # even a colleague's near-lockout on the same address

    response = sign_in(client, "member_a", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client, member_a)


def test_failures_of_one_user_from_one_address_lock_that_pair_only(
    client, member_a, member_b, settings
):
    fail(client, "member_a", settings.LOGIN_LOCKOUT_AFTER)

    locked = sign_in(client, "member_a", PASSWORD)

    assert locked.status_code == 429
    code, message = login_error(locked)
    assert code == "locked"
    assert message == "登录失败次数过多，已暂时锁定，请 15 分钟后再试。"
    assert not is_signed_in(client, member_a)
    # The same user from another address, and another user from the same address, sign in.
    assert sign_in(client, "member_b", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert sign_in(client, "member_a", PASSWORD, address=HOME).status_code == 302


def test_what_a_client_writes_into_x_forwarded_for_does_not_escape_the_lock(
    client, member_a, settings
):
    for n in range(settings.LOGIN_LOCKOUT_AFTER):
        spoofed = forwarded(OFFICE, written_by_client=f"198.51.100.{n}")
        sign_in(client, "member_a", "wrong", **spoofed)

    response = sign_in(client, "member_a", PASSWORD, **forwarded(OFFICE, "203.0.113.9"))

    assert response.status_code == 429
    assert not is_signed_in(client, member_a)
    # Counted at the address nginx saw, not at the proxy's own address.
    attempt = AccessAttempt.objects.get()
    assert (attempt.ip_address, attempt.failures_since_start) == (OFFICE, 4)


def test_lockout_ends_after_the_lockout_minutes(client, member_a, settings):
    fail(client, "member_a", settings.LOGIN_LOCKOUT_AFTER)
    assert sign_in(client, "member_a", PASSWORD).status_code == 429

    let_time_pass(minutes=16)
    response = sign_in(client, "member_a", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client, member_a)


def test_failures_are_forgotten_after_the_lockout_minutes(client, member_a, settings):
    fail(client, "member_a", settings.LOGIN_LOCKOUT_AFTER - 1)
    let_time_pass(minutes=16)
    fail(client, "member_a", 1)  # would be the last allowed failure if the old ones counted

    assert sign_in(client, "member_a", PASSWORD).status_code == 302


def test_success_clears_the_failures_of_the_pair(client, member_a, settings):
    fail(client, "member_a", settings.LOGIN_LOCKOUT_AFTER - 1)
    assert sign_in(client, "member_a", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    fail(client, "member_a", settings.LOGIN_LOCKOUT_AFTER - 1)

    assert sign_in(client, "member_a", PASSWORD).status_code == 302


@pytest.mark.parametrize("typed", ["member_a", "Member_A"])
def test_secretariat_unlocks_a_user_with_the_command(typed, client, member_a, settings):
    fail(client, "member_a", settings.LOGIN_LOCKOUT_AFTER)
    assert sign_in(client, "member_a", PASSWORD).status_code == 429

    call_command("axes_reset_username", typed, stdout=StringIO())

    assert sign_in(client, "member_a", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()


# --- Sign-out --------------------------------------------------------------------------------


def test_logout_get_refused_and_user_stays_signed_in(client_for, member_a):
    client = client_for(member_a)

    response = client.get("/accounts/logout/")

    assert response.status_code == 405
    assert is_signed_in(client, member_a)
    assert client.get("/").status_code == 200


def test_logout_post_signs_out(client_for, member_a):
    client = client_for(member_a)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert "您已退出登录" in client.get("/accounts/login/").content.decode()


# --- API token -------------------------------------------------------------------------------


def request_token(api, username, password, address=OFFICE, language="zh-hans"):
    return api.post(
        TOKEN_URL,
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE=language,
        **forwarded(address),
    )


def test_api_token_good_credentials_returns_working_token(api_for, member_a):
    api = api_for(None)

    response = request_token(api, "member_a", PASSWORD)

    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=member_a).key == key
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/organisations/").status_code == 200


def test_api_token_asked_twice_returns_same_token(api_for, member_a):
    first = request_token(api_for(None), "member_a", PASSWORD).json()["token"]
    second = request_token(api_for(None), "member_a", PASSWORD).json()["token"]

    assert first == second


def test_api_token_bad_credentials_400_in_error_format(api_for, member_a):
    response = request_token(api_for(None), "member_a", "wrong", language="en")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "invalid"
    assert body["errors"] == {"non_field_errors": [body["detail"]]}
    assert "wrong" in body["detail"]
    assert not Token.objects.exists()
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_api_token_missing_password_400_naming_field(api_for, member_a):
    response = api_for(None).post(TOKEN_URL, {"username": "member_a"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["password"]
    assert not Token.objects.exists()


def test_api_token_obeys_the_lockout_of_the_pair(api_for, member_a, settings):
    api = api_for(None)
    answers = [
        request_token(api, "member_a", "wrong").status_code
        for _attempt in range(settings.LOGIN_LOCKOUT_AFTER)
    ]
    assert answers == [400] * (settings.LOGIN_LOCKOUT_AFTER - 1) + [429]

    response = request_token(api, "member_a", PASSWORD)
    from_home = request_token(api, "member_a", PASSWORD, address=HOME)

    assert response.status_code == 429
    assert response.json() == {
        "detail": "登录失败次数过多，已暂时锁定，请 15 分钟后再试。",
        "code": "locked",
    }
    assert from_home.status_code == 200
    assert Token.objects.filter(user=member_a).count() == 1


def test_api_token_and_login_page_share_the_count(client, api_for, member_a, settings):
    for _attempt in range(settings.LOGIN_LOCKOUT_AFTER - 1):
        request_token(api_for(None), "member_a", "wrong")
    fail(client, "member_a", 1)

    response = sign_in(client, "member_a", PASSWORD)

    assert response.status_code == 429
    assert login_error(response)[0] == "locked"
