"""Fixtures shared by the meetings tests (see the modules they come from)."""

from meetings.tests.minutes_setup import (  # noqa: F401
    fake_renderer,
    minutes,
    minutes_media,
    setting,
)
