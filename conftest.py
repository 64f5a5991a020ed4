"""Shared fixtures.

- Personas, so every negative test has data that could leak: secretariat, official, member_a
  (of enterprise A), member_b (of enterprise B), and anonymous (the plain ``client``).
- ``demo``: the demo cooperation of the source article, loaded once per session and replayed
  into each test that asks for it (``demo/tests/snapshot.py``); ``demo_official`` its official.
- ``pinned_queries``: a list page's exact number of queries, at two data sizes.
- ``bucket``: a private S3 bucket (moto's server on 127.0.0.1) as the private file storage.
- The ``.mo`` files are compiled before the run when a ``.po`` is newer (they are not in git).
- ``-n auto`` (pyproject): the whole suite on every core, a chosen part in this process.
"""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from demo.tests import snapshot
from liaison.models import User
from liaison.tests.factories import OrganisationFactory, UserFactory
from liaison.tests.object_storage import bucket, s3_server  # noqa: F401

ROOT = Path(__file__).resolve().parent


def pytest_configure(config):
    compile_stale_messages()


def pytest_xdist_auto_num_workers(config):
    """The whole suite (no paths given) runs on every core, as pytest-xdist counts them; a chosen
    part runs in this process: each worker makes its own test database, which costs more than
    it saves on a few files. ``-n N`` still asks for N workers."""
    if config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return 0
    return None


def compile_stale_messages() -> None:
    """Compile every ``.po`` whose ``.mo`` is missing or older (a fresh checkout has none)."""
    for po in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


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
    return lambda user: _client_for(type(client), user)


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
    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
        test["NAME"] = str(Path(tempfile.gettempdir()) / f"liaison-test-{os.getpid()}.sqlite3")


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """``seed_demo`` run once per session, its rows kept in memory (rolled back in the DB)."""
    with django_db_blocker.unblock():
        return snapshot.take(media_root=tmp_path_factory.mktemp("demo-media"))


@pytest.fixture
def demo(db, demo_snapshot, settings) -> snapshot.Demo:
    """The demo cooperation, as ``seed_demo`` leaves it, in this test's transaction. Files the
    demo stores are copied under the ``MEDIA_ROOT`` in force when the fixture runs: a test that
    moves ``MEDIA_ROOT`` does so in a fixture it asks for before ``demo``."""
    return snapshot.replay(demo_snapshot, media_root=settings.MEDIA_ROOT)


@pytest.fixture
def demo_official(demo) -> User:
    return demo.user("official")


@pytest.fixture
def pinned_queries():
    """``pinned_queries(client, url, make, queries=N)``: GET ``url`` with ``small`` rows made by
    ``make()`` (one row a call), then with ``large``, and assert both take exactly ``queries``
    queries (a warm-up GET first: sessions and content types are read once). The SQL captured
    at a size that differs is printed, numbered. Returns the two measured responses."""

    def check(client, url, make, *, queries: int, small: int = 2, large: int = 12) -> list:
        made, responses = 0, []
        for size in (small, large):
            for _row in range(size - made):
                make()
            made = size
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            responses.append(response)
            if len(captured) != queries:
                sql = "\n".join(
                    f"{n}. {query['sql']}" for n, query in enumerate(captured.captured_queries, 1)
                )
                pytest.fail(
                    f"{url} with {size} rows: {len(captured)} queries, not {queries}:\n{sql}"
                )
        return responses

    return check
