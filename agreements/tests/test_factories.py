"""Every concrete model of ``agreements`` has a factory that builds a valid, saved row."""

from agreements.tests import factories
from liaison.tests.factory_checks import factory_tests

test_every_model_has_a_factory, test_factory_builds_a_valid_row = factory_tests(
    "agreements", factories
)
