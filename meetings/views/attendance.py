"""Attendance: the secretariat's check-in page, the QR check-in of one attendee and the
attendee list as a spreadsheet."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from liaison.pages import UNSET, call_or_flash
from liaison.views import reader_of_all_required
from liaison.xlsx import xlsx_response
from meetings import attendance, excel, services
from meetings.models import Attendee, Meeting
from meetings.views.access import secretariat_required

# The marks the check-in page offers, in its order.
MARKS = (Attendee.Attendance.PRESENT, Attendee.Attendance.ABSENT, Attendee.Attendance.EXCUSED)


@secretariat_required
def meeting_check_in(request, pk: int):
    """The secretariat's check-in page: every expected attendee, one tap to mark
    present, absent or excused; a search box to find a name at the door."""
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    if request.method == "POST":
        attendee = get_object_or_404(
            attendance.expected_attendees(meeting), pk=request.POST.get("attendee")
        )
        call_or_flash(
            request,
            services.mark_attendance,
            attendee,
            attendance=request.POST.get("attendance", ""),
            actor=request.user,
        )
        query = request.POST.get("q", "")
        url = reverse("meeting-check-in", args=[meeting.pk])
        return redirect(
            f"{url}?{urlencode({'q': query})}#a{attendee.pk}" if query else f"{url}#a{attendee.pk}"
        )
    query = request.GET.get("q", "").strip()
    attendees = attendance.expected_attendees(meeting)
    if query:
        attendees = attendees.filter(
            Q(name__icontains=query)
            | Q(phone__icontains=query)
            | Q(invitation__organisation__name__icontains=query)
        )
    return render(
        request,
        "meetings/checkin.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "query": query,
            "counts": attendance.attendance_counts(meeting),
            "marks": [(mark, Attendee.Attendance(mark).label) for mark in MARKS],
        },
    )


@secretariat_required
def attendee_check_in(request, code):
    """Where an attendee's QR code leads: the secretariat confirms, and the attendee is
    marked present (GET only shows; a phone camera's preview changes nothing)."""
    attendee = get_object_or_404(
        Attendee.objects.select_related(
            "invitation__meeting", "invitation__organisation", "invitation__person"
        ),
        check_in_code=code,
    )
    if request.method == "POST":
        marked = call_or_flash(
            request,
            services.mark_attendance,
            attendee,
            attendance=Attendee.Attendance.PRESENT,
            actor=request.user,
            via=_("QR check-in"),
        )
        if marked is not UNSET:
            messages.success(request, _("%(name)s is checked in.") % {"name": attendee.name})
        return redirect("attendee-check-in", code=code)
    return render(
        request,
        "meetings/checkin_confirm.html",
        {
            "attendee": attendee,
            "invitation": attendee.invitation,
            "meeting": attendee.invitation.meeting,
        },
    )


@reader_of_all_required
def meeting_attendees_xlsx(request, pk: int):
    """The attendee list for the venue and the hosts (secretariat and officials)."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return xlsx_response(
        excel.export_attendees(meeting), excel.attendee_list_name(meeting), dated=False
    )
