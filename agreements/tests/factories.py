from datetime import date
from decimal import Decimal

import factory

from agreements.models import Agreement, AgreementParty, ProgressReport, SigningUnit
from liaison.tests.factories import OrganisationFactory, PartnershipFactory, SectorFactory


class SigningUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SigningUnit
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"签约单位{n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    kind = Agreement.Kind.PROJECT
    title = factory.Sequence(lambda n: f"合作项目{n}")
    partnership = factory.SubFactory(PartnershipFactory)
    signed_on = date(2023, 12, 20)
    signing_unit = factory.SubFactory(SigningUnitFactory)
    sector = factory.SubFactory(SectorFactory)
    amount = Decimal("100000000.00")


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = AgreementParty.Role.B


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    agreement = factory.SubFactory(AgreementFactory)
    period_start = date(2024, 1, 1)
    period_end = date(2024, 6, 30)
    funds_in_place = Decimal("10000000.00")
    percent_complete = 20


def agreement_with_party(organisation, **kwargs) -> Agreement:
    """A project agreement whose party B is ``organisation``."""
    agreement = AgreementFactory(**kwargs)
    AgreementPartyFactory(agreement=agreement, organisation=organisation)
    return agreement
