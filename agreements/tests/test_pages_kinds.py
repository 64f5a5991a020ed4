"""The agreement page by kind: its lifecycle, the steps it offers and who may take them, what
each step records (rows, status, history), the progress import page, and the page and the API
doing the same thing."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from agreements import kinds
from agreements.excel import progress as progress_import
from agreements.models import (
    Agreement,
    Delivery,
    NegotiationNote,
    StatusChange,
    WorkingMechanism,
)
from agreements.tests.factories import (
    AgreementFactory,
    DeliveryFactory,
    NegotiationNoteFactory,
    WorkingMechanismFactory,
    agreement_with_party,
    purchase_with_party,
)
from liaison.history import readable_history

pytestmark = pytest.mark.django_db

S = Agreement.Status
K = Agreement.Kind
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def purchase(enterprise_a):
    return purchase_with_party(enterprise_a, title="衡岳购销协议")


@pytest.fixture
def intention(enterprise_a):
    return agreement_with_party(enterprise_a, kind=K.INTENTION, amount=None, title="辣椒意向")


@pytest.fixture
def framework(enterprise_a):
    return agreement_with_party(enterprise_a, kind=K.PARK, amount=None, title="园区共建协议")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def page(agreement) -> str:
    return f"/agreements/{agreement.pk}/"


def step(agreement, name: str) -> str:
    return f"/agreements/{agreement.pk}/steps/{name}/"


def delivery_post(purchase, quantity="12.5", **extra) -> dict:
    return {
        "goods_line": purchase.goods_lines.get(commodity="肉苁蓉").pk,
        "delivered_on": "2024-03-01",
        "quantity": quantity,
        "amount_wan": "125",
        **extra,
    }


def steps_offered(response) -> set[str]:
    return {s.name for s, _form in response.context["step_forms"]} | (
        {response.context["progress_step"][0].name}
        if response.context.get("progress_step")
        else set()
    )


# --- The lifecycle on the page -------------------------------------------------------------------


def test_purchase_page_shows_its_lifecycle_and_offers_a_delivery(client_for, secretariat, purchase):
    response = client_for(secretariat).get(page(purchase))

    shown = text(response)
    assert "已签约" in shown and "部分交货" in shown and "已交货（已落地）" in shown
    assert "在建" not in shown  # a purchase is not built
    assert "落实落地" in shown
    assert steps_offered(response) == {"delivery", "suspend", "terminate"}
    assert "progress_form" not in response.context  # a purchase reports deliveries instead
    assert response.context["progress_reason"].startswith("采购协议")
    assert 'value="2' in response.content.decode()  # today's date, ISO, in the date input


def test_each_kind_offers_only_its_next_steps(client_for, secretariat, intention, framework):
    client = client_for(secretariat)
    project = AgreementFactory()

    assert steps_offered(client.get(page(project))) == {"register", "suspend", "terminate"}
    assert steps_offered(client.get(page(framework))) == {"mechanism", "suspend", "terminate"}
    assert steps_offered(client.get(page(intention))) == {"note", "suspend", "terminate"}
    kinds.record_negotiation_note(intention, actor=secretariat, note="谈", on=date(2024, 3, 1))
    assert steps_offered(client.get(page(intention))) == {
        "note",
        "convert",
        "lapse",
        "suspend",
        "terminate",
    }


def test_official_and_member_see_no_step_forms(client_for, official, member_a, purchase):
    assert steps_offered(client_for(official).get(page(purchase))) == set()
    assert steps_offered(client_for(member_a).get(page(purchase))) == set()


# --- Purchases ------------------------------------------------------------------------------------


def test_delivery_page_records_exact_quantity_and_amount(client_for, secretariat, purchase):
    receipt = SimpleUploadedFile("签收单.pdf", PDF, content_type="application/pdf")
    client = client_for(secretariat)

    response = client.post(
        step(purchase, "delivery"), {**delivery_post(purchase), "receipt": receipt}
    )

    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert (delivery.quantity, delivery.amount) == (Decimal("12.500"), Decimal("1250000.00"))
    assert delivery.receipt.original_name == "签收单.pdf"
    purchase.refresh_from_db()
    assert purchase.status == S.PARTLY_DELIVERED
    change = StatusChange.objects.get(agreement=purchase)
    assert (change.from_status, change.to_status) == (S.SIGNED, S.PARTLY_DELIVERED)
    shown = text(client.get(page(purchase)))
    assert (
        "12.500 吨" in shown
        and "62.5%" in shown
        and shown.count("125.00 万元") == 2  # the goods line and the delivery, in 万元
        and "125.00 万元" in shown  # the delivery itself
    )
    assert "1250000" not in shown  # money in 万元/亿元, never raw yuan
    assert "签收单.pdf" in shown


def test_delivery_receipt_is_for_who_may_read_the_agreement(
    client_for, secretariat, member_a, member_b, purchase
):
    receipt = SimpleUploadedFile("签收单.pdf", PDF, content_type="application/pdf")
    client_for(secretariat).post(
        step(purchase, "delivery"), {**delivery_post(purchase), "receipt": receipt}
    )
    address = f"/agreements/receipts/{Delivery.objects.get().receipt.pk}/"

    assert client_for(member_a).get(address).status_code == 200
    assert client_for(member_b).get(address).status_code == 404


def test_delivery_over_contract_is_refused_on_the_field(client_for, secretariat, purchase):
    response = client_for(secretariat).post(
        step(purchase, "delivery"), delivery_post(purchase, "25")
    )

    assert response.status_code == 400
    form = response.context["progress_step"][1]
    assert "超出合同" in form.errors["quantity"][0] or "补充" in form.errors["quantity"][0]
    assert not Delivery.objects.exists()
    purchase.refresh_from_db()
    assert purchase.status == S.SIGNED
    # The refused form keeps its date as ISO, so the browser shows it again.
    assert 'value="2024-03-01"' in response.content.decode()


def test_supplement_with_reason_is_recorded(client_for, secretariat, purchase):
    response = client_for(secretariat).post(
        step(purchase, "delivery"),
        delivery_post(purchase, "25", is_supplement="on", supplement_reason="对方追加订货"),
    )

    assert response.status_code == 302
    assert Delivery.objects.get().supplement_reason == "对方追加订货"


def test_delivery_step_is_secretariat_only(client_for, member_a, member_b, official, purchase):
    for user, status in ((member_a, 403), (official, 403), (member_b, 404)):
        response = client_for(user).post(step(purchase, "delivery"), delivery_post(purchase))
        assert response.status_code == status, user
    assert not Delivery.objects.exists()


def test_unknown_step_is_not_found(client_for, secretariat, purchase):
    assert client_for(secretariat).post(step(purchase, "fly")).status_code == 404


def test_purchase_page_query_count_is_constant(client_for, secretariat, purchase, pinned_queries):
    line = purchase.goods_lines.get(commodity="肉苁蓉")

    pinned_queries(
        client_for(secretariat),
        page(purchase),
        lambda: DeliveryFactory(goods_line=line, quantity=Decimal("0.5")),
        queries=15,
    )


# --- Frameworks -----------------------------------------------------------------------------------


def test_framework_mechanism_then_introduced_project(client_for, secretariat, framework):
    client = client_for(secretariat)
    project = AgreementFactory(title="引进的项目")

    set_up = client.post(
        step(framework, "mechanism"),
        {
            "our_contact": "王联络",
            "their_contact": "李联络",
            "first_activity": "首次园区对接会",
            "first_activity_on": "2024-03-01",
        },
    )
    introduced = client.post(
        step(framework, "introduce"), {"project": project.pk, "on": "2024-04-01"}
    )

    assert (set_up.status_code, introduced.status_code) == (302, 302)
    framework.refresh_from_db()
    project.refresh_from_db()
    assert framework.status == S.PROJECTS_INTRODUCED
    assert project.introduced_under == framework
    assert WorkingMechanism.objects.get(agreement=framework).our_contact == "王联络"
    shown = text(client.get(page(framework)))
    assert "王联络" in shown and "引进的项目" in shown
    assert f'href="/agreements/{project.pk}/"' in client.get(page(framework)).content.decode()
    assert "园区共建协议" in text(client.get(page(project)))


# --- Intentions -----------------------------------------------------------------------------------


def test_member_writes_its_intentions_notes_another_member_cannot(
    client_for, member_a, member_b, intention
):
    ok = client_for(member_a).post(step(intention, "note"), {"on": "2024-03-01", "note": "谈选址"})
    other = client_for(member_b).post(step(intention, "note"), {"on": "2024-03-01", "note": "x"})
    convert = client_for(member_a).post(step(intention, "convert"), {"title": "x"})

    assert (ok.status_code, other.status_code, convert.status_code) == (302, 404, 403)
    assert list(NegotiationNote.objects.values_list("note", flat=True)) == ["谈选址"]
    intention.refresh_from_db()
    assert intention.status == S.NEGOTIATING
    assert "谈选址" in text(client_for(member_a).get(page(intention)))


def test_conversion_links_both_ways(client_for, secretariat, intention):
    client = client_for(secretariat)
    refused = client.post(
        step(intention, "convert"),
        {"title": "辣椒深加工项目", "on": "2024-06-01"},
        follow=True,
    )
    kinds.record_negotiation_note(intention, actor=secretariat, note="谈妥", on=date(2024, 3, 1))

    converted = client.post(
        step(intention, "convert"),
        {"title": "辣椒深加工项目", "on": "2024-06-01", "amount_wan": "5000"},
    )

    assert [str(m) for m in refused.context["messages"]] == ["只有洽谈中的投资意向才能转化。"]
    assert converted.status_code == 302
    project = Agreement.objects.get(converted_from=intention)
    assert (project.kind, project.amount) == (K.PROJECT, Decimal("50000000.00"))
    assert "辣椒深加工项目" in text(client.get(page(intention)))
    assert "辣椒意向" in text(client.get(page(project)))


def test_lapse_needs_a_reason(client_for, secretariat, intention):
    client = client_for(secretariat)
    kinds.record_negotiation_note(intention, actor=secretariat, note="谈", on=date(2024, 3, 1))

    no_reason = client.post(step(intention, "lapse"), {"on": "2024-05-01", "reason": ""})
    lapsed = client.post(step(intention, "lapse"), {"on": "2024-05-01", "reason": "对方撤资"})

    assert (no_reason.status_code, lapsed.status_code) == (400, 302)
    intention.refresh_from_db()
    assert (intention.status, intention.status_reason) == (S.LAPSED, "对方撤资")


# --- Projects and any kind ------------------------------------------------------------------------


def test_register_and_suspend_a_project(client_for, secretariat):
    project = AgreementFactory()
    client = client_for(secretariat)

    registered = client.post(
        step(project, "register"),
        {"company": "项目公司", "site": "高昌区工业园", "on": "2024-02-01"},
    )
    suspended = client.post(step(project, "suspend"), {"on": "2024-03-01", "reason": "资金未到"})

    assert (registered.status_code, suspended.status_code) == (302, 302)
    project.refresh_from_db()
    assert (project.project_company, project.status, project.status_reason) == (
        "项目公司",
        S.STALLED,
        "资金未到",
    )
    assert [c.to_status for c in StatusChange.objects.filter(agreement=project)] == [
        S.REGISTERED,
        S.STALLED,
    ]


def test_terminate_step_is_recorded_in_the_history(client_for, secretariat, purchase):
    client = client_for(secretariat)

    client.post(step(purchase, "terminate"), {"on": "2024-03-01", "reason": "对方违约"})

    purchase.refresh_from_db()
    assert purchase.status == S.TERMINATED
    assert "对方违约" in text(client.get(page(purchase)))
    assert steps_offered(client.get(page(purchase))) == set()


# --- Every door does the same thing -----------------------------------------------------------------


def outcome(agreement: Agreement) -> dict:
    """What a step left: the status, the status changes, the kind's rows and the history."""
    agreement.refresh_from_db()
    history = readable_history(agreement, shown=100)
    return {
        "status": (agreement.status, agreement.status_reason),
        "changes": [
            (c.from_status, c.to_status, c.changed_on, c.note)
            for c in StatusChange.objects.filter(agreement=agreement)
        ],
        "deliveries": [
            (d.goods_line.commodity, d.delivered_on, d.quantity, d.amount)
            for d in Delivery.objects.filter(goods_line__agreement=agreement)
        ],
        "converted_to": [
            (a.kind, a.title, a.amount, a.signed_on)
            for a in Agreement.objects.filter(converted_from=agreement)
        ],
        "history": [
            (e.action, e.note, [(c.label, c.old, c.new) for c in e.changes]) for e in history
        ],
    }


