"""The agenda: the secretariat's editor (items and their materials) and the download of a
material for whoever can see the meeting."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison import uploads
from liaison.pages import UNSET, call_on_form, call_or_flash, flash_form_errors
from liaison.views import directory_reader_required
from meetings import services
from meetings.forms import AgendaItemForm, MaterialForm
from meetings.models import AgendaItem, AgendaMaterial, Meeting
from meetings.views.access import secretariat_required


def agenda_of(meeting: Meeting):
    return meeting.agenda_items.prefetch_related("materials")


@secretariat_required
def meeting_agenda(request, pk: int):
    """The secretariat's agenda editor: add, change, move, remove items and their materials."""
    meeting = get_object_or_404(Meeting.objects.with_related(), pk=pk)
    form = AgendaItemForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        added = call_on_form(
            form, services.add_agenda_item, meeting, actor=request.user, **form.cleaned_data
        )
        if added is not UNSET:
            messages.success(request, _("Agenda item added."))
            return redirect("meeting-agenda", pk=meeting.pk)
    items = [
        (item, AgendaItemForm(instance=item, prefix=f"item{item.pk}"))
        for item in agenda_of(meeting)
    ]
    return render(
        request,
        "meetings/agenda_edit.html",
        {"meeting": meeting, "form": form, "items": items, "material_form": MaterialForm()},
    )


def _agenda_item(request, pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)


@secretariat_required
@require_POST
def agenda_item_change(request, pk: int):
    item = _agenda_item(request, pk)
    form = AgendaItemForm(request.POST, instance=item, prefix=f"item{item.pk}")
    if form.is_valid():
        call_or_flash(
            request, services.change_agenda_item, item, actor=request.user, **form.cleaned_data
        )
    else:
        flash_form_errors(request, form)
    return redirect("meeting-agenda", pk=item.meeting_id)


@secretariat_required
@require_POST
def agenda_item_move(request, pk: int):
    item = _agenda_item(request, pk)
    services.move_agenda_item(item, actor=request.user, offset=-1 if request.POST.get("up") else 1)
    return redirect("meeting-agenda", pk=item.meeting_id)


@secretariat_required
@require_POST
def agenda_item_remove(request, pk: int):
    item = _agenda_item(request, pk)
    services.remove_agenda_item(item, actor=request.user)
    messages.success(request, _("Agenda item removed."))
    return redirect("meeting-agenda", pk=item.meeting_id)


@secretariat_required
@require_POST
def agenda_material_upload(request, pk: int):
    item = _agenda_item(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("meeting-agenda", pk=item.meeting_id)
    material = call_or_flash(
        request,
        services.attach_agenda_material,
        item,
        actor=request.user,
        upload=form.cleaned_data["file"],
    )
    if material is not UNSET:
        messages.success(request, _("Material uploaded."))
    return redirect("meeting-agenda", pk=item.meeting_id)


@secretariat_required
@require_POST
def agenda_material_remove(request, pk: int):
    material = get_object_or_404(AgendaMaterial.objects.select_related("item"), pk=pk)
    services.remove_agenda_material(material, actor=request.user)
    return redirect("meeting-agenda", pk=material.item.meeting_id)


@directory_reader_required
def agenda_material_download(request, pk: int):
    """A material, for whoever can see its meeting (404 for the others, drafts included)."""
    material = get_object_or_404(
        AgendaMaterial.objects.filter(item__meeting__in=Meeting.objects.visible_to(request.user)),
        pk=pk,
    )
    return uploads.file_response(material)
