"""Fixtures of the reports tests: the demo data, and the minutes setting of the meetings tests
(for the dashboard's decisions)."""

import io

import pytest
from django.core.management import call_command

from liaison.models import User
from meetings.tests.minutes_setup import (  # noqa: F401
    fake_renderer,
    minutes,
    minutes_media,
    setting,
)


@pytest.fixture
def demo_official(db):
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(username="official")
