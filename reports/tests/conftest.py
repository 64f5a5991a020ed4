"""Fixtures of the reports tests: the minutes setting of the meetings tests (for the dashboard's
decisions) and the association of the liaison tests (for the partnership page). The demo
(``demo``, ``demo_official``) is the root conftest's."""

from liaison.tests.association_setup import association  # noqa: F401
from meetings.tests.minutes_setup import (  # noqa: F401
    fake_renderer,
    minutes,
    minutes_media,
    setting,
)
