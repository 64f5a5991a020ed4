"""Fixtures of the liaison tests: the demo data."""

import io

import pytest
from django.core.management import call_command

from liaison.models import User


@pytest.fixture
def demo_official(db):
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(username="official")
