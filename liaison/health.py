"""The health endpoint for the proxy and the monitoring (``/health/``).

django-health-check runs the probes: the database, the cache, the private file storage, the
migrations (all applied) and, when one is configured, the task broker. The answer is anonymous
and says only "up" or "down" per component, with 200 when all are up and 503 otherwise: no
versions, host names or exception text (the failures are logged on the server instead).
"""

from __future__ import annotations

import asyncio
import dataclasses

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from liaison.tasks import runs_in_process
from liaison.uploads import private_storage


@dataclasses.dataclass
class PrivateStorage(Storage):
    """Write, read and delete a probe file where the private files are kept."""

    @property
    def storage(self):
        return private_storage()


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Down while a migration of the code is not applied to the database."""

    def run(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.close()
        if plan:
            raise ServiceUnavailable("Unapplied migrations")


@dataclasses.dataclass
class Broker(HealthCheck):
    """Connect to the Celery broker (the worker itself is not asked)."""

    def run(self) -> None:
        from liaison.tasks import app  # the Celery app is only needed for this probe

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=3)
        except Exception as error:
            raise ServiceUnavailable("Broker unreachable") from error


def components() -> dict[str, HealthCheck]:
    checks = {
        "database": Database(),
        "cache": Cache(),
        "storage": PrivateStorage(),
        "migrations": MigrationsApplied(),
    }
    if not runs_in_process():
        checks["broker"] = Broker()
    return checks


class HealthView(HealthCheckView):
    """``{"status": "up", "components": {"database": "up", …}}``; 503 when any is down."""

    async def get(self, request, *args, **kwargs):
        checks = components()
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in checks.values())
            )
        states = {
            name: "down" if result.error else "up"
            for name, result in zip(checks, results, strict=True)
        }
        down = "down" in states.values()
        response = JsonResponse(
            {"status": "down" if down else "up", "components": states},
            status=503 if down else 200,
        )
        add_never_cache_headers(response)
        return response
