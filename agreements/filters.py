"""The agreement filters, shared by the ledger page, its statistics and the API."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from agreements.models import Agreement, AgreementParty, SigningUnit
from liaison.filters import YearFilter
from liaison.models import Organisation, Sector
from meetings.models import Meeting


class AgreementFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="filter_search")
    kind = filters.ChoiceFilter(label=_("kind"), choices=Agreement.Kind.choices)
    status = filters.ChoiceFilter(label=_("status"), choices=Agreement.Status.choices)
    sector = filters.ModelChoiceFilter(label=_("industry sector"), queryset=Sector.objects.all())
    signing_unit = filters.ModelChoiceFilter(
        label=_("signing unit"), queryset=SigningUnit.objects.all()
    )
    signed_at_meeting = filters.ModelChoiceFilter(
        label=_("signed at"), queryset=Meeting.objects.all()
    )
    year = YearFilter(field_name="signed_on")
    party = filters.ModelChoiceFilter(
        label=_("party"),
        queryset=Organisation.objects.all(),
        field_name="parties__organisation",
        method="filter_party",
        help_text="An organisation that is a party to the agreement.",
    )
    amount_min = filters.NumberFilter(
        label=_("minimum amount (yuan)"), field_name="amount", lookup_expr="gte"
    )
    amount_max = filters.NumberFilter(
        label=_("maximum amount (yuan)"), field_name="amount", lookup_expr="lte"
    )

    class Meta:
        model = Agreement
        fields = [
            "kind",
            "status",
            "sector",
            "signing_unit",
            "signed_at_meeting",
            "is_illustrative",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer (and accept) only meetings the user may see: no draft titles for members.
        user = getattr(self.request, "user", None)
        self.filters["signed_at_meeting"].queryset = Meeting.objects.visible_to(user)

    def filter_party(self, queryset, name, organisation):
        return queryset.filter(
            Exists(
                AgreementParty.objects.filter(agreement=OuterRef("pk"), organisation=organisation)
            )
        )

    def filter_search(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        party = AgreementParty.objects.filter(
            agreement=OuterRef("pk"), organisation__name__icontains=text
        )
        return queryset.filter(Q(title__icontains=text) | Exists(party))
