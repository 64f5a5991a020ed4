"""Serialising changes to one meeting."""

from __future__ import annotations

from meetings.models import Meeting


def lock_meeting(meeting: Meeting | int) -> Meeting:
    """Lock the meeting row for the rest of the transaction: answers to one meeting are
    recorded one after the other, so none is lost and the capacity is never exceeded.

    PostgreSQL locks the row; SQLite ignores FOR UPDATE, but the project opens every
    transaction with BEGIN IMMEDIATE, which takes the database's write lock (see settings).
    ``meeting`` may be the meeting's id: the locked row is read here either way."""
    pk = meeting if isinstance(meeting, int) else meeting.pk
    return Meeting.objects.select_for_update().get(pk=pk)
