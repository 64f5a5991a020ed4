"""The partnership page and the dashboard read only the meetings that decide each mechanism's
occurrences: the same summary as from every meeting, in a number of queries that does not
grow with the meetings kept."""

import itertools
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from liaison.models import Mechanism, attach_deciding_meetings, partnership
from liaison.tests.factories import MechanismFactory
from liaison.tests.query_plans import query_plan
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)
STATUSES = ["held", "scheduled", "postponed", "cancelled", "draft"]


@pytest.fixture
def mechanisms():
    yearly = MechanismFactory(rrule="FREQ=YEARLY", first_date=date(2023, 6, 1))
    quarterly = MechanismFactory(
        partnership=yearly.partnership,
        rrule="FREQ=MONTHLY;INTERVAL=3",
        first_date=date(2024, 1, 15),
    )
    rng = random.Random(15)
    for mechanism in (yearly, quarterly):
        for n in range(40):
            start = datetime(2023, 1, 1, 2, tzinfo=UTC) + timedelta(days=rng.randrange(0, 1800))
            MeetingFactory(
                partnership=mechanism.partnership,
                mechanism=mechanism,
                title=f"{mechanism.name}-{n}",
                start=start,
                status=rng.choice(STATUSES) if start.date() < TODAY else "scheduled",
            )
    # Two held on the same day: the tie is decided by id, the same way every time.
    MeetingFactory(
        partnership=yearly.partnership,
        mechanism=yearly,
        start=datetime(2025, 5, 5, 2, tzinfo=UTC),
        status="held",
    )
    MeetingFactory(
        partnership=yearly.partnership,
        mechanism=yearly,
        start=datetime(2025, 5, 5, 2, tzinfo=UTC),
        status="held",
    )
    return [yearly, quarterly]


def _states(occurrences):
    return [(o.date, o.state, o.meeting.pk if o.meeting else None) for o in occurrences]


@pytest.mark.parametrize("seeks_per_query", [300, 7], ids=["one query", "several queries"])
@pytest.mark.parametrize("newest_first", [False, True])
def test_deciding_meetings_give_the_same_occurrences_as_every_meeting(
    mechanisms, newest_first, seeks_per_query, monkeypatch
):
    monkeypatch.setattr(partnership, "SEEKS_PER_QUERY", seeks_per_query)
    end = date(TODAY.year + 4, 12, 31)
    order = ["-start", "-pk"] if newest_first else ["start", "pk"]
    chosen = attach_deciding_meetings(
        Mechanism.objects.filter(pk__in=[m.pk for m in mechanisms]),
        Meeting.objects.all(),
        end=end,
        newest_first=newest_first,
    )
    for mechanism in chosen:
        everything = list(Meeting.objects.filter(mechanism=mechanism).order_by(*order))
        assert len(mechanism.deciding_meetings) < len(everything)
        for start in (mechanism.first_date, date(2025, 1, 1)):
            assert _states(
                mechanism.occurrences(start, end, today=TODAY, meetings=mechanism.deciding_meetings)
            ) == _states(mechanism.occurrences(start, end, today=TODAY, meetings=everything))
        assert mechanism.summary(
            today=TODAY, meetings=mechanism.deciding_meetings
        ) == mechanism.summary(today=TODAY, meetings=everything)


def test_deciding_meetings_respect_what_the_reader_may_see(mechanisms):
    (yearly,) = attach_deciding_meetings(
        Mechanism.objects.filter(pk=mechanisms[0].pk),
        Meeting.objects.none(),
        end=date(2030, 12, 31),
    )
    assert yearly.deciding_meetings == []


def _deciding_plan(mechanisms, meetings) -> str:
    """The database's plan of the query that picks the deciding meetings."""
    executed = []

    def keep(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        attach_deciding_meetings(mechanisms, meetings, end=date(TODAY.year + 4, 12, 31))
    (sql, params) = executed[-1]
    # bench/pages.py --explain shows the plans on the data.
    return "\n".join(str(row[-1]) for row in query_plan(sql, params))


@pytest.mark.parametrize("reader", ["official", "member_a"])
def test_deciding_meetings_are_index_seeks(mechanisms, reader, request):
    """Per period and status one seek of the (mechanism, status, start, id) index: no meeting
    table is read whole, and none of the meetings of a period is sorted."""
    user = request.getfixturevalue(reader)
    plan = _deciding_plan(mechanisms, Meeting.objects.visible_to(user))
    assert "meeting_mech_status_start_idx" in plan, plan
    if connection.vendor == "sqlite":
        assert not [line for line in plan.splitlines() if line.startswith("SCAN")], plan
    else:
        assert "Seq Scan" not in plan, plan
        # Only the few rows picked are put in order (the top node); each seek reads in order.
        assert "Sort" not in "\n".join(plan.splitlines()[2:]), plan


def _meetings(mechanism):
    days = itertools.count()

    def make():
        n = next(days)
        MeetingFactory(
            partnership=mechanism.partnership,
            mechanism=mechanism,
            start=datetime(2024, 1, 1, 2, tzinfo=UTC) + timedelta(days=n * 3),
            status="held" if n % 2 else "scheduled",
        )

    return make


def test_partnership_page_query_count_is_constant(client_for, official, pinned_queries):
    mechanism = MechanismFactory()
    responses = pinned_queries(
        client_for(official),
        f"/partnerships/{mechanism.partnership_id}/",
        _meetings(mechanism),
        queries=10,
        small=2,
        large=40,
    )
    assert mechanism.name in responses[-1].content.decode()


def test_dashboard_query_count_is_constant(client_for, official, pinned_queries):
    mechanism = MechanismFactory()
    pinned_queries(
        client_for(official), "/dashboard/", _meetings(mechanism), queries=22, small=2, large=40
    )
