"""Shared personas: every negative test has data that could leak.

secretariat, official, member_a (of enterprise A), member_b (of enterprise B), and anonymous
(the plain ``client``)."""

import os
import tempfile
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from liaison.models import User
from liaison.tests.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _chinese_and_fast(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def enterprise_a(db):
    return OrganisationFactory(name="甲企业有限公司")


@pytest.fixture
def enterprise_b(db):
    return OrganisationFactory(name="乙企业有限公司")


@pytest.fixture
def secretariat(db):
    return UserFactory(username="secretariat", role=User.Role.SECRETARIAT, organisation=None)


@pytest.fixture
def official(db):
    return UserFactory(username="official", role=User.Role.OFFICIAL, organisation=None)


@pytest.fixture
def member_a(enterprise_a):
    return UserFactory(username="member_a", role=User.Role.MEMBER, organisation=enterprise_a)


@pytest.fixture
def member_b(enterprise_b):
    return UserFactory(username="member_b", role=User.Role.MEMBER, organisation=enterprise_b)


@pytest.fixture
def persona(request, secretariat, official, member_a, member_b):
    """Look a persona up by name, for parametrised permission tests (None: anonymous)."""
    return {
        "secretariat": secretariat,
        "official": official,
        "member_a": member_a,
        "member_b": member_b,
        "anonymous": None,
    }


def _client_for(client_class, user):
    client = client_class()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for(client):
    from django.test import Client

    return lambda user: _client_for(Client, user)


@pytest.fixture
def api_for():
    return lambda user: _client_for(APIClient, user)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, test in a temporary file rather than in memory.

    Django's in-memory test database is shared between threads through SQLite's shared cache,
    whose table locks fail at once instead of waiting: tests that answer from many threads at
    the same time (meetings/tests/test_concurrency.py) need a real file, where the project's
    BEGIN IMMEDIATE transactions queue up as they do in production. An explicit
    DATABASES["default"]["TEST"]["NAME"] is kept; the file is removed when the run ends."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
        test["NAME"] = str(Path(tempfile.gettempdir()) / f"liaison-test-{os.getpid()}.sqlite3")
