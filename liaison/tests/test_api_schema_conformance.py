"""The API keeps its published schema (``/api/v1/schema/``): schemathesis generates requests
for every operation, as the secretariat and as a member (token authentication), and checks
that no answer is a server error, every status code is documented and every body matches its
schema. Examples are few and derandomized, so the run is bounded and repeatable."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from agreements.tests.factories import agreement_with_party
from liaison.wsgi import application
from meetings.tests.factories import InvitationFactory, MeetingFactory

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def world(db, enterprise_a, enterprise_b):
    """A little of everything, so that some generated ids find something."""
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, organisation=enterprise_a)
    agreement_with_party(enterprise_a)
    agreement_with_party(enterprise_b)


@pytest.fixture
def _one_connection():
    """Requests go through the WSGI application inside the test's transaction: keep the
    connection open between them, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def token_headers(user) -> dict:
    token, _created = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def load_schema(user):
    headers = token_headers(user)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=headers)
    return schema, headers


def assert_every_operation_keeps_the_schema(user):
    """Run the generated examples of every operation; report every operation that failed."""
    schema, headers = load_schema(user)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @EXAMPLES
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # each one is reported below
            failures.append(f"{operation.label}\n{error}")
    assert not failures, f"{len(failures)} operations fail:\n\n" + "\n\n".join(failures)


def test_api_keeps_its_schema_for_the_secretariat(world, _one_connection, secretariat):
    assert_every_operation_keeps_the_schema(secretariat)


def test_api_keeps_its_schema_for_a_member(world, _one_connection, member_a):
    assert_every_operation_keeps_the_schema(member_a)
