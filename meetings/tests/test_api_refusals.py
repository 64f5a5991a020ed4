"""A member is refused a write it may not make before its body is validated: the answer is the
same 403 whatever the body holds, so the field errors tell an outsider nothing."""

import pytest

from meetings import minutes as workflow
from meetings.models import Decision, FollowUp, Minutes, MinutesVersion
from meetings.tests.minutes_setup import decision, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_minutes(setting, minutes, secretariat, enterprise_b, fake_renderer):
    item = decision(minutes, secretariat, units=[enterprise_b])
    version = published(minutes, setting, secretariat)
    return version, item


def write_urls(version, item):
    return [
        "/api/v1/minutes/",
        f"/api/v1/minutes-versions/{version.pk}/correct/",
        f"/api/v1/decisions/{item.pk}/status/",
        f"/api/v1/decisions/{item.pk}/follow-ups/",
    ]


@pytest.mark.parametrize("body", [{}, {"reason": "", "status": "nonsense", "date": "x"}])
@pytest.mark.parametrize("which", range(4))
def test_member_write_is_refused_before_its_body_is_read(
    which, body, published_minutes, api_for, member_a
):
    version, item = published_minutes
    url = write_urls(version, item)[which]
    # The member reads what it would write to: the refusal is about permission, not existence.
    assert api_for(member_a).get(f"/api/v1/decisions/{item.pk}/").status_code == 200

    response = api_for(member_a).post(url, body, format="json")

    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "permission_denied"
    assert "errors" not in response.json()
    assert Minutes.objects.count() == 1
    assert MinutesVersion.objects.count() == 1
    assert FollowUp.objects.count() == 0
    assert Decision.objects.get().status == Decision.Status.OPEN


def test_secretariat_still_gets_field_errors(published_minutes, api_for, secretariat):
    version, item = published_minutes

    response = api_for(secretariat).post(f"/api/v1/decisions/{item.pk}/follow-ups/", {})

    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"date", "text"}
    assert workflow.current_version(version.minutes) == version
