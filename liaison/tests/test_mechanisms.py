"""Mechanism cadences: which dates they expect and what became of each occurrence."""

from datetime import UTC, date, datetime, timedelta

import pytest

from liaison.models import Mechanism
from liaison.tests.factories import MechanismFactory
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

HELD, SCHEDULED, DUE, MISSED = Mechanism.HELD, Mechanism.SCHEDULED, Mechanism.DUE, Mechanism.MISSED


@pytest.fixture
def event():
    """湖南民营企业进边疆·吐鲁番行: every two years since December 2023."""
    return MechanismFactory(
        kind=Mechanism.Kind.EVENT,
        name="湖南民营企业进边疆·吐鲁番行",
        rrule="FREQ=YEARLY;INTERVAL=2",
        first_date=date(2023, 12, 20),
    )


@pytest.fixture
def joint_meeting():
    """The annual joint meeting (联席会议), first held in June 2024."""
    return MechanismFactory(
        kind=Mechanism.Kind.JOINT_MEETING,
        name="湘吐联席会议",
        rrule="FREQ=YEARLY",
        first_date=date(2024, 6, 15),
    )


def meeting_of(mechanism, when: datetime, status=Meeting.Status.HELD):
    return MeetingFactory(
        partnership=mechanism.partnership,
        mechanism=mechanism,
        start=when,
        end=when + timedelta(hours=3),
        status=status,
    )


def states(mechanism, start, end, today):
    return [(o.date, o.state) for o in mechanism.occurrences(start, end, today=today)]


def test_expected_dates_biennial_event_every_other_year(event):
    assert event.expected_dates(date(2023, 1, 1), date(2028, 12, 31)) == [
        date(2023, 12, 20),
        date(2025, 12, 20),
        date(2027, 12, 20),
    ]


def test_expected_dates_joint_meeting_every_year(joint_meeting):
    assert joint_meeting.expected_dates(date(2023, 1, 1), date(2027, 12, 31)) == [
        date(2024, 6, 15),
        date(2025, 6, 15),
        date(2026, 6, 15),
        date(2027, 6, 15),
    ]


def test_expected_dates_range_bounds_included(joint_meeting):
    assert joint_meeting.expected_dates(date(2025, 6, 15), date(2026, 6, 15)) == [
        date(2025, 6, 15),
        date(2026, 6, 15),
    ]


def test_expected_dates_nothing_before_first_date(joint_meeting):
    assert joint_meeting.expected_dates(date(2020, 1, 1), date(2024, 6, 14)) == []


def test_occurrences_held_meeting_early_next_year_counts_for_biennial_occurrence(event):
    january_2024 = meeting_of(event, datetime(2024, 1, 10, 2, 0, tzinfo=UTC))
    january_2025 = meeting_of(event, datetime(2025, 1, 8, 2, 0, tzinfo=UTC))

    occurrences = event.occurrences(date(2023, 1, 1), date(2028, 12, 31), today=date(2026, 3, 1))

    assert [(o.date, o.state, o.meeting) for o in occurrences] == [
        (date(2023, 12, 20), HELD, january_2024),
        (date(2025, 12, 20), HELD, january_2025),
        (date(2027, 12, 20), DUE, None),
    ]


def test_occurrences_period_boundary_uses_beijing_date(event):
    # 2024-12-31 20:00 UTC is already 2025-01-01 04:00 in Beijing: it belongs to the 2025 period.
    meeting = meeting_of(event, datetime(2024, 12, 31, 20, 0, tzinfo=UTC))

    assert [
        (o.date, o.state, o.meeting)
        for o in event.occurrences(date(2023, 1, 1), date(2026, 12, 31), today=date(2026, 3, 1))
    ] == [(date(2023, 12, 20), MISSED, None), (date(2025, 12, 20), HELD, meeting)]


def test_occurrences_states_held_scheduled_due_missed(joint_meeting):
    meeting_of(joint_meeting, datetime(2024, 6, 15, 1, 0, tzinfo=UTC))
    # 2025: nothing held. 2026: scheduled. 2027: still to come.
    planned = meeting_of(
        joint_meeting, datetime(2026, 6, 20, 1, 0, tzinfo=UTC), Meeting.Status.SCHEDULED
    )

    occurrences = joint_meeting.occurrences(
        date(2024, 1, 1), date(2027, 12, 31), today=date(2026, 3, 1)
    )

    assert [(o.date, o.state) for o in occurrences] == [
        (date(2024, 6, 15), HELD),
        (date(2025, 6, 15), MISSED),
        (date(2026, 6, 15), SCHEDULED),
        (date(2027, 6, 15), DUE),
    ]
    assert occurrences[2].meeting == planned


def test_occurrences_current_year_without_meeting_due_until_year_ends(joint_meeting):
    # The expected date has passed, but a meeting later in the same year still fulfils it.
    assert states(joint_meeting, date(2025, 1, 1), date(2025, 12, 31), date(2025, 11, 30)) == [
        (date(2025, 6, 15), DUE)
    ]
    assert states(joint_meeting, date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1)) == [
        (date(2025, 6, 15), MISSED)
    ]


