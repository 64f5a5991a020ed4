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
            # Suspending, terminating and lapsing have their own forms.
            and status not in (Agreement.STATUSES_NEEDING_REASON)
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


# --- The steps of each kind's lifecycle (``agreements.kinds``) ----------------------------------


class StepForm(forms.Form):
    """A form of one lifecycle step; ``arguments()`` are the keyword arguments of its service
    (``agreements.kinds``), the agreement and the actor aside."""

    prefix_name = "step"

    def __init__(self, *args, agreement: Agreement, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.prefix_name}_%s")
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        for field in self.fields.values():
            if isinstance(field.widget, IsoDateInput) and field.initial is None:
                field.initial = timezone.localdate

    def arguments(self) -> dict:
        return dict(self.cleaned_data)


class RegisterProjectForm(StepForm):
    prefix_name = "register"

    company = forms.CharField(label=_("project company"), max_length=200)
    site = forms.CharField(label=_("land or site"), max_length=200)
    on = forms.DateField(label=_("date"), widget=IsoDateInput())


class DeliveryForm(StepForm):
    """Quantity in the goods line's unit with three decimals; the amount in 万元 like the
    other money inputs, stored as Decimal yuan."""

    prefix_name = "delivery"

    goods_line = forms.ModelChoiceField(label=_("goods line"), queryset=None, empty_label=None)
    delivered_on = forms.DateField(label=_("delivered on"), widget=IsoDateInput())
    quantity = forms.DecimalField(
        label=_("quantity delivered"),
        max_digits=14,
        decimal_places=3,
        help_text=_("In the goods line's unit, up to three decimals (12.500 吨)."),
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
    )
    amount_wan = forms.DecimalField(
        label=_("amount (10 thousand yuan)"),
        min_value=0,
        max_digits=16,
        decimal_places=6,
        help_text=_("1 亿元 = 10000 万元."),
        widget=forms.NumberInput(attrs={"step": "0.0001", "inputmode": "decimal"}),
    )
    receipt = forms.FileField(
        label=_("receipt"), required=False, widget=forms.FileInput(attrs={"accept": ACCEPT})
    )
    is_supplement = forms.BooleanField(label=_("supplement over the contract"), required=False)
    supplement_reason = forms.CharField(
        label=_("reason for the supplement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, agreement=agreement, **kwargs)
        self.fields["goods_line"].queryset = agreement.goods_lines.all()
        self.fields["goods_line"].label_from_instance = lambda line: (
            f"{line.commodity}（{line.quantity.normalize():f} {line.unit}）"
        )
        self.fields["receipt"].help_text = file_help()

    def arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["amount"] = (data.pop("amount_wan") * WAN).quantize(CENT)
        return data


class WorkingMechanismForm(StepForm):
    prefix_name = "mechanism"

    our_contact = forms.CharField(label=_("contact on the Turpan side"), max_length=64)
    their_contact = forms.CharField(label=_("contact on the Hunan side"), max_length=64)
    first_activity = forms.CharField(label=_("first joint activity"), max_length=200)
    first_activity_on = forms.DateField(
        label=_("date of the first joint activity"), widget=IsoDateInput()
    )


class IntroduceProjectForm(StepForm):
    prefix_name = "introduce"

    project = forms.ModelChoiceField(label=_("project agreement"), queryset=None)
    on = forms.DateField(label=_("date"), widget=IsoDateInput())

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, agreement=agreement, **kwargs)
        self.fields["project"].queryset = (
            Agreement.objects.of_lifecycle(Agreement.Lifecycle.PROJECT)
            .filter(introduced_under__isnull=True)
            .order_by("title")
        )
        self.fields["project"].label_from_instance = lambda project: project.title


class NegotiationNoteForm(StepForm):
    prefix_name = "note"

    on = forms.DateField(label=_("date"), widget=IsoDateInput())
    note = forms.CharField(
        label=_("what the negotiation reached"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConvertIntentionForm(StepForm):
    """The new project agreement's facts; its amount in 万元, stored as Decimal yuan."""

    prefix_name = "convert"

    title = forms.CharField(label=_("title of the project agreement"), max_length=200)
    on = forms.DateField(label=_("signed on"), widget=IsoDateInput())
    amount_wan = forms.DecimalField(
        label=_("signed amount (10 thousand yuan)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=6,
        help_text=_("1 亿元 = 10000 万元."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def arguments(self) -> dict:
        data = dict(self.cleaned_data)
        wan = data.pop("amount_wan")
        data["amount"] = None if wan is None else (wan * WAN).quantize(CENT)
        return data


class ReasonForm(StepForm):
    """Suspend, terminate or let lapse: a date and the reason."""

    on = forms.DateField(label=_("date"), widget=IsoDateInput())
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SuspendForm(ReasonForm):
    prefix_name = "suspend"


class TerminateForm(ReasonForm):
    prefix_name = "terminate"


class LapseForm(ReasonForm):
    prefix_name = "lapse"


class ProgressImportForm(forms.Form):
    file = forms.FileField(
        label=_("progress workbook (.xlsx)"),
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
