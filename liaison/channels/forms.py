from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.models import Channel, NoticeKind


def _https_by_default(field, **kwargs):
    """A robot address typed without its scheme is taken as https, the only one allowed."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ChannelForm(forms.ModelForm):
    """A channel; its signing secret is written here and never shown again."""

    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        strip=True,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("钉钉 robots with 加签: the secret starting with SEC. Leave empty to keep it."),
    )
    clear_secret = forms.BooleanField(label=_("remove the stored secret"), required=False)
    notice_kinds = forms.MultipleChoiceField(
        label=_("notices sent"),
        choices=NoticeKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Channel
        formfield_callback = _https_by_default
        fields = [
            "kind",
            "name",
            "target",
            "audience",
            "partnership",
            "organisation",
            "person",
            "notice_kinds",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.has_secret:
            del self.fields["clear_secret"]
        self.fields["person"].queryset = self.fields["person"].queryset.select_related(
            "organisation"
        )

    def new_secret(self) -> str | None:
        """What to store: None keeps the stored secret."""
        if self.cleaned_data.get("clear_secret"):
            return ""
        return self.cleaned_data.get("secret") or None
