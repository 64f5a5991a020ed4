"""The feeds' latest-change question is one index seek per part, however many rows there are:
the plans of its queries on this database name the indexes made for them."""

import pytest
from django.db import connection

from liaison.audit import Newest, newest_deletion_of_type, newest_of_type
from liaison.tests.query_plans import query_plan
from meetings.models import Invitation, Meeting

pytestmark = pytest.mark.django_db


def plan(newest: Newest) -> str:
    sql, params = newest.sql(connection.ops.quote_name)
    return " ".join(str(row) for row in query_plan(sql, params))


@pytest.mark.parametrize(
    ("newest", "index"),
    [
        (lambda: Newest(Meeting, "updated_at"), "meeting_updated_idx"),
        (
            lambda: Newest(Meeting, "updated_at", (("partnership", 1),)),
            "meeting_partner_updated_idx",
        ),
        (lambda: newest_of_type(Invitation), "audit_type_at_idx"),
        (lambda: newest_deletion_of_type(Invitation), "audit_type_deleted_at_idx"),
        (
            lambda: Newest(Invitation, "changed_at", (("organisation", 1),)),
            "invitation_org_changed_idx",
        ),
        (
            lambda: Newest(Invitation, "changed_at", (("person", 1),)),
            "invitation_person_changed_idx",
        ),
    ],
    ids=[
        "all meetings",
        "a partnership's meetings",
        "an object type's audit entries",
        "an object type's deletions",
        "an organisation's invitations",
        "a person's invitations",
    ],
)
def test_latest_change_uses_its_index(newest, index):
    assert index in plan(newest())
