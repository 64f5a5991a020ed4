import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from liaison.models import User


@pytest.mark.django_db
def test_demo_member_sees_its_own_agreements_and_no_others():
    call_command("seed_demo", stdout=None)
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
