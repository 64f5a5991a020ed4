"""Each kind's lifecycle, per transition, with its history entries and its refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import kinds, lifecycles, services
from agreements.models import (
    Agreement,
    Delivery,
    DeliveryReceipt,
    NegotiationNote,
    StatusChange,
    WorkingMechanism,
)
from agreements.tests.factories import (
    AgreementFactory,
    WorkingMechanismFactory,
    agreement_with_party,
    purchase_with_party,
)
from liaison import audit
from liaison.models import AuditEntry

pytestmark = pytest.mark.django_db

S = Agreement.Status
K = Agreement.Kind
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
DAY = date(2024, 3, 1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def steps(agreement) -> list[tuple[str, str]]:
    return list(
        StatusChange.objects.filter(agreement=agreement).values_list("from_status", "to_status")
    )


def nothing_written(agreement, status=S.SIGNED) -> None:
    agreement.refresh_from_db()
    assert agreement.status == status
    assert not StatusChange.objects.filter(agreement=agreement).exists()


# --- The tables ------------------------------------------------------------------------------


def test_lifecycle_of_each_kind():
    assert {kind: AgreementFactory.build(kind=kind).lifecycle for kind in K.values} == {
        "strategic": "framework",
        "project": "project",
        "purchase": "purchase",
        "park": "framework",
        "intention": "intention",
        "other": "project",
    }


@pytest.mark.parametrize("lifecycle", Agreement.Lifecycle.values)
def test_every_open_status_can_be_stalled_and_terminated(lifecycle):
    table = lifecycles.TRANSITIONS[lifecycle]
    for status, following in table.items():
        if status in lifecycles.CLOSED:
            assert following == set()
        else:
            assert S.TERMINATED in following
    assert S.SIGNED in table[S.STALLED]


@pytest.mark.parametrize(
    ("kind", "wrong"),
    [
        (K.PURCHASE, S.UNDER_CONSTRUCTION),
        (K.PARK, S.UNDER_CONSTRUCTION),
        (K.INTENTION, S.REGISTERED),
        (K.PROJECT, S.NEGOTIATING),
        (K.STRATEGIC, S.PARTLY_DELIVERED),
    ],
)
def test_change_status_refuses_a_step_of_another_kind(kind, wrong, secretariat):
    agreement = AgreementFactory(kind=kind)

    with pytest.raises(ValidationError) as error:
        services.change_agreement_status(agreement, to=wrong, actor=secretariat)

    assert "status" in error.value.message_dict
    nothing_written(agreement)


@pytest.mark.parametrize(
    ("kind", "to"),
    [
        (K.PROJECT, S.REGISTERED),
        (K.PURCHASE, S.DELIVERED),
        (K.PARK, S.MECHANISM_SET_UP),
        (K.INTENTION, S.NEGOTIATING),
    ],
)
def test_change_status_without_the_facts_is_refused_except_negotiating(kind, to, secretariat):
    agreement = AgreementFactory(kind=kind)
    if to == S.NEGOTIATING:
        services.change_agreement_status(agreement, to=to, actor=secretariat, on=DAY)
        assert steps(agreement) == [(S.SIGNED, S.NEGOTIATING)]
        return

    with pytest.raises(ValidationError) as error:
        services.change_agreement_status(agreement, to=to, actor=secretariat, on=DAY)

    assert "status" in error.value.message_dict
    nothing_written(agreement)


# --- Projects ----------------------------------------------------------------------------------


def test_register_project_records_company_site_and_history(secretariat):
    project = AgreementFactory()

    kinds.register_project(
        project,
        actor=secretariat,
        company="吐鲁番湘吐果业有限公司",
        site="高昌区产业园3号地",
        on=DAY,
    )

    project.refresh_from_db()
    assert (project.status, project.project_company, project.project_site) == (
        S.REGISTERED,
        "吐鲁番湘吐果业有限公司",
        "高昌区产业园3号地",
    )
    assert steps(project) == [(S.SIGNED, S.REGISTERED)]
    changed = {c["field"] for c in audit.history(project).first().changes}
    assert {"status", "project_company", "project_site"} <= changed
    services.change_agreement_status(project, to=S.UNDER_CONSTRUCTION, actor=secretariat, on=DAY)
    assert steps(project)[-1] == (S.REGISTERED, S.UNDER_CONSTRUCTION)


def test_register_project_without_site_is_refused(secretariat):
    project = AgreementFactory()

    with pytest.raises(ValidationError) as error:
        kinds.register_project(project, actor=secretariat, company="公司", site=" ")

    assert "site" in error.value.message_dict
    nothing_written(project)


def test_register_project_refuses_a_purchase(secretariat):
    purchase = AgreementFactory(kind=K.PURCHASE)

    with pytest.raises(ValidationError) as error:
        kinds.register_project(purchase, actor=secretariat, company="公司", site="地块")

    assert "kind" in error.value.message_dict
    nothing_written(purchase)


# --- Purchases ---------------------------------------------------------------------------------


@pytest.fixture
def purchase(enterprise_a):
    return purchase_with_party(enterprise_a, title="衡岳购销协议")


def line(purchase, commodity):
    return purchase.goods_lines.get(commodity=commodity)


def test_record_delivery_partly_then_fully_delivered(purchase, secretariat):
    kinds.record_delivery(
        purchase,
        actor=secretariat,
        goods_line=line(purchase, "肉苁蓉"),
        delivered_on=DAY,
        quantity=Decimal("12.500"),
        amount=Decimal("1250000.00"),
    )

    purchase.refresh_from_db()
    assert purchase.status == S.PARTLY_DELIVERED
    [cistanche, _mulberry] = lifecycles.goods_lines_with_delivered(purchase)
    assert cistanche.delivered == Decimal("12.500")
    assert isinstance(cistanche.delivered, Decimal)
    assert cistanche.delivered / cistanche.quantity == Decimal("0.625")

    kinds.record_delivery(
        purchase,
        actor=secretariat,
        goods_line=line(purchase, "肉苁蓉"),
        delivered_on=date(2024, 4, 1),
        quantity="7.5",
        amount="750000",
    )
    kinds.record_delivery(
        purchase,
        actor=secretariat,
        goods_line=line(purchase, "黑桑葚"),
        delivered_on=date(2024, 4, 2),
        quantity=Decimal("10"),
        amount=Decimal("300000.00"),
    )

    purchase.refresh_from_db()
    assert purchase.status == S.DELIVERED and purchase.has_landed
    assert steps(purchase) == [(S.SIGNED, S.PARTLY_DELIVERED), (S.PARTLY_DELIVERED, S.DELIVERED)]
    assert StatusChange.objects.get(to_status=S.DELIVERED).changed_on == date(2024, 4, 2)
    delivery = Delivery.objects.get(quantity=Decimal("7.500"))
    assert audit.history(delivery).get().action == AuditEntry.Action.CREATE
    assert delivery.amount == Decimal("750000.00")


def test_record_delivery_over_the_contract_is_refused_and_writes_nothing(purchase, secretariat):
    with pytest.raises(ValidationError) as error:
        kinds.record_delivery(
            purchase,
            actor=secretariat,
            goods_line=line(purchase, "黑桑葚"),
            delivered_on=DAY,
            quantity=Decimal("10.001"),
            amount=Decimal("1.00"),
        )

    assert "补充交货" in error.value.message_dict["quantity"][0]
    assert not Delivery.objects.exists()
    assert not AuditEntry.objects.exists()
    nothing_written(purchase)


def test_record_delivery_supplement_needs_a_reason(purchase, secretariat):
    with pytest.raises(ValidationError) as error:
        kinds.record_delivery(
            purchase,
            actor=secretariat,
            goods_line=line(purchase, "黑桑葚"),
            delivered_on=DAY,
            quantity=Decimal("11"),
            amount=Decimal("1.00"),
            is_supplement=True,
        )
    assert "supplement_reason" in error.value.message_dict

    kinds.record_delivery(
        purchase,
        actor=secretariat,
        goods_line=line(purchase, "黑桑葚"),
        delivered_on=DAY,
        quantity=Decimal("11"),
        amount=Decimal("330000.00"),
        is_supplement=True,
        supplement_reason="客户追加订货",
    )
    assert Delivery.objects.get().supplement_reason == "客户追加订货"
    purchase.refresh_from_db()
    assert purchase.status == S.PARTLY_DELIVERED  # 肉苁蓉 is still owed


def test_record_delivery_keeps_the_receipt(purchase, secretariat, media_root):
    delivery = kinds.record_delivery(
        purchase,
        actor=secretariat,
        goods_line=line(purchase, "肉苁蓉"),
        delivered_on=DAY,
        quantity=Decimal("1"),
        amount=Decimal("1.00"),
        receipt=SimpleUploadedFile("签收单.pdf", PDF),
    )

    receipt = DeliveryReceipt.objects.get(delivery=delivery)
    assert receipt.original_name == "签收单.pdf"
    assert (media_root / "private").exists()


def test_record_delivery_bad_receipt_writes_nothing(purchase, secretariat, media_root):
    with pytest.raises(ValidationError) as error:
        kinds.record_delivery(
            purchase,
            actor=secretariat,
            goods_line=line(purchase, "肉苁蓉"),
            delivered_on=DAY,
            quantity=Decimal("1"),
            amount=Decimal("1.00"),
            receipt=SimpleUploadedFile("签收单.pdf", b"MZ" + bytes(64)),
        )

    assert "receipt" in error.value.message_dict
    assert not Delivery.objects.exists()
    nothing_written(purchase)


def test_record_delivery_on_a_line_of_another_agreement_is_refused(
    purchase, secretariat, enterprise_b
):
    other = purchase_with_party(enterprise_b, title="另一份购销协议")

    with pytest.raises(ValidationError) as error:
        kinds.record_delivery(
            purchase,
            actor=secretariat,
            goods_line=line(other, "肉苁蓉"),
            delivered_on=DAY,
            quantity=Decimal("1"),
            amount=Decimal("1.00"),
        )

    assert "goods_line" in error.value.message_dict
    assert not Delivery.objects.exists()


def test_record_delivery_on_a_stalled_purchase_is_refused(purchase, secretariat):
    kinds.suspend_agreement(purchase, actor=secretariat, reason="供货方停产", on=DAY)

    with pytest.raises(ValidationError) as error:
        kinds.record_delivery(
            purchase,
            actor=secretariat,
            goods_line=line(purchase, "肉苁蓉"),
            delivered_on=DAY,
            quantity=Decimal("1"),
            amount=Decimal("1.00"),
        )

    assert "status" in error.value.message_dict
    assert not Delivery.objects.exists()


def test_record_delivery_by_a_member_is_forbidden(purchase, member_a):
    with pytest.raises(PermissionDenied):
        kinds.record_delivery(
            purchase,
            actor=member_a,
            goods_line=line(purchase, "肉苁蓉"),
            delivered_on=DAY,
            quantity=Decimal("1"),
            amount=Decimal("1.00"),
        )
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("quantity", ["abc", "NaN", "-1", "0"])
def test_record_delivery_bad_quantity_is_refused(purchase, secretariat, quantity):
    with pytest.raises(ValidationError) as error:
        kinds.record_delivery(
            purchase,
            actor=secretariat,
            goods_line=line(purchase, "肉苁蓉"),
            delivered_on=DAY,
            quantity=quantity,
            amount=Decimal("1.00"),
        )

    assert "quantity" in error.value.message_dict
    assert not Delivery.objects.exists()


# --- Frameworks --------------------------------------------------------------------------------


@pytest.fixture
def park():
    return AgreementFactory(kind=K.PARK, amount=None, title="园区共建协议")


def set_up(park, actor):
    return kinds.set_up_working_mechanism(
        park,
        actor=actor,
        our_contact="鄯善工业园区 王联络",
        their_contact="永州经开区 李联络",
        first_activity="首次园区对接会",
        first_activity_on=DAY,
    )


def test_framework_mechanism_then_introduced_project_lands(park, secretariat):
    set_up(park, secretariat)
    park.refresh_from_db()
    assert park.status == S.MECHANISM_SET_UP
    assert WorkingMechanism.objects.get(agreement=park).their_contact == "永州经开区 李联络"

    first, second = AgreementFactory(), AgreementFactory()
    kinds.introduce_project(park, actor=secretariat, project=first, on=date(2024, 5, 1))
    kinds.introduce_project(park, actor=secretariat, project=second, on=date(2024, 6, 1))

    park.refresh_from_db()
    assert park.status == S.PROJECTS_INTRODUCED and park.has_landed
    assert set(park.introduced_projects.all()) == {first, second}
    assert steps(park) == [
        (S.SIGNED, S.MECHANISM_SET_UP),
        (S.MECHANISM_SET_UP, S.PROJECTS_INTRODUCED),
    ]
    assert any(c["field"] == "introduced_under" for c in audit.history(first).first().changes)


def test_framework_mechanism_needs_both_contacts(park, secretariat):
    with pytest.raises(ValidationError):
        kinds.set_up_working_mechanism(
            park,
            actor=secretariat,
            our_contact="王联络",
            their_contact="",
            first_activity="对接会",
            first_activity_on=DAY,
        )

    assert not WorkingMechanism.objects.exists()
    nothing_written(park)


def test_introduce_project_before_the_mechanism_is_refused(park, secretariat):
    project = AgreementFactory()

    with pytest.raises(ValidationError) as error:
        kinds.introduce_project(park, actor=secretariat, project=project)

    assert "status" in error.value.message_dict
    project.refresh_from_db()
    assert project.introduced_under is None


def test_introduce_a_purchase_is_refused(park, secretariat):
    WorkingMechanismFactory(agreement=park)
    park.status = S.MECHANISM_SET_UP
    park.save()
    purchase = AgreementFactory(kind=K.PURCHASE)

    with pytest.raises(ValidationError) as error:
        kinds.introduce_project(park, actor=secretariat, project=purchase)

    assert "project" in error.value.message_dict
    nothing_written(park, S.MECHANISM_SET_UP)


# --- Intentions --------------------------------------------------------------------------------


@pytest.fixture
def intention(enterprise_a):
    return agreement_with_party(
        enterprise_a, kind=K.INTENTION, amount=None, title="辣椒加工投资意向"
    )


def test_intention_negotiation_note_starts_the_negotiation(intention, member_a):
    kinds.record_negotiation_note(intention, actor=member_a, note="已完成选址考察", on=DAY)
    kinds.record_negotiation_note(intention, actor=member_a, note="商定投资额", on=DAY)

    intention.refresh_from_db()
    assert intention.status == S.NEGOTIATING
    assert steps(intention) == [(S.SIGNED, S.NEGOTIATING)]
    assert NegotiationNote.objects.filter(agreement=intention).count() == 2


def test_intention_negotiation_note_by_another_member_is_forbidden(intention, member_b):
    with pytest.raises(PermissionDenied):
        kinds.record_negotiation_note(intention, actor=member_b, note="x", on=DAY)
    assert not NegotiationNote.objects.exists()


def test_convert_intention_makes_a_linked_project(intention, secretariat, enterprise_a):
    kinds.record_negotiation_note(intention, actor=secretariat, note="谈妥", on=DAY)

    project = kinds.convert_intention(
        intention,
        actor=secretariat,
        title="辣椒深加工项目",
        amount=Decimal("50000000"),
        on=date(2024, 6, 1),
    )

    intention.refresh_from_db()
    assert intention.status == S.CONVERTED and intention.has_landed
    assert intention.converted_to == project and project.converted_from == intention
    assert (project.kind, project.status, project.amount) == (
        K.PROJECT,
        S.SIGNED,
        Decimal("50000000.00"),
    )
    assert list(project.parties.values_list("organisation", flat=True)) == [enterprise_a.pk]
    assert steps(intention) == [(S.SIGNED, S.NEGOTIATING), (S.NEGOTIATING, S.CONVERTED)]
    assert "辣椒加工投资意向" in audit.history(project).last().note


@pytest.mark.parametrize("status", [S.SIGNED, S.LAPSED, S.STALLED])
def test_convert_intention_not_under_negotiation_is_refused(intention, secretariat, status):
    Agreement.objects.filter(pk=intention.pk).update(status=status, status_reason="原因")
    intention.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        kinds.convert_intention(intention, actor=secretariat, title="新项目", amount=None)

    assert error.value.message_dict["status"] == ["只有洽谈中的投资意向才能转化。"]
    assert Agreement.objects.count() == 1
    assert not StatusChange.objects.exists()


def test_convert_intention_with_a_taken_title_writes_nothing(intention, secretariat):
    kinds.record_negotiation_note(intention, actor=secretariat, note="谈妥", on=DAY)
    AgreementFactory(title="已有项目")

    with pytest.raises(ValidationError):
        kinds.convert_intention(intention, actor=secretariat, title="已有项目", amount=None)

    intention.refresh_from_db()
    assert intention.status == S.NEGOTIATING
    assert Agreement.objects.count() == 2


def test_lapse_intention_needs_a_reason(intention, secretariat):
    kinds.record_negotiation_note(intention, actor=secretariat, note="洽谈", on=DAY)

    with pytest.raises(ValidationError) as error:
        kinds.lapse_intention(intention, actor=secretariat, reason="")
    assert "reason" in error.value.message_dict

    kinds.lapse_intention(intention, actor=secretariat, reason="企业放弃投资", on=DAY)
    intention.refresh_from_db()
    assert (intention.status, intention.status_reason) == (S.LAPSED, "企业放弃投资")
    assert steps(intention)[-1] == (S.NEGOTIATING, S.LAPSED)


# --- Any kind ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", K.values)
def test_any_kind_is_suspended_resumed_and_terminated_with_a_reason(kind, secretariat):
    agreement = AgreementFactory(kind=kind)

    with pytest.raises(ValidationError):
        kinds.suspend_agreement(agreement, actor=secretariat, reason=" ")
    kinds.suspend_agreement(agreement, actor=secretariat, reason="资金未到位", on=DAY)
    services.change_agreement_status(agreement, to=S.SIGNED, actor=secretariat, on=DAY)
    kinds.terminate_agreement(agreement, actor=secretariat, reason="企业退出", on=DAY)

    agreement.refresh_from_db()
    assert (agreement.status, agreement.status_reason) == (S.TERMINATED, "企业退出")
    assert steps(agreement) == [
        (S.SIGNED, S.STALLED),
        (S.STALLED, S.SIGNED),
        (S.SIGNED, S.TERMINATED),
    ]


@pytest.mark.parametrize(("kind", "asked"), [(K.PURCHASE, "交货"), (K.INTENTION, "洽谈记录")])
def test_progress_report_of_a_purchase_or_intention_asks_what_fits(kind, asked, secretariat):
    agreement = AgreementFactory(kind=kind)

    with pytest.raises(ValidationError) as error:
        services.submit_progress_report(
            agreement,
            actor=secretariat,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 6, 30),
            funds_in_place=Decimal("1.00"),
            percent_complete=10,
        )

    assert asked in error.value.message_dict["agreement"][0]
    assert not agreement.progress_reports.exists()


def test_progress_report_of_a_framework_is_taken(secretariat):
    park = AgreementFactory(kind=K.PARK, amount=None)

    report = services.submit_progress_report(
        park,
        actor=secretariat,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30),
        funds_in_place=Decimal("0.00"),
        percent_complete=30,
    )

    assert report.agreement == park
