"""Attendance (签到): who was expected at a meeting, who came, and the attendance rate.

The expected attendees are those of accepted invitations. The secretariat marks each present,
absent or excused (``meetings.services.mark_attendance``), by a tap on the check-in page or by
scanning the QR code of the attendee's confirmation page (a URL with the attendee's
``check_in_code``, drawn here).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.safestring import mark_safe

from meetings.models import Attendee, Invitation, Meeting

Attendance = Attendee.Attendance


def expected_attendees(meeting: Meeting):
    """The attendees of the meeting's accepted invitations, by organisation and name."""
    return (
        Attendee.objects.filter(
            invitation__meeting=meeting, invitation__status=Invitation.Status.ACCEPTED
        )
        .select_related("invitation__organisation", "invitation__person__organisation")
        .order_by("invitation__organisation__name", "invitation__person__name", "position", "pk")
    )


@dataclass(frozen=True)
class AttendanceCounts:
    expected: int
    present: int
    absent: int
    excused: int
    unknown: int

    @property
    def rate(self) -> float | None:
        """present / expected, or None when nobody is expected."""
        return self.present / self.expected if self.expected else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def attendance_percent(meeting: Meeting, counts: AttendanceCounts) -> int | None:
    """The meeting's attendance rate in percent, None until it has been held (a meeting
    ahead has had nobody present yet, which is not 0 %) or when nobody was expected."""
    if meeting.status != Meeting.Status.HELD:
        return None
    return counts.percent


def attendance_counts(meeting: Meeting) -> AttendanceCounts:
    """The meeting's expected attendees by attendance, in one query."""
    counts = Attendee.objects.filter(
        invitation__meeting=meeting, invitation__status=Invitation.Status.ACCEPTED
    ).aggregate(
        expected=Count("pk"),
        **{mark: Count("pk", filter=Q(attendance=mark)) for mark in Attendance.values},
    )
    return AttendanceCounts(**counts)


def attendance_counts_by_meeting(meetings) -> dict[int, AttendanceCounts]:
    """``attendance_counts`` of several meetings in one query, keyed by meeting id."""
    ids = [meeting.pk for meeting in meetings]
    rows = (
        Attendee.objects.filter(
            invitation__meeting_id__in=ids, invitation__status=Invitation.Status.ACCEPTED
        )
        .order_by()
        .values("invitation__meeting_id")
        .annotate(
            expected=Count("pk"),
            **{mark: Count("pk", filter=Q(attendance=mark)) for mark in Attendance.values},
        )
    )
    counts = {pk: AttendanceCounts(0, 0, 0, 0, 0) for pk in ids}
    for row in rows:
        meeting_id = row.pop("invitation__meeting_id")
        counts[meeting_id] = AttendanceCounts(**row)
    return counts


def check_in_url(attendee: Attendee) -> str:
    return reverse("attendee-check-in", args=[attendee.check_in_code])


def qr_svg(data: str) -> str:
    """``data`` as an inline SVG QR code (drawn on the server: no script, nothing fetched)."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, nl=False
    )
    svg = buffer.getvalue().decode()
    # segno's output is its own markup, with only the data encoded as black modules.
    return mark_safe(svg.replace("<svg ", '<svg role="img" class="qr" ', 1))
