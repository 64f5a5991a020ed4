from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison import auth
from liaison.models import Organisation, Region, Sector


class SignInForm(AuthenticationForm):
    """The login form, with the lockout of ``liaison.auth``."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is wrong."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = auth.sign_in(self.request, username, password)
            except ValidationError as error:
                raise ValidationError(error.messages[0], code=error.code) from error
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("name, short name or credit code"), "type": "search"}
        ),
    )
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", _("all kinds")), *Organisation.Kind.choices]
    )
    region = forms.ModelChoiceField(
        label=_("region"),
        required=False,
        queryset=Region.objects.all(),
        empty_label=_("all regions"),
    )
    sector = forms.ModelChoiceField(
        label=_("industry sector"),
        required=False,
        queryset=Sector.objects.all(),
        empty_label=_("all sectors"),
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        queryset = queryset.search(data["q"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["region"]:
            queryset = queryset.filter(region__in=data["region"].with_descendants())
        if data["sector"]:
            queryset = queryset.filter(sector=data["sector"])
        return queryset
