"""What an official asks for when requesting a report: the kind, and the year or the event."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from meetings.models import Meeting
from reports.event import event_choices
from reports.models import GeneratedReport

Kind = GeneratedReport.Kind


def report_years(user) -> list[int]:
    """The years with meetings or signed agreements, and this year, newest first."""
    years = {timezone.localdate().year}
    years.update(d.year for d in Meeting.objects.visible_to(user).dates("start", "year"))
    years.update(d.year for d in Agreement.objects.visible_to(user).dates("signed_on", "year"))
    return sorted(years, reverse=True)


def latest_year_with_data(user) -> int:
    """The latest year in which an agreement was signed or a meeting took place (a meeting
    scheduled ahead does not count), or this year when there is none: the annual report's
    default, which scheduling next year's meeting does not move."""
    now = timezone.now()
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(start__lt=now)
        .exclude(status__in=(Meeting.Status.DRAFT, Meeting.Status.CANCELLED))
    )
    years = [d.year for d in meetings.dates("start", "year")]
    years += [
        d.year
        for d in Agreement.objects.visible_to(user)
        .filter(signed_on__lte=timezone.localdate())
        .dates("signed_on", "year")
    ]
    return max(years, default=timezone.localdate().year)


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("report"), choices=Kind.choices)
    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False, empty_value=None)
    meeting = forms.ModelChoiceField(
        label=_("event"), queryset=Meeting.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = report_years(user)
        self.default_year = latest_year_with_data(user)
        self.fields["year"].choices = [("", _("all years"))] + [(y, str(y)) for y in self.years]
        self.fields["meeting"].queryset = event_choices(user)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Kind.ANNUAL and not data.get("year"):
            self.add_error("year", _("Choose the year of the annual report."))
        if kind == Kind.EVENT and not data.get("meeting"):
            self.add_error("meeting", _("Choose the event."))
        return data

    def parameters(self) -> dict:
        """The report's parameters, only those its kind uses (so equal requests compare equal)."""
        kind, data = self.cleaned_data["kind"], self.cleaned_data
        if kind in (Kind.LEDGER, Kind.ANNUAL):
            return {"year": data["year"]} if data.get("year") else {}
        if kind == Kind.EVENT:
            return {"meeting": data["meeting"].pk, "meeting_title": data["meeting"].title}
        return {}
