"""The pages that read across the apps: the home page (partnerships, meetings, a member's
invitations), the partnership page (its mechanisms as kept by the meetings), the dashboard and
the reports.

Officials and the secretariat see the dashboard of the whole cooperation and ask for, follow and
download reports; a member sees its own organisation's dashboard and no reports. Every kept
report is readable by every official and the secretariat (they read the same figures); only
its requester or the secretariat removes it.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison import history, permissions
from liaison.models import Membership, Partnership, attach_deciding_meetings
from liaison.pages import paginate
from liaison.views import directory_reader_required, reader_of_all_required
from meetings.models import Invitation, Meeting
from reports.dashboard import dashboard_figures
from reports.forms import ReportRequestForm
from reports.generation import delete_report, report_file_response, request_report
from reports.models import GeneratedReport

REPORTS_PER_PAGE = 20
REFRESH_SECONDS = 2


@directory_reader_required
def home(request):
    partnerships = Partnership.objects.select_related("party_a", "party_b")
    upcoming = Meeting.objects.visible_to(request.user).with_related().upcoming()[:5]
    recent = Meeting.objects.visible_to(request.user).with_related().past()[:5]
    member = permissions.is_member(request.user)
    # A member's invitations still waiting for its answer, each one tap from the answer page.
    pending = (
        Invitation.objects.visible_to(request.user)
        .awaiting_answer()
        .select_related("meeting", "person__organisation")
        if member
        else Invitation.objects.none()
    )
    return render(
        request,
        "reports/home.html",
        {
            "partnerships": partnerships,
            "upcoming": upcoming,
            "recent": recent,
            "own_organisation": request.user.organisation if member else None,
            "pending_invitations": pending,
        },
    )


MEMBERS_ON_PARTNERSHIP_PAGE = 20


@directory_reader_required
def partnership_detail(request, pk: int):
    partnership = get_object_or_404(
        Partnership.objects.select_related("party_a__region", "party_b__region"), pk=pk
    )
    today = timezone.localdate()
    # Only the meetings that decide each occurrence's state, picked by the database (the
    # summary reads the latest held and planned meeting of each period, as the default order).
    mechanisms = attach_deciding_meetings(
        partnership.mechanisms.prefetch_related("focus_areas"),
        Meeting.objects.visible_to(request.user),
        end=date(today.year + 4, 12, 31),
        newest_first=True,
    )
    mechanism_rows = [(m, m.summary(today=today, meetings=m.deciding_meetings)) for m in mechanisms]
    # The leading members of each association (by rank); the association page lists all.
    associations = partnership.associations.annotate(member_count=Count("memberships"))
    associations = associations.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.with_related().by_rank()[:MEMBERS_ON_PARTNERSHIP_PAGE],
            to_attr="leading_members",
        )
    )
    return render(
        request,
        "reports/partnership_detail.html",
        {
            "partnership": partnership,
            "mechanism_rows": mechanism_rows,
            "associations": associations,
            "history": history.history_for(request.user, partnership),
        },
    )


def _year(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@directory_reader_required
def dashboard(request):
    figures = dashboard_figures(request.user, year=_year(request.GET.get("year")))
    return render(request, "reports/dashboard.html", {"figures": figures})


@reader_of_all_required
def report_list(request):
    """The reports one can ask for, and the kept ones (newest first). POST asks for one."""
    form = ReportRequestForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        report, created = request_report(request.user, form.cleaned_data["kind"], form.parameters())
        if not created:
            messages.info(request, _("This report is already being generated."))
        return redirect("report-detail", report.pk)
    reports = GeneratedReport.objects.select_related("requested_by").order_by(
        "-requested_at", "-pk"
    )
    page = paginate(request, reports, per_page=REPORTS_PER_PAGE)
    return render(
        request,
        "reports/report_list.html",
        {"form": form, "page": page, "kinds": GeneratedReport.Kind},
        status=400 if form.is_bound and form.errors else 200,
    )


@reader_of_all_required
def report_detail(request, pk: int):
    report = get_object_or_404(GeneratedReport.objects.select_related("requested_by"), pk=pk)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "refresh": REFRESH_SECONDS if report.is_pending else None,
            "can_delete": permissions.can_delete_report(request.user, report),
        },
    )


@reader_of_all_required
def report_download(request, pk: int, fmt: str):
    return report_file_response(get_object_or_404(GeneratedReport, pk=pk), fmt)


@require_POST
@reader_of_all_required
def report_delete(request, pk: int):
    report = get_object_or_404(GeneratedReport, pk=pk)
    if not permissions.can_delete_report(request.user, report):
        raise PermissionDenied
    if report.is_pending:
        messages.error(request, _("A report cannot be removed while it is being generated."))
        return redirect("report-detail", report.pk)
    delete_report(report, actor=request.user)
    messages.success(request, _("The report was removed."))
    return redirect("report-list")
