"""Fixtures of the reports tests: the minutes setting of the meetings tests (for the dashboard's
decisions). The demo (``demo``, ``demo_official``) is the root conftest's."""

from meetings.tests.minutes_setup import (  # noqa: F401
    fake_renderer,
    minutes,
    minutes_media,
    setting,
)
