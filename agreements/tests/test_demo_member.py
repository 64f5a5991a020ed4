import pytest
from rest_framework.test import APIClient

from liaison.models import User
from meetings.models import Meeting

SIGNING_EVENT = "2023湖南民营企业进边疆·吐鲁番行招商推介会暨项目签约仪式"


@pytest.mark.django_db
def test_demo_member_sees_its_own_agreements_and_no_others(demo):
    member = User.objects.get(username="member")
    api = APIClient()
    api.force_login(member)

    response = api.get("/api/v1/agreements/", {"page_size": 200})

    titles = [row["title"] for row in response.json()["results"]]
    assert len(titles) == 2
    assert all(title.startswith("高昌区") for title in titles)
    other = User.objects.get(username="member2")
    api.force_login(other)
    others = [row["title"] for row in api.get("/api/v1/agreements/").json()["results"]]
    assert others and not set(others) & set(titles)


@pytest.mark.django_db
def test_demo_statistics_api_shows_the_article_figures_of_the_signing_event(demo):
    api = APIClient()
    api.force_login(User.objects.get(username="official"))
    event = Meeting.objects.get(title=SIGNING_EVENT)

    body = api.get(
        "/api/v1/agreements/statistics/", {"kind": "project", "signed_at_meeting": event.pk}
    ).json()

    assert body["count"] == 33
    assert body["amount"] == "24618000000.00"
    by_unit = {row["label"]: row["amount"] for row in body["by_unit"]}
    assert by_unit == {
        "高昌区": "7875000000.00",
        "鄯善县": "9195000000.00",
        "托克逊县": "7338000000.00",
        "市直单位": "210000000.00",
    }
