"""Sign-in with throttling, on the login page and the API token endpoint alike."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from liaison.models import LoginThrottle

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"  # UserFactory's password
LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.LOGIN_SLOWDOWN_AFTER = 2
    settings.LOGIN_LOCKOUT_AFTER = 4
    settings.LOGIN_LOCKOUT_MINUTES = 15


def sign_in(client, username, password, language="en"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def login_error(response):
    """The (code, message) of the login form's error."""
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors().as_data()
    assert len(errors) == 1
    message = errors[0].messages[0]
    assert message in response.content.decode()
    return errors[0].code, message


def is_signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def user_throttle(user) -> LoginThrottle | None:
    return LoginThrottle.objects.filter(key=f"user:{user.username}").first()


def let_time_pass(seconds=120):
    """Make every recorded failure older, as if the user had waited."""
    for throttle in LoginThrottle.objects.all():
        if throttle.last_failure_at:
            throttle.last_failure_at -= timedelta(seconds=seconds)
        if throttle.locked_until:
            throttle.locked_until -= timedelta(seconds=seconds)
        throttle.save()


def fail_until_locked(client, user, settings):
    for _attempt in range(settings.LOGIN_LOCKOUT_AFTER):
        let_time_pass()  # wait out the slowdown, so that every try is counted
        assert login_error(sign_in(client, user.username, "wrong"))[0] == "invalid_login"


def test_login_page_renders_form(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
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


def test_login_wrong_password_shows_error_and_records_failure(client, member_a):
    response = sign_in(client, "member_a", "wrong")

    code, message = login_error(response)
    assert code == "invalid_login"
    assert "wrong" in message
    assert not is_signed_in(client, member_a)
    throttle = user_throttle(member_a)
    assert throttle.failures == 1
    assert throttle.last_failure_at is not None
    assert throttle.locked_until is None
    assert LoginThrottle.objects.get(key="ip:127.0.0.1").failures == 1


def test_login_unknown_user_shows_same_error(client, db):
    code, _message = login_error(sign_in(client, "nobody", "wrong"))

    assert code == "invalid_login"
    assert LoginThrottle.objects.get(key="user:nobody").failures == 1


def test_login_user_name_counted_case_insensitively(client, member_a):
    sign_in(client, "member_a", "wrong")
    sign_in(client, "MEMBER_A", "wrong")

    assert user_throttle(member_a).failures == 2


def test_login_after_slowdown_failures_immediate_retry_must_wait(client, member_a, settings):
    for _attempt in range(settings.LOGIN_SLOWDOWN_AFTER):
        sign_in(client, "member_a", "wrong")

    response = sign_in(client, "member_a", PASSWORD)

    code, message = login_error(response)
    assert code == "slowed"
    assert "wait" in message
    assert not is_signed_in(client, member_a)
    # The refused try is not counted as another failure.
    assert user_throttle(member_a).failures == settings.LOGIN_SLOWDOWN_AFTER


def test_login_after_slowdown_waiting_lets_right_password_in(client, member_a, settings):
    for _attempt in range(settings.LOGIN_SLOWDOWN_AFTER):
        sign_in(client, "member_a", "wrong")
    let_time_pass()

    response = sign_in(client, "member_a", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client, member_a)


@pytest.mark.parametrize(
    ("failures", "wait"), [(1, 0), (2, 1), (3, 2), (4, 4), (7, 32), (8, 60), (30, 60)]
)
def test_wait_seconds_doubles_from_slowdown_up_to_a_minute(failures, wait):
    from liaison import auth

    now = timezone.now()
    throttle = LoginThrottle(key="user:member_a", failures=failures, last_failure_at=now)

    assert auth.wait_seconds(throttle, now) == (wait + 1 if wait else 0)
    assert auth.wait_seconds(throttle, now + timedelta(seconds=wait)) == 0


def test_wait_seconds_address_gets_five_times_the_allowance():
    from liaison import auth

    now = timezone.now()
    throttle = LoginThrottle(key="ip:10.0.0.1", failures=9, last_failure_at=now)

    assert auth.wait_seconds(throttle, now) == 0
    throttle.failures = 10
    assert auth.wait_seconds(throttle, now) == 2


def test_login_after_lockout_failures_user_locked_even_with_right_password(
    client, member_a, settings
):
    fail_until_locked(client, member_a, settings)
    throttle = user_throttle(member_a)
    assert throttle.locked_until > timezone.now() + timedelta(minutes=14)

    code, message = login_error(sign_in(client, "member_a", PASSWORD))

    assert code == "locked"
    assert "locked" in message and "minutes" in message
    assert not is_signed_in(client, member_a)


def test_login_lockout_is_per_user_name(client, member_a, member_b, settings):
    fail_until_locked(client, member_a, settings)

    response = sign_in(client, "member_b", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client, member_b)


def test_login_lockout_ends_after_lockout_minutes(client, member_a, settings, monkeypatch):
    from liaison import auth

    fail_until_locked(client, member_a, settings)
    later = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=5)

    class Clock:
        @staticmethod
        def now():
            return later

    monkeypatch.setattr(auth, "timezone", Clock)

    response = sign_in(client, "member_a", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client, member_a)
    assert user_throttle(member_a) is None


def test_login_success_clears_user_counter(client, member_a):
    sign_in(client, "member_a", "wrong")
    assert user_throttle(member_a).failures == 1

    sign_in(client, "member_a", PASSWORD)

    assert user_throttle(member_a) is None
    # The address keeps its count: another user name from the same address is still counted.
    assert LoginThrottle.objects.get(key="ip:127.0.0.1").failures == 1


def test_login_inactive_user_refused(client, member_a):
    member_a.is_active = False
    member_a.save()

    code, _message = login_error(sign_in(client, "member_a", PASSWORD))

    assert code == "invalid_login"
    assert not is_signed_in(client, member_a)


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


def request_token(api, username, password, language="en"):
    return api.post(
        TOKEN_URL, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE=language
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
    response = request_token(api_for(None), "member_a", "wrong")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "invalid"
    assert body["errors"] == {"non_field_errors": [body["detail"]]}
    assert "wrong" in body["detail"]
    assert not Token.objects.exists()
    assert user_throttle(member_a).failures == 1


def test_api_token_missing_password_400_naming_field(api_for, member_a):
    response = api_for(None).post(TOKEN_URL, {"username": "member_a"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["password"]
    assert not Token.objects.exists()


def test_api_token_obeys_lockout(api_for, member_a, settings):
    api = api_for(None)
    for _attempt in range(settings.LOGIN_LOCKOUT_AFTER):
        let_time_pass()
        assert request_token(api, "member_a", "wrong").status_code == 400

    response = request_token(api, "member_a", PASSWORD)

    assert response.status_code == 429
    assert response.json()["code"] == "locked"
    assert "locked" in response.json()["detail"]
    assert not Token.objects.exists()


def test_api_token_obeys_slowdown(api_for, member_a, settings):
    api = api_for(None)
    for _attempt in range(settings.LOGIN_SLOWDOWN_AFTER):
        request_token(api, "member_a", "wrong")

    response = request_token(api, "member_a", PASSWORD)

    assert response.status_code == 429
    assert response.json()["code"] == "slowed"
    assert "wait" in response.json()["detail"]
    assert not Token.objects.exists()


def test_api_token_and_login_page_share_counter(client, api_for, member_a, settings):
    for _attempt in range(settings.LOGIN_SLOWDOWN_AFTER):
        request_token(api_for(None), "member_a", "wrong")

    code, _message = login_error(sign_in(client, "member_a", PASSWORD))

    assert code == "slowed"