def without(value, word: str):
    """``value`` with ``word`` taken out of every string in it."""
    if isinstance(value, str):
        return value.replace(word, "")
    if isinstance(value, dict):
        return {key: without(item, word) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without(item, word) for item in value)
    return value


def _delivery(purchase, door, client):
    line = purchase.goods_lines.get(commodity="肉苁蓉").pk
    if door == "page":
        body = {"goods_line": line, "delivered_on": "2024-03-01", "quantity": "12.5"}
        return client.post(step(purchase, "delivery"), {**body, "amount_wan": "125"})
    body = {"goods_line": line, "delivered_on": "2024-03-01", "quantity": "12.5"}
    return client.post(
        f"/api/v1/agreements/{purchase.pk}/deliveries/",
        {**body, "amount": "1250000.00"},
        format="json",
    )


def _conversion(intention, door, client):
    body = {"title": f"转化项目{door}", "on": "2024-06-01"}
    if door == "page":
        return client.post(step(intention, "convert"), {**body, "amount_wan": "5000"})
    return client.post(
        f"/api/v1/agreements/{intention.pk}/convert/",
        {**body, "amount": "50000000.00"},
        format="json",
    )


def _lapse(intention, door, client):
    if door == "page":
        return client.post(step(intention, "lapse"), {"on": "2024-05-01", "reason": "对方撤资"})
    return client.post(
        f"/api/v1/agreements/{intention.pk}/transitions/",
        {"to": "lapsed", "on": "2024-05-01", "reason": "对方撤资"},
        format="json",
    )


