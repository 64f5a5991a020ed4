"""Many simultaneous answers to one meeting, each from its own thread and database connection:
every answer is recorded and the capacity is never exceeded.

Runs on SQLite and PostgreSQL. On SQLite the test database is a file (see the root conftest's
``django_db_modify_db_settings``): the in-memory one is shared between threads through a shared
cache whose locks fail instead of waiting. ``record_rsvp`` locks the meeting row (PostgreSQL) or
takes the write lock at BEGIN IMMEDIATE (SQLite), so the answers queue up.
"""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from liaison.models import AuditEntry, User
from liaison.tests.factories import UserFactory
from meetings import services
from meetings.models import Invitation, invitation_counts
from meetings.tests.factories import InvitationFactory, MeetingFactory

S = Invitation.Status
CAPACITY, INVITEES = 6, 16
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def run_at_once(jobs) -> list[BaseException]:
    """Run each job in its own thread, released together; return the errors raised."""
    errors, start = [], threading.Barrier(len(jobs))

    def worker(job):
        try:
            start.wait()
            job()
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def answer(invitation, user, status, names=("代表",)):
    return lambda: services.record_rsvp(
        invitation,
        status=status,
        attendees=[{"name": name} for name in names],
        actor=user,
        channel=Invitation.Channel.API,
        now=NOW,
    )


def assert_consistent(meeting):
    counts = invitation_counts(meeting)
    assert counts["headcount"] <= CAPACITY
    waiting = list(Invitation.objects.filter(meeting=meeting).waiting())
    positions = [i.waitlist_position for i in waiting]
    assert len(set(positions)) == len(positions)
    return counts


@pytest.mark.django_db(transaction=True)
def test_simultaneous_answers_are_all_recorded_and_never_overfill():
    meeting = MeetingFactory(capacity=CAPACITY, rsvp_deadline=datetime(2026, 12, 5, tzinfo=UTC))
    invitations = [InvitationFactory(meeting=meeting) for _n in range(INVITEES)]
    users = [
        UserFactory(role=User.Role.MEMBER, organisation=invitation.organisation)
        for invitation in invitations
    ]
    pairs = list(zip(invitations, users, strict=True))

    # Round 1: everybody accepts at once.
    errors = run_at_once([answer(i, u, S.ACCEPTED) for i, u in pairs])

    assert errors == []
    counts = assert_consistent(meeting)
    assert counts["accepted"] == CAPACITY and counts["headcount"] == CAPACITY
    assert counts["waitlisted"] == INVITEES - CAPACITY
    assert sorted(
        Invitation.objects.filter(meeting=meeting)
        .waiting()
        .values_list("waitlist_position", flat=True)
    ) == list(range(1, INVITEES - CAPACITY + 1))
    assert AuditEntry.objects.filter(note__contains="代表").count() == INVITEES

    # Round 2: those with a seat decline while some waiting change to tentative, all at once.
    accepted = [(i, u) for i, u in pairs if Invitation.objects.get(pk=i.pk).status == S.ACCEPTED]
    waiting = [(i, u) for i, u in pairs if Invitation.objects.get(pk=i.pk).status == S.WAITLISTED]
    jobs = [answer(i, u, S.DECLINED, names=()) for i, u in accepted]
    jobs += [answer(i, u, S.TENTATIVE) for i, u in waiting[:3]]
    errors = run_at_once(jobs)

    assert errors == []
    counts = assert_consistent(meeting)
    assert counts["declined"] == CAPACITY
    assert counts["tentative"] == 3
    # The seats freed went to those still waiting, in order, up to the capacity.
    still_waiting = INVITEES - CAPACITY - 3
    assert counts["accepted"] == min(CAPACITY, still_waiting)
    assert counts["headcount"] == min(CAPACITY, still_waiting)
    assert counts["waitlisted"] == still_waiting - counts["accepted"]
    assert counts["pending"] == 0
