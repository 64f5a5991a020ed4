"""Fixtures of the liaison tests: an association larger than a page (shared with reports)."""

from liaison.tests.association_setup import association  # noqa: F401
