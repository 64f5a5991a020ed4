"""Query input no one meant (a year out of range, an id too large for the database, a word
where an id belongs) is answered with a clear refusal, never a server error."""

import pytest

from agreements.tests.factories import AgreementFactory
from meetings.tests.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db

BAD_YEARS = ["0", "-1", "99999", "1e5", "abc", "9" * 20]
BAD_IDS = ["9" * 20, "-9" + "9" * 19, "abc", "1.5"]

API_FILTERS = [
    ("/api/v1/meetings/", "year", BAD_YEARS),
    ("/api/v1/agreements/", "year", BAD_YEARS),
    ("/api/v1/agreements/statistics/", "year", BAD_YEARS),
    ("/api/v1/agreements/export/", "year", BAD_YEARS),
    ("/api/v1/decisions/", "unit", BAD_IDS),
    ("/api/v1/decisions/", "meeting", BAD_IDS),
    ("/api/v1/decisions/", "minutes", BAD_IDS),
    ("/api/v1/agreements/", "amount_min", ["9" * 400, "1e400", "nan"]),
]
# (page, parameter, values): the agreement pages show the filter's error and list nothing;
# the meeting and decision lists ignore what they cannot use.
PAGES = [
    ("/meetings/", "year", BAD_YEARS),
    ("/agreements/", "year", BAD_YEARS),
    ("/agreements/statistics/", "year", BAD_YEARS),
    ("/meetings/decisions/", "unit", BAD_IDS),
    ("/meetings/decisions/", "meeting", BAD_IDS),
]


def cases(table):
    return [(url, name, value) for url, name, values in table for value in values]


@pytest.fixture
def some_rows(enterprise_a):
    MeetingFactory()
    AgreementFactory()


@pytest.mark.parametrize(("url", "name", "value"), cases(API_FILTERS))
def test_api_bad_filter_value_is_400_in_the_error_shape(
    url, name, value, some_rows, api_for, secretariat
):
    response = api_for(secretariat).get(url, {name: value}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid"
    assert name in body["errors"]


@pytest.mark.parametrize(("url", "name", "value"), cases(PAGES))
def test_page_bad_filter_value_shows_a_message_not_an_error(
    url, name, value, some_rows, client_for, secretariat
):
    response = client_for(secretariat).get(url, {name: value})

    assert response.status_code == 200
    content = response.content.decode()
    if url.startswith("/agreements/"):
        assert 'class="error" role="alert"' in content
        assert "年份：" in content
    elif name == "unit":
        assert "errorlist" in content  # the decision filter form says what it could not use


def test_export_with_a_bad_filter_is_refused_with_the_ledgers_message(
    some_rows, client_for, secretariat
):
    response = client_for(secretariat).get("/agreements/export/", {"year": "99999"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "年份：" in response.content.decode()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/meetings/abc/deliveries/"),
        ("get", f"/api/v1/meetings/{'9' * 20}/deliveries/"),
        ("post", "/api/v1/invitations/abc/answer/"),
        ("post", f"/api/v1/invitations/{'9' * 20}/answer/"),
        ("get", f"/api/v1/meetings/{'9' * 20}/"),
        ("get", "/api/v1/agreements/abc/status-changes/"),
        ("get", "/api/v1/mechanisms/abc/occurrences/"),
    ],
)
def test_api_bad_id_in_the_path_is_404(method, url, api_for, secretariat):
    InvitationFactory()

    response = getattr(api_for(secretariat), method)(url, {}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_address_without_its_slash_is_still_redirected(api_for, secretariat):
    response = api_for(secretariat).get("/api/v1/meetings")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/meetings/"
