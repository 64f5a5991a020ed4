"""Fixtures shared by the meetings tests (see the modules they come from)."""

import pytest
from django.core.cache import cache

from meetings.tests.minutes_setup import (  # noqa: F401
    fake_renderer,
    minutes,
    minutes_media,
    setting,
)


@pytest.fixture(autouse=True)
def _empty_feed_cache():
    """Calendar feeds are cached under their version; test databases reuse ids, and rows made
    by factories leave no audit entry, so each test starts with an empty cache."""
    cache.clear()
