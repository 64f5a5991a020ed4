from datetime import date
from decimal import Decimal

import factory

from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementImport,
    AgreementParty,
    Delivery,
    DeliveryReceipt,
    GoodsLine,
    NegotiationNote,
    ProgressReport,
    ProgressReportAttachment,
    SigningUnit,
    StatusChange,
    WorkingMechanism,
)
from liaison.models import User
from liaison.tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    SectorFactory,
    UserFactory,
)

PDF = b"%PDF-1.7\n% a test scan\n%%EOF\n"


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


class GoodsLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoodsLine

    agreement = factory.SubFactory(AgreementFactory, kind=Agreement.Kind.PURCHASE, amount=None)
    commodity = factory.Sequence(lambda n: f"商品{n}")
    quantity = Decimal("20.000")
    unit = "吨"


class StatusChangeFactory(factory.django.DjangoModelFactory):
    """A step of the lifecycle as recorded (the service ``change_agreement_status`` writes it)."""

    class Meta:
        model = StatusChange

    agreement = factory.SubFactory(AgreementFactory)
    from_status = Agreement.Status.SIGNED
    to_status = Agreement.Status.UNDER_CONSTRUCTION
    changed_on = date(2024, 3, 1)


class AgreementDocumentFactory(factory.django.DjangoModelFactory):
    """The scan of the signed agreement, stored under ``MEDIA_ROOT``."""

    class Meta:
        model = AgreementDocument

    agreement = factory.SubFactory(AgreementFactory)
    file = factory.django.FileField(filename="协议.pdf", data=PDF)
    original_name = "协议.pdf"
    content_type = "application/pdf"
    size = len(PDF)


class ProgressReportAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReportAttachment

    report = factory.SubFactory(ProgressReportFactory)
    file = factory.django.FileField(filename="现场照片.pdf", data=PDF)
    original_name = "现场照片.pdf"
    content_type = "application/pdf"
    size = len(PDF)


class AgreementImportFactory(factory.django.DjangoModelFactory):
    """A queued import of an Excel sheet (the worker reads it)."""

    class Meta:
        model = AgreementImport

    requested_by = factory.SubFactory(UserFactory, role=User.Role.SECRETARIAT, organisation=None)
    original_name = "签约项目.xlsx"


def agreement_with_party(organisation, **kwargs) -> Agreement:
    """A project agreement whose party B is ``organisation``."""
    agreement = AgreementFactory(**kwargs)
    AgreementPartyFactory(agreement=agreement, organisation=organisation)
    return agreement


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    goods_line = factory.SubFactory(GoodsLineFactory)
    delivered_on = date(2024, 3, 1)
    quantity = Decimal("5.000")
    amount = Decimal("500000.00")


class DeliveryReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryReceipt

    delivery = factory.SubFactory(DeliveryFactory)
    file = factory.django.FileField(filename="签收单.pdf", data=PDF)
    original_name = "签收单.pdf"
    content_type = "application/pdf"
    size = len(PDF)


class WorkingMechanismFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingMechanism

    agreement = factory.SubFactory(AgreementFactory, kind=Agreement.Kind.PARK, amount=None)
    our_contact = "王联络"
    their_contact = "李联络"
    first_activity = "首次园区对接会"
    first_activity_on = date(2024, 3, 1)


class NegotiationNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NegotiationNote

    agreement = factory.SubFactory(AgreementFactory, kind=Agreement.Kind.INTENTION, amount=None)
    noted_on = date(2024, 3, 1)
    note = "双方就选址进行洽谈"


def purchase_with_party(organisation, lines=(("肉苁蓉", "20"), ("黑桑葚", "10")), **kwargs):
    """A purchase agreement whose party B is ``organisation``, with goods lines in tonnes."""
    agreement = agreement_with_party(
        organisation, kind=Agreement.Kind.PURCHASE, amount=None, **kwargs
    )
    for commodity, quantity in lines:
        GoodsLineFactory(agreement=agreement, commodity=commodity, quantity=Decimal(quantity))
    return agreement
