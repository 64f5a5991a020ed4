"""Each kind's steps through the API: who may take them, what changes, the refusals in the
API's error shape (Chinese), and the lists at a constant query count."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import kinds
from agreements.models import (
    Agreement,
    Delivery,
    DeliveryReceipt,
    NegotiationNote,
    ProgressReport,
    StatusChange,
    WorkingMechanism,
)
from agreements.tests.factories import (
    AgreementFactory,
    DeliveryFactory,
    NegotiationNoteFactory,
    agreement_with_party,
    purchase_with_party,
)

pytestmark = pytest.mark.django_db

S = Agreement.Status
K = Agreement.Kind
LIST = "/api/v1/agreements/"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
SMALL, LARGE = 2, 7


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(agreement, tail: str) -> str:
    return f"{LIST}{agreement.pk}/{tail}/"


def queries(client, address) -> int:
    client.get(address)
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(context.captured_queries)


def assert_constant(client, address, make):
    for _n in range(SMALL):
        make()
    small = queries(client, address)
    for _n in range(LARGE - SMALL):
        make()
    assert queries(client, address) == small, address


@pytest.fixture
def purchase(enterprise_a):
    return purchase_with_party(enterprise_a, title="衡岳购销协议")


def delivery(purchase, quantity="12.5", **extra) -> dict:
    return {
        "goods_line": purchase.goods_lines.get(commodity="肉苁蓉").pk,
        "delivered_on": "2024-03-01",
        "quantity": quantity,
        "amount": "1250000.00",
        **extra,
    }


# --- Purchases ---------------------------------------------------------------------------------


def test_delivery_api_secretariat_records_with_a_receipt(api_for, secretariat, purchase):
    body = delivery(purchase, receipt=SimpleUploadedFile("签收单.pdf", PDF))

    response = api_for(secretariat).post(url(purchase, "deliveries"), body, format="multipart")

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["commodity"], answer["quantity"], answer["receipt_name"]) == (
        "肉苁蓉",
        "12.500",
        "签收单.pdf",
    )
    purchase.refresh_from_db()
    assert purchase.status == S.PARTLY_DELIVERED
    assert DeliveryReceipt.objects.count() == 1
    assert StatusChange.objects.get(agreement=purchase).to_status == S.PARTLY_DELIVERED


def test_delivery_api_over_the_contract_is_400_in_chinese_and_writes_nothing(
    api_for, secretariat, purchase
):
    response = api_for(secretariat).post(
        url(purchase, "deliveries"), delivery(purchase, "20.001"), format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "超出合同" in body["errors"]["quantity"][0]
    assert not Delivery.objects.exists()
    purchase.refresh_from_db()
    assert purchase.status == S.SIGNED


def test_delivery_api_supplement_with_reason_is_accepted(api_for, secretariat, purchase):
    body = delivery(purchase, "21", is_supplement=True, supplement_reason="追加订货")

    response = api_for(secretariat).post(url(purchase, "deliveries"), body, format="json")

    assert response.status_code == 201, response.json()
    assert Delivery.objects.get().is_supplement


def test_delivery_api_member_reads_own_but_cannot_write(api_for, member_a, purchase):
    DeliveryFactory(goods_line=purchase.goods_lines.first())
    client = api_for(member_a)

    assert len(client.get(url(purchase, "deliveries")).json()) == 1
    response = client.post(url(purchase, "deliveries"), delivery(purchase), format="json")

    assert response.status_code == 403
    assert Delivery.objects.count() == 1


def test_delivery_api_second_member_sees_nothing(api_for, member_b, purchase):
    client = api_for(member_b)

    assert client.get(url(purchase, "deliveries")).status_code == 404
    assert client.post(url(purchase, "deliveries"), delivery(purchase)).status_code == 403
    assert not Delivery.objects.exists()


def test_delivery_list_api_query_count_is_constant(api_for, member_a, purchase):
    line = purchase.goods_lines.first()
    assert_constant(
        api_for(member_a),
        url(purchase, "deliveries"),
        lambda: DeliveryFactory(goods_line=line, quantity=Decimal("0.1")),
    )


def test_progress_report_api_for_a_purchase_asks_for_a_delivery(api_for, member_a, purchase):
    response = api_for(member_a).post(
        "/api/v1/progress-reports/",
        {
            "agreement": purchase.pk,
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "funds_in_place": "1.00",
            "percent_complete": 10,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "交货" in response.json()["errors"]["agreement"][0]
    assert not ProgressReport.objects.exists()


# --- Transitions -------------------------------------------------------------------------------


def test_transitions_api_lists_the_kinds_next_steps(api_for, official):
    intention = AgreementFactory(kind=K.INTENTION, status=S.NEGOTIATING)

    rows = api_for(official).get(url(intention, "transitions")).json()

    assert [(r["status"], r["needs_reason"], r["recorded_by"]) for r in rows] == [
        ("converted", False, "convert_intention"),
        ("lapsed", True, None),
        ("stalled", True, None),
        ("terminated", True, None),
    ]


def test_transitions_api_takes_a_step_or_refuses_it(api_for, secretariat, official):
    intention = AgreementFactory(kind=K.INTENTION)
    client = api_for(secretariat)

    wrong = client.post(url(intention, "transitions"), {"to": "under_construction"})
    ok = client.post(url(intention, "transitions"), {"to": "negotiating", "on": "2024-03-01"})
    no_reason = client.post(url(intention, "transitions"), {"to": "lapsed"})
    by_official = api_for(official).post(
        url(intention, "transitions"), {"to": "lapsed", "reason": "x"}
    )

    assert wrong.status_code == 400 and "status" in wrong.json()["errors"]
    assert ok.status_code == 201 and ok.json()["to_status"] == "negotiating"
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    assert by_official.status_code == 403
    intention.refresh_from_db()
    assert intention.status == S.NEGOTIATING


def test_register_api_needs_company_and_site(api_for, secretariat):
    project = AgreementFactory()
    client = api_for(secretariat)

    refused = client.post(url(project, "register"), {"company": "公司"})
    ok = client.post(url(project, "register"), {"company": "公司", "site": "3号地"})

    assert refused.status_code == 400 and "site" in refused.json()["errors"]
    assert ok.status_code == 200 and ok.json()["status"] == "registered"
    assert ok.json()["project_site"] == "3号地"


# --- Frameworks --------------------------------------------------------------------------------


def test_framework_api_mechanism_then_introduced_project(api_for, secretariat, official):
    park = AgreementFactory(kind=K.PARK, amount=None)
    project = AgreementFactory(title="引进项目")
    client = api_for(secretariat)

    too_early = client.post(url(park, "introduced-projects"), {"project": project.pk})
    mechanism = client.post(
        url(park, "working-mechanism"),
        {
            "our_contact": "王联络",
            "their_contact": "李联络",
            "first_activity": "首次对接会",
            "first_activity_on": "2024-03-01",
        },
    )
    introduced = client.post(url(park, "introduced-projects"), {"project": project.pk})

    assert too_early.status_code == 400 and "status" in too_early.json()["errors"]
    assert mechanism.status_code == 201, mechanism.json()
    assert introduced.status_code == 201 and introduced.json()["title"] == "引进项目"
    park.refresh_from_db()
    assert park.status == S.PROJECTS_INTRODUCED
    reader = api_for(official)
    assert reader.get(url(park, "working-mechanism")).json()["their_contact"] == "李联络"
    assert [r["id"] for r in reader.get(url(park, "introduced-projects")).json()] == [project.pk]
    assert reader.get(f"{LIST}{park.pk}/").json()["has_landed"] is True


def test_introduced_projects_list_api_query_count_is_constant(api_for, official):
    park = AgreementFactory(kind=K.PARK, amount=None, status=S.PROJECTS_INTRODUCED)
    assert_constant(
        api_for(official),
        url(park, "introduced-projects"),
        lambda: AgreementFactory(introduced_under=park),
    )


# --- Intentions --------------------------------------------------------------------------------


@pytest.fixture
def intention(enterprise_a):
    return agreement_with_party(enterprise_a, kind=K.INTENTION, amount=None, title="投资意向")


def test_negotiation_note_api_member_writes_for_own_intention(
    api_for, member_a, member_b, intention
):
    own = api_for(member_a).post(
        url(intention, "negotiation-notes"), {"note": "完成考察", "noted_on": "2024-03-01"}
    )
    other = api_for(member_b).post(url(intention, "negotiation-notes"), {"note": "x"})

    assert own.status_code == 201, own.json()
    assert own.json()["author_name"] == str(member_a)
    assert other.status_code == 404
    assert NegotiationNote.objects.count() == 1
    intention.refresh_from_db()
    assert intention.status == S.NEGOTIATING


def test_negotiation_note_list_api_query_count_is_constant(api_for, member_a, intention):
    assert_constant(
        api_for(member_a),
        url(intention, "negotiation-notes"),
        lambda: NegotiationNoteFactory(agreement=intention),
    )


def test_convert_api_makes_a_linked_project_or_refuses(api_for, secretariat, intention):
    client = api_for(secretariat)
    body = {"title": "辣椒深加工项目", "amount": "50000000.00", "on": "2024-06-01"}

    refused = client.post(url(intention, "convert"), body, format="json")
    kinds.record_negotiation_note(intention, actor=secretariat, note="谈妥", on=date(2024, 3, 1))
    converted = client.post(url(intention, "convert"), body, format="json")

    assert refused.status_code == 400
    assert refused.json()["errors"]["status"] == ["只有洽谈中的投资意向才能转化。"]
    assert converted.status_code == 201, converted.json()
    project = converted.json()
    assert (project["kind"], project["converted_from"], project["amount"]) == (
        "project",
        intention.pk,
        "50000000.00",
    )
    intention.refresh_from_db()
    assert intention.status == S.CONVERTED


# --- Statistics --------------------------------------------------------------------------------


def test_statistics_api_gives_the_figures_by_kind(api_for, secretariat, official, purchase):
    kinds.record_delivery(
        purchase,
        actor=secretariat,
        goods_line=purchase.goods_lines.get(commodity="肉苁蓉"),
        delivered_on=date(2024, 3, 1),
        quantity=Decimal("12.5"),
        amount=Decimal("1250000.00"),
    )
    AgreementFactory(status=S.IN_OPERATION)

    body = api_for(official).get(f"{LIST}statistics/").json()["kinds"]

    assert body["projects"]["landed_rate"] == "1.0000"
    assert body["purchases"]["goods"][0] == {
        "commodity": "肉苁蓉",
        "unit": "吨",
        "contracted": "20.000",
        "delivered": "12.500",
        "delivered_ratio": "0.6250",
        "delivered_value": "1250000.00",
    }
    assert body["intentions"]["conversion_rate"] is None
    assert WorkingMechanism.objects.count() == 0