def test_occurrences_removing_held_meeting_makes_year_missed(joint_meeting):
    meeting_2024 = meeting_of(joint_meeting, datetime(2024, 6, 15, 1, 0, tzinfo=UTC))
    meeting_of(joint_meeting, datetime(2025, 6, 18, 1, 0, tzinfo=UTC))
    window = (date(2024, 1, 1), date(2025, 12, 31), date(2026, 2, 1))
    assert states(joint_meeting, *window) == [(date(2024, 6, 15), HELD), (date(2025, 6, 15), HELD)]

    meeting_2024.delete()

    assert states(joint_meeting, *window) == [
        (date(2024, 6, 15), MISSED),
        (date(2025, 6, 15), HELD),
    ]


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (Meeting.Status.HELD, HELD),
        (Meeting.Status.SCHEDULED, SCHEDULED),
        (Meeting.Status.POSTPONED, SCHEDULED),
        (Meeting.Status.CANCELLED, MISSED),
        (Meeting.Status.DRAFT, MISSED),
    ],
)
def test_occurrences_only_held_meetings_fulfil_past_occurrence(joint_meeting, status, state):
    meeting_of(joint_meeting, datetime(2024, 6, 15, 1, 0, tzinfo=UTC), status)

    assert states(joint_meeting, date(2024, 1, 1), date(2024, 12, 31), date(2025, 3, 1)) == [
        (date(2024, 6, 15), state)
    ]


def test_occurrences_ignore_other_mechanisms_meetings(joint_meeting, event):
    meeting_of(event, datetime(2024, 6, 15, 1, 0, tzinfo=UTC))

    assert states(joint_meeting, date(2024, 1, 1), date(2024, 12, 31), date(2025, 3, 1)) == [
        (date(2024, 6, 15), MISSED)
    ]


def test_occurrences_with_given_meetings_make_no_query(joint_meeting, django_assert_num_queries):
    held = meeting_of(joint_meeting, datetime(2024, 6, 15, 1, 0, tzinfo=UTC))

    with django_assert_num_queries(0):
        occurrences = joint_meeting.occurrences(
            date(2024, 1, 1), date(2024, 12, 31), today=date(2025, 1, 1), meetings=[held]
        )

    assert occurrences[0].state == HELD


def test_due_occurrences_lists_only_due(joint_meeting):
    meeting_of(joint_meeting, datetime(2026, 6, 15, 1, 0, tzinfo=UTC), Meeting.Status.SCHEDULED)

    due = joint_meeting.due_occurrences(
        date(2025, 1, 1), date(2027, 12, 31), today=date(2025, 3, 1)
    )

    assert [o.date for o in due] == [date(2025, 6, 15), date(2027, 6, 15)]


def test_summary_last_held_and_next_due(joint_meeting):
    meeting_of(joint_meeting, datetime(2024, 6, 15, 1, 0, tzinfo=UTC))
    last = meeting_of(joint_meeting, datetime(2025, 7, 1, 1, 0, tzinfo=UTC))

    summary = joint_meeting.summary(today=date(2026, 2, 1))

    assert summary["last_held"].date == date(2025, 6, 15)
    assert summary["last_held"].meeting == last
    assert (summary["next"].date, summary["next"].state, summary["next"].meeting) == (
        date(2026, 6, 15),
        DUE,
        None,
    )
    assert summary["missed"] == []


def test_summary_next_is_scheduled_meeting_and_missed_years_listed(joint_meeting):
    planned = meeting_of(
        joint_meeting, datetime(2026, 5, 30, 1, 0, tzinfo=UTC), Meeting.Status.SCHEDULED
    )

    summary = joint_meeting.summary(today=date(2026, 2, 1))

    assert summary["last_held"] is None
    assert (summary["next"].state, summary["next"].meeting) == (SCHEDULED, planned)
    assert [o.date for o in summary["missed"]] == [date(2024, 6, 15), date(2025, 6, 15)]


def test_summary_biennial_event_last_held_and_next(event):
    held = meeting_of(event, datetime(2024, 1, 10, 2, 0, tzinfo=UTC))

    summary = event.summary(today=date(2025, 3, 1))

    assert (summary["last_held"].date, summary["last_held"].meeting) == (date(2023, 12, 20), held)
    assert (summary["next"].date, summary["next"].state) == (date(2025, 12, 20), DUE)


def test_occurrences_monthly_cadence_period_runs_to_next_date():
    monthly = MechanismFactory(rrule="FREQ=MONTHLY", first_date=date(2025, 1, 10))
    meeting_of(monthly, datetime(2025, 2, 20, 1, 0, tzinfo=UTC))

    assert states(monthly, date(2025, 1, 1), date(2025, 3, 31), date(2025, 3, 20)) == [
        (date(2025, 1, 10), MISSED),
        (date(2025, 2, 10), HELD),
        (date(2025, 3, 10), DUE),
    ]