@pytest.mark.parametrize("change", [_delivery, _conversion, _lapse], ids=lambda f: f.__name__)
def test_page_and_api_do_the_same_thing(change, client_for, api_for, secretariat, enterprise_a):
    results = []
    for door, client in (("page", client_for(secretariat)), ("api", api_for(secretariat))):
        if change is _delivery:
            agreement = purchase_with_party(enterprise_a, title=f"衡岳购销协议{door}")
        else:
            agreement = agreement_with_party(
                enterprise_a, kind=K.INTENTION, amount=None, title=f"辣椒意向{door}"
            )
            kinds.record_negotiation_note(
                agreement, actor=secretariat, note="谈", on=date(2024, 3, 1)
            )
        response = change(agreement, door, client)
        assert response.status_code in (201, 302), (door, response.content[:500])
        # Titles are unique: each door's agreements carry the door's name, taken out here.
        results.append(without(outcome(agreement), door))

    assert results[0] == results[1]
    assert results[0]["changes"]  # the step moved the status


# --- Progress import page -------------------------------------------------------------------------


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = progress_import.SHEET_NAME
    keys = list(progress_import.COLUMNS)
    sheet.append([progress_import.COLUMNS[key] for key in keys])
    for row in rows:
        sheet.append([row.get(key) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "进展.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_progress_import_page_records_every_row(client_for, secretariat, purchase, intention):
    rows = [
        {
            "title": purchase.title,
            "delivered_on": "2024-03-01",
            "commodity": "肉苁蓉",
            "quantity": "12.5",
            "amount": "1250000",
        },
        {"title": intention.title, "noted_on": "2024-03-01", "note": "双方洽谈"},
    ]

    response = client_for(secretariat).post(
        "/agreements/progress/import/", {"file": workbook(rows)}
    )

    assert response.status_code == 200
    assert (
        response.context["result"].deliveries,
        response.context["result"].negotiation_notes,
    ) == (
        1,
        1,
    )
    assert Delivery.objects.get().quantity == Decimal("12.500")


def test_progress_import_page_refuses_all_and_names_the_rows(
    client_for, secretariat, purchase, intention
):
    rows = [
        {"title": intention.title, "noted_on": "2024-03-01", "note": "双方洽谈"},
        {"title": purchase.title, "noted_on": "2024-03-01", "note": "采购不写洽谈"},
        {"title": "没有这个协议"},
    ]

    response = client_for(secretariat).post(
        "/agreements/progress/import/", {"file": workbook(rows)}
    )

    assert response.status_code == 400
    shown = text(response)
    assert "第 3 行" in shown and "第 4 行" in shown and "第 2 行" not in shown
    assert not NegotiationNote.objects.exists()  # all or nothing


def test_progress_import_template_and_access(client_for, secretariat, member_a, official):
    template = client_for(secretariat).get("/agreements/progress/import/template/")

    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    assert progress_import.SHEET_NAME in book.sheetnames
    assert progress_import.read_progress_rows(template.content) == []  # the header alone
    assert client_for(secretariat).get("/agreements/progress/import/").status_code == 200
    assert client_for(member_a).get("/agreements/progress/import/").status_code == 403
    assert client_for(official).get("/agreements/progress/import/").status_code == 403


def test_step_of_another_kind_is_refused_with_the_services_message(
    client_for, secretariat, purchase
):
    client = client_for(secretariat)
    body = {
        "our_contact": "王联络",
        "their_contact": "李联络",
        "first_activity": "对接会",
        "first_activity_on": "2024-03-01",
    }

    response = client.post(step(purchase, "mechanism"), body, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["“采购”协议没有这一步。"]
    assert not WorkingMechanism.objects.exists()


def test_intention_and_framework_pages_query_counts_are_constant(
    client_for, secretariat, intention, framework, pinned_queries
):
    client = client_for(secretariat)
    WorkingMechanismFactory(agreement=framework)

    pinned_queries(
        client, page(intention), lambda: NegotiationNoteFactory(agreement=intention), queries=13
    )
    pinned_queries(
        client,
        page(framework),
        lambda: AgreementFactory(introduced_under=framework),
        queries=13,
    )


def test_refused_conversion_keeps_its_date_as_iso(client_for, secretariat, intention):
    kinds.record_negotiation_note(intention, actor=secretariat, note="谈", on=date(2024, 3, 1))

    response = client_for(secretariat).post(
        step(intention, "convert"), {"title": "", "on": "2024-06-01", "amount_wan": "5000"}
    )

    assert response.status_code == 400
    assert 'value="2024-06-01"' in response.content.decode()
    assert not Agreement.objects.filter(converted_from=intention).exists()


def test_purchase_progress_report_points_to_the_delivery(client_for, member_a, purchase):
    body = {
        "period_start": "2024-01-01",
        "period_end": "2024-06-30",
        "funds_in_place_wan": "1",
        "percent_complete": "10",
    }

    response = client_for(member_a).post(f"/agreements/{purchase.pk}/progress/", body, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith("采购协议")
    assert not purchase.progress_reports.exists()
