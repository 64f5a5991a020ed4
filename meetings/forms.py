"""Forms of the meeting pages: the answer (回执) with its attendees, the secretariat's filter
and bulk invitation. They only parse input; ``meetings.services`` does the rest."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.models import Organisation, Person, Region, Sector
from liaison.uploads import ACCEPT
from liaison.widgets import IsoDateInput, IsoDateTimeInput
from meetings import audience
from meetings.models import AgendaItem, Attendee, Invitation, MailDelivery, Meeting
from meetings.services import (
    AD_HOC_KINDS,
    ANSWERS,
    ATTENDEE_FIELDS,
    DEFAULT_ANSWER_FIELDS,
    attendee_key,
    default_answer_fields,
)

DATE = IsoDateInput()


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(value, Invitation.Status(value).label) for value in ANSWERS],
        widget=forms.RadioSelect,
    )
    delegate_name = forms.CharField(label=_("Delegate's name"), max_length=64, required=False)
    delegate_title = forms.CharField(label=_("Delegate's title"), max_length=128, required=False)
    delegate_phone = forms.CharField(
        label=_("Delegate's phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    note = forms.CharField(
        label=_("Note to the secretariat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def delegate(self) -> dict:
        return {
            name: self.cleaned_data.get(f"delegate_{name}", "")
            for name in ("name", "title", "phone")
        }


class AttendeeForm(forms.Form):
    """One attendee; only the fields the meeting's answer form asks for are shown."""

    name = forms.CharField(label=_("Name"), max_length=64, required=False)
    title = forms.CharField(label=pgettext_lazy("person", "Title"), max_length=128, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DATE)
    arrival_transport = forms.CharField(
        label=_("Arrival flight or train no."), max_length=32, required=False
    )
    departure_date = forms.DateField(label=_("Departure date"), required=False, widget=DATE)
    departure_transport = forms.CharField(
        label=_("Departure flight or train no."), max_length=32, required=False
    )
    needs_accommodation = forms.BooleanField(label=_("Needs accommodation"), required=False)
    dietary = forms.ChoiceField(
        label=_("Dietary needs"), choices=Attendee.Dietary.choices, required=False
    )
    dietary_note = forms.CharField(label=_("Other dietary needs"), max_length=200, required=False)

    ASKS = {
        "title": Meeting.AnswerField.TITLE,
        "phone": Meeting.AnswerField.PHONE,
        "arrival_date": Meeting.AnswerField.TRAVEL,
        "arrival_transport": Meeting.AnswerField.TRAVEL,
        "departure_date": Meeting.AnswerField.TRAVEL,
        "departure_transport": Meeting.AnswerField.TRAVEL,
        "needs_accommodation": Meeting.AnswerField.ACCOMMODATION,
        "dietary": Meeting.AnswerField.DIETARY,
        "dietary_note": Meeting.AnswerField.DIETARY,
    }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        # Only the fields asked are copied for this form (Django deep-copies each field of
        # base_fields, with its widget, for every row of the formset).
        asked = meeting.asked
        self.base_fields = {
            name: field
            for name, field in type(self).base_fields.items()
            if name not in self.ASKS or self.ASKS[name] in asked
        }
        super().__init__(*args, **kwargs)

    def answer(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in ATTENDEE_FIELDS}


MAX_ATTENDEES = 50


def attendee_formset(
    meeting: Meeting, invitation: Invitation, data=None, *, rows=None, extra: int | None = None
):
    """The attendees' forms: those already named (or ``rows``, the ones being filled in), and
    empty rows to add more (``extra``; two for a first answer, else one)."""
    initial = rows
    if initial is None:
        initial = [
            {name: getattr(attendee, name) for name in ATTENDEE_FIELDS}
            for attendee in invitation.attendees.all()
        ]
    if extra is None:
        extra = 2 if not initial else 1
    formset_class = forms.formset_factory(
        AttendeeForm, extra=extra, max_num=MAX_ATTENDEES, absolute_max=MAX_ATTENDEES
    )
    return formset_class(data, initial=initial, prefix="attendee", form_kwargs={"meeting": meeting})


