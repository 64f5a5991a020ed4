"""Forms of the minutes pages: they parse input; ``meetings.minutes`` makes the change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.models import Organisation, User
from liaison.widgets import IsoDateInput
from meetings.models import Decision, Minutes


class LinesField(forms.CharField):
    """A textarea of one entry a line, as a list of the non-empty lines."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class MinutesFactsForm(forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["year", "serial", "chairs", "recorder", "approver_a", "approver_b"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        partnership = self.instance.meeting.partnership
        self.fields["approver_a"].queryset = User.objects.filter(
            organisation=partnership.party_a, is_active=True
        )
        self.fields["approver_b"].queryset = User.objects.filter(
            organisation=partnership.party_b, is_active=True
        )
        self.fields["approver_a"].label = _("approver of %(party)s") % {
            "party": partnership.party_a
        }
        self.fields["approver_b"].label = _("approver of %(party)s") % {
            "party": partnership.party_b
        }


class MinutesTextForm(forms.Form):
    """The text of a version; one summary field per agenda item is added from the content."""

    opening = forms.CharField(label=_("opening"), required=False, widget=forms.Textarea)
    present = LinesField(label="出席", required=False)
    excused = LinesField(label="请假", required=False)
    observers = LinesField(label="列席", required=False)

    def __init__(self, *args, content: dict, **kwargs):
        kwargs.setdefault(
            "initial", {name: content.get(name, "") for name in ("opening", *LIST_NAMES)}
        )
        super().__init__(*args, **kwargs)
        self.agenda = content.get("agenda", [])
        for index, item in enumerate(self.agenda):
            self.fields[f"summary_{index}"] = forms.CharField(
                label=item["title"],
                required=False,
                initial=item.get("summary", ""),
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            "opening": data["opening"],
            **{name: data[name] for name in LIST_NAMES},
            "agenda": [
                {"title": item["title"], "summary": data.get(f"summary_{index}", "")}
                for index, item in enumerate(self.agenda)
            ],
        }


LIST_NAMES = ("present", "excused", "observers")


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_units = forms.ModelMultipleChoiceField(
        label=_("responsible units"), queryset=Organisation.objects.order_by("name")
    )
    deadline = forms.DateField(label=_("deadline"), required=False, widget=IsoDateInput())


class CommentForm(forms.Form):
    quote = forms.CharField(
        label=_("quoted text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Copy the passage of the minutes your comment refers to."),
    )
    body = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("reason for the correction"), max_length=200)


class DecisionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=Decision.Status.choices)
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=IsoDateInput())
    text = forms.CharField(label=_("what happened"), widget=forms.Textarea(attrs={"rows": 3}))
    reported_by = forms.CharField(label=_("reported by"), max_length=128, required=False)


class DecisionFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("responsible unit"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("all"),
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("all")), *Decision.Status.choices], required=False
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
