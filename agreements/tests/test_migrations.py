"""Existing agreements move to their kind's lifecycle: every old status of every kind, and
every step of their history, with nothing lost; and back."""

from datetime import date
from itertools import product

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("agreements", "0005_agreement_import")]
AFTER = [("agreements", "0006_agreement_kinds")]

OLD_STATUSES = (
    "signed",
    "under_construction",
    "in_operation",
    "completed",
    "stalled",
    "terminated",
)
OLD_KINDS = ("strategic", "project", "purchase", "park", "intention", "other")

# What each old status of each kind becomes.
EXPECTED = {
    "purchase": {
        "under_construction": "partly_delivered",
        "in_operation": "delivered",
        "completed": "delivered",
    },
    "strategic": {
        "under_construction": "mechanism_set_up",
        "in_operation": "projects_introduced",
        "completed": "projects_introduced",
    },
    "intention": {
        "under_construction": "negotiating",
        "in_operation": "converted",
        "completed": "converted",
    },
}
EXPECTED["park"] = EXPECTED["strategic"]


def expected(kind: str, status: str) -> str:
    return EXPECTED.get(kind, {}).get(status, status)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def make_agreements(apps) -> dict[tuple[str, str], int]:
    Organisation = apps.get_model("liaison", "Organisation")
    Partnership = apps.get_model("liaison", "Partnership")
    Agreement = apps.get_model("agreements", "Agreement")
    StatusChange = apps.get_model("agreements", "StatusChange")
    partnership = Partnership.objects.create(
        name="湘吐合作",
        party_a=Organisation.objects.create(name="湖南省工商联", kind="federation"),
        party_b=Organisation.objects.create(name="吐鲁番市人民政府", kind="government"),
        started_on=date(2023, 12, 1),
    )
    ids = {}
    for kind, status in product(OLD_KINDS, OLD_STATUSES):
        agreement = Agreement.objects.create(
            kind=kind,
            title=f"{kind}-{status}",
            partnership=partnership,
            signed_on=date(2023, 12, 20),
            status=status,
            status_reason="原因" if status in ("stalled", "terminated") else "",
        )
        if status != "signed":
            # The history of an agreement that went on to this status.
            StatusChange.objects.create(
                agreement=agreement,
                from_status="signed",
                to_status="under_construction",
                changed_on=date(2024, 3, 1),
            )
            if status != "under_construction":
                StatusChange.objects.create(
                    agreement=agreement,
                    from_status="under_construction",
                    to_status=status,
                    changed_on=date(2024, 9, 1),
                    note="原因",
                )
        ids[kind, status] = agreement.pk
    return ids


def history(apps, pk) -> list[tuple[str, str]]:
    StatusChange = apps.get_model("agreements", "StatusChange")
    return list(
        StatusChange.objects.filter(agreement_id=pk)
        .order_by("changed_on")
        .values_list("from_status", "to_status")
    )


def test_migration_moves_every_old_status_of_every_kind(old_apps):
    ids = make_agreements(old_apps)

    new_apps = migrate(AFTER)

    Agreement = new_apps.get_model("agreements", "Agreement")
    for (kind, status), pk in ids.items():
        agreement = Agreement.objects.get(pk=pk)
        assert agreement.status == expected(kind, status), (kind, status)
        assert agreement.status_reason == ("原因" if status in ("stalled", "terminated") else "")
        steps = [("signed", "under_construction"), ("under_construction", status)]
        steps = steps[: 0 if status == "signed" else 1 if status == "under_construction" else 2]
        assert history(new_apps, pk) == [
            (expected(kind, old), expected(kind, new)) for old, new in steps
        ], (kind, status)
    assert Agreement.objects.count() == len(OLD_KINDS) * len(OLD_STATUSES)


def test_migration_back_restores_the_old_statuses(old_apps):
    ids = make_agreements(old_apps)
    migrate(AFTER)

    apps = migrate(BEFORE)

    Agreement = apps.get_model("agreements", "Agreement")
    for (kind, status), pk in ids.items():
        # Completed and in operation are one landed status of the other kinds.
        back = "in_operation" if status == "completed" and kind in EXPECTED else status
        assert Agreement.objects.get(pk=pk).status == back, (kind, status)
        assert len(history(apps, pk)) == {"signed": 0, "under_construction": 1}.get(status, 2)
