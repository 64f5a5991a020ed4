"""Every concrete model of ``meetings`` has a factory that builds a valid, saved row."""

from liaison.tests.factory_checks import factory_tests
from meetings.tests import factories

test_every_model_has_a_factory, test_factory_builds_a_valid_row = factory_tests(
    "meetings", factories
)
