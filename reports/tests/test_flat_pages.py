"""The partnership page and the dashboard read only the meetings that decide each mechanism's
occurrences: the same summary as from every meeting, in a number of queries that does not
grow with the meetings kept."""

import itertools
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from liaison.models import Mechanism, attach_deciding_meetings
from liaison.tests.factories import MechanismFactory
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


@pytest.mark.parametrize("newest_first", [False, True])
def test_deciding_meetings_give_the_same_occurrences_as_every_meeting(mechanisms, newest_first):
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
