from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from liaison import audit, permissions
from liaison.views import directory_reader_required
from meetings.models import Meeting


@directory_reader_required
def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).with_related().order_by("-start")
    status = request.GET.get("status", "")
    if status in Meeting.Status.values:
        meetings = meetings.filter(status=status)
    page = Paginator(meetings, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Meeting.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


@directory_reader_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).with_related(), pk=pk)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "history": audit.history(meeting)[:50]
            if permissions.can_see_history(request.user)
            else None,
        },
    )