def with_another_attendee(meeting: Meeting, invitation: Invitation, data):
    """The answer form as posted and its attendees with one more empty row, unsaved and
    without errors (the "add an attendee" button). Rows that do not validate keep the
    posted formset, errors shown."""
    answer = AnswerForm(initial={name: data.get(name, "") for name in AnswerForm.base_fields})
    posted = attendee_formset(meeting, invitation, data)
    if not posted.is_valid():
        _continue_on(next((row for row in posted.forms if row.errors), None))
        return answer, posted
    rows = [form.cleaned_data for form in posted.forms if form.cleaned_data]
    blank = len(posted.forms) - len(rows)
    extra = max(0, min(blank + 1, MAX_ATTENDEES - len(rows)))
    attendees = attendee_formset(meeting, invitation, rows=rows, extra=extra)
    _continue_on(next((row for row in attendees.forms if not row.initial.get("name")), None))
    return answer, attendees


def _continue_on(row: AttendeeForm | None) -> None:
    """Open the page on ``row`` rather than at its top: the row carries the anchor the "add an
    attendee" button returns to (``#attendee-continue``), its name field the cursor."""
    if row is not None:
        row.continue_here = True
        row.fields["name"].widget.attrs["autofocus"] = True


def show_answer_errors(form: AnswerForm, attendees, error: ValidationError) -> None:
    """Show the answer service's refusal where it belongs: an attendee's error on that
    attendee's row (a repeated name on its repeats), a delegate's on its field, the rest above
    the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        for item in errors:
            if key == "attendees" and _show_on_row(attendees, item):
                continue
            # The delegate's fields are delegate_name, delegate_title, delegate_phone here.
            field = key if key in form.fields else f"{key}_{(item.params or {}).get('field')}"
            form.add_error(field if field in form.fields else None, item)


def _show_on_row(attendees, error: ValidationError) -> bool:
    params = error.params or {}
    if "name" not in params:
        return False
    rows = [
        row
        for row in attendees.forms
        if attendee_key(row.cleaned_data.get("name") or "") == attendee_key(params["name"])
    ]
    if error.code == "attendee_repeated":
        rows = rows[1:]
    field = params.get("field", "name")
    rows = [row for row in rows if field in row.fields]
    for row in rows:
        # On its row the attendee's own error needs no "name: " in front.
        row.add_error(field, params.get("message", error))
    return bool(rows)


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"), choices=[("", _("all")), *Invitation.Status.choices], required=False
    )
    q = forms.CharField(label=_("Search"), required=False)

    def filter(self, invitations):
        if not self.is_valid():
            return invitations
        if status := self.cleaned_data["status"]:
            invitations = invitations.filter(status=status)
        if text := self.cleaned_data["q"].strip():
            invitations = invitations.filter(
                Q(organisation__name__icontains=text)
                | Q(person__name__icontains=text)
                | Q(attendees__name__icontains=text)
                | Q(delegate_name__icontains=text)
            ).distinct()
        return invitations


class InviteForm(forms.Form):
    """Whom to invite in bulk: any mix of the groups, a region, a sector and named invitees."""

    association_members = forms.BooleanField(
        label=_("All active members of the association"), required=False
    )
    parties = forms.BooleanField(label=_("Both parties of the partnership"), required=False)
    region = forms.ModelChoiceField(
        label=_("Every organisation in the region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("none"),
    )
    sector = forms.ModelChoiceField(
        label=_("Every organisation of the sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("none"),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"), queryset=Organisation.objects.all(), required=False
    )
    people = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=Person.objects.select_related("organisation"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError(_("Choose whom to invite."))
        return cleaned

    def audience(self, partnership) -> audience.Audience:
        data = self.cleaned_data
        return audience.resolve(
            partnership,
            with_association=data["association_members"],
            with_parties=data["parties"],
            region=data["region"],
            sector=data["sector"],
            organisations=data["organisations"],
            people=data["people"],
        )

    def chosen(self) -> list[tuple[str, str]]:
        """The posted choices as (name, value) pairs, carried to the confirmation step."""
        return [(name, value) for name in self.fields for value in self.data.getlist(name)]


# --- Scheduling and the agenda ---------------------------------------------------------------

DATETIME = IsoDateTimeInput()


class ScheduleForm(forms.Form):
    """A meeting to schedule: the next of a mechanism (prefilled from its plan) or an ad-hoc
    one (signing ceremony, investment promotion, visit)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    title = forms.CharField(label=pgettext_lazy("meeting", "Title"), max_length=200)
    start = forms.DateTimeField(label=_("Starts (Beijing time)"), widget=DATETIME)
    end = forms.DateTimeField(label=_("Ends (Beijing time)"), widget=DATETIME)
    city = forms.CharField(label=_("City"), max_length=64, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    cohosts = forms.ModelMultipleChoiceField(
        label=_("Co-hosts"), queryset=Organisation.objects.all(), required=False
    )
    rsvp_deadline = forms.DateTimeField(
        label=_("Answer by (Beijing time)"), required=False, widget=DATETIME
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_fields = forms.MultipleChoiceField(
        label=_("The answer form asks each attendee for"),
        help_text=_(
            "The name is always asked. Preselected: what this kind of meeting usually needs."
        ),
        choices=Meeting.AnswerField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, partnership, ad_hoc: bool, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if ad_hoc:
            self.fields["kind"].choices = [(k, Meeting.Kind(k).label) for k in AD_HOC_KINDS]
            kind = self.initial.get("kind", AD_HOC_KINDS[0])
            # The page's script preselects the new kind's fields when the kind changes.
            self.fields["kind"].widget.attrs["data-answer-defaults"] = json.dumps(
                {str(k): default_answer_fields(k) for k in DEFAULT_ANSWER_FIELDS}
            )
        else:
            del self.fields["kind"]
        self.initial.setdefault("answer_fields", default_answer_fields(kind or ""))
        party_ids = [partnership.party_a_id, partnership.party_b_id]
        self.fields["cohosts"].queryset = Organisation.objects.filter(
            Q(pk__in=party_ids) | Q(kind__in=["government", "federation"])
        ).order_by("name")

    def values(self) -> dict:
        """The cleaned values as ``meetings.services`` keyword arguments."""
        data = dict(self.cleaned_data)
        data["cohosts"] = list(data["cohosts"]) or None
        return data


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "duration_minutes", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("Material (PDF, JPEG or PNG)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ACCEPT


# --- Lifecycle and mail ------------------------------------------------------------------------

LOCAL_DATETIME = IsoDateTimeInput()


class QuietChangeForm(forms.Form):
    """A lifecycle change made without mail, to correct a mistake: an explicit choice."""

    do_not_notify = forms.BooleanField(
        label=_("Do not notify the invitees (only to correct a mistake; noted in the history)"),
        required=False,
    )


class ReasonForm(QuietChangeForm):
    """Cancelling a meeting: the reason, which the invitees are told."""

    reason = forms.CharField(label=_("Reason (told to the invitees)"), max_length=200)
    field_order = ["reason", "do_not_notify"]


class PostponeForm(ReasonForm):
    new_start = forms.DateTimeField(
        label=_("Provisional new start (Beijing time)"), required=False, widget=LOCAL_DATETIME
    )
    new_end = forms.DateTimeField(
        label=_("Provisional new end (Beijing time)"), required=False, widget=LOCAL_DATETIME
    )
    field_order = ["reason", "new_start", "new_end", "do_not_notify"]


class RescheduleForm(QuietChangeForm):
    start = forms.DateTimeField(label=_("Starts (Beijing time)"), widget=LOCAL_DATETIME)
    end = forms.DateTimeField(label=_("Ends (Beijing time)"), widget=LOCAL_DATETIME)
    city = forms.CharField(label=_("City"), max_length=64, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)
    field_order = ["start", "end", "city", "venue", "reason", "do_not_notify"]

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> RescheduleForm:
        return cls(
            initial={
                "start": timezone.localtime(meeting.start),
                "end": timezone.localtime(meeting.end),
                "city": meeting.city,
                "venue": meeting.venue,
            }
        )


class MailFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("all")), *MailDelivery.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *MailDelivery.Status.choices], required=False
    )

    def filter(self, deliveries):
        if not self.is_valid():
            return deliveries
        for name in ("kind", "status"):
            if value := self.cleaned_data[name]:
                deliveries = deliveries.filter(**{name: value})
        return deliveries
