import pytest
from rest_framework.test import APIClient

from liaison.models import User


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
def test_demo_statistics_api_shows_the_article_figures(demo):
    api = APIClient()
    api.force_login(User.objects.get(username="official"))

    body = api.get("/api/v1/agreements/statistics/", {"kind": "project"}).json()

    assert body["count"] == 33
    assert body["amount"] == "24618000000.00"
    by_unit = {row["label"]: row["amount"] for row in body["by_unit"]}
    assert by_unit == {
        "高昌区": "7875000000.00",
        "鄯善县": "9195000000.00",
        "托克逊县": "7338000000.00",
        "市直单位": "210000000.00",
    }
