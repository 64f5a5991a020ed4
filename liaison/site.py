"""The site's own address, for links opened outside the site: in mail and in calendars."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """A site path (from ``reverse``) as a full URL on ``SITE_URL``. Mail and calendar feeds are
    written outside any request (in the background worker, or for a calendar client), so the
    request's host is not at hand: every link that leaves the site goes through here."""
    return settings.SITE_URL + path


def absolute_reverse(name: str, *args) -> str:
    return absolute_url(reverse(name, args=args))
