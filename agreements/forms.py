"""Forms of the agreement page. They parse input only; the services in
``agreements.services`` decide, and their ValidationError is shown on the form
(``liaison.pages.call_on_form``) with the same translated text the API answers."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agreements import lifecycles
from agreements.models import CENT, Agreement
from agreements.services import MAX_ATTACHMENTS
from liaison import uploads
from liaison.money import WAN
from liaison.uploads import ACCEPT
from liaison.widgets import IsoDateInput


def file_help() -> str:
    return gettext("PDF, JPEG or PNG, at most %(size)s each.") % {
        "size": filesizeformat(uploads.MAX_UPLOAD_BYTES)
    }


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none is chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("signed document scan"), widget=forms.FileInput(attrs={"accept": ACCEPT})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_document_%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_help()


class AnyStatusField(forms.ChoiceField):
    """Offers the allowed next statuses but accepts any status, so that a refused transition
    is explained by the service's own message rather than a generic "not a valid choice"."""

    def valid_value(self, value) -> bool:
        return value in Agreement.Status.values


class StatusChangeForm(forms.Form):
    to = AnyStatusField(label=_("new status"))
    on = forms.DateField(label=_("date"), widget=IsoDateInput())
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the agreement is stalled or terminated."),
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        kwargs.setdefault("auto_id", "id_status_%s")
        super().__init__(*args, **kwargs)
        # The kind's next steps, but those that come with their own facts (a delivery, the
        # working mechanism, an introduced project, a conversion) have their own forms.
        allowed = {
            status
            for status in lifecycles.allowed_next(agreement)
            if status not in lifecycles.RECORDED_BY_SERVICE
        }
        self.fields["to"].choices = [
            (value, label) for value, label in Agreement.Status.choices if value in allowed
        ]
        self.fields["on"].initial = timezone.localdate()


class ProgressReportForm(forms.Form):
    """Funds in place are entered in 万元 (the unit of most project figures) and stored as
    Decimal yuan."""

    period_start = forms.DateField(label=_("period start"), widget=IsoDateInput())
    period_end = forms.DateField(label=_("period end"), widget=IsoDateInput())
    funds_in_place_wan = forms.DecimalField(
        label=_("funds in place, cumulative (10 thousand yuan)"),
        min_value=0,
        max_digits=16,
        decimal_places=6,
        help_text=_("Cumulative, as of the period's end. 1 亿元 = 10000 万元."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    percent_complete = forms.IntegerField(
        label=_("percent complete"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    milestone = forms.CharField(label=_("milestone reached"), max_length=200, required=False)
    narrative = forms.CharField(
        label=_("narrative"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(
        label=_("attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_progress_%s")
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = (
            gettext("Up to %(count)s files.") % {"count": MAX_ATTACHMENTS} + " " + file_help()
        )

    def report_data(self) -> dict:
        """The keyword arguments of ``services.submit_progress_report``."""
        data = dict(self.cleaned_data)
        data["funds_in_place"] = (data.pop("funds_in_place_wan") * WAN).quantize(CENT)
        return data


class ReviewForm(forms.Form):
    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("approve")), (RETURN, _("return"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("reviewer's comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the report is returned."),
    )

    def __init__(self, *args, report_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_review{report_id}_%s")
        super().__init__(*args, **kwargs)
        self.report_id = report_id
