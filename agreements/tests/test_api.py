"""The agreements API: scoped reads, writes through the services, progress, statistics."""

from datetime import date
from decimal import Decimal

import pytest

from agreements import services
from agreements.models import Agreement, AgreementParty, ProgressReport
from agreements.tests.factories import (
    AgreementFactory,
    ProgressReportFactory,
    SigningUnitFactory,
    agreement_with_party,
)
from liaison import audit
from liaison.models import AuditEntry
from liaison.tests.factories import OrganisationFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/agreements/"


def detail(agreement) -> str:
    return f"{LIST}{agreement.pk}/"


@pytest.fixture
def payload():
    partnership = PartnershipFactory()
    return {
        "kind": "project",
        "title": "高昌区葡萄深加工项目",
        "partnership": partnership.pk,
        "signed_on": "2023-12-20",
        "signing_unit": SigningUnitFactory(name="高昌区").pk,
        "sector": SectorFactory(name="食品加工").pk,
        "amount": "787500000.00",
        "parties": [
            {"organisation": partnership.party_b.pk, "role": "a", "signatory_name": "甲"},
            {"organisation": OrganisationFactory().pk, "role": "b"},
        ],
    }


def test_agreement_create_api_by_secretariat_is_audited(api_for, secretariat, payload):
    response = api_for(secretariat).post(LIST, payload, format="json")

    assert response.status_code == 201, response.json()
    agreement = Agreement.objects.get(title="高昌区葡萄深加工项目")
    assert agreement.amount == Decimal("787500000.00")
    assert agreement.parties.count() == 2
    assert response.json()["amount"] == "787500000.00"
    actions = list(audit.history(agreement).values_list("action", flat=True))
    assert "create" in actions and all(e.actor == secretariat for e in audit.history(agreement))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-3"}, "amount"),
        ({"amount": "七十八亿"}, "amount"),
        ({"kind": "nonsense"}, "kind"),
        ({"title": ""}, "title"),
        ({"parties": [{"organisation": 999999, "role": "a"}]}, "parties"),
    ],
)
def test_agreement_create_api_bad_input_is_400_and_writes_nothing(
    api_for, secretariat, payload, change, field
):
    response = api_for(secretariat).post(LIST, {**payload, **change}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]
    assert not Agreement.objects.exists()
    assert not AuditEntry.objects.exists()


def test_agreement_create_api_duplicate_parties_is_400_and_writes_nothing(
    api_for, secretariat, payload
):
    org = payload["parties"][0]["organisation"]
    payload["parties"] = [{"organisation": org, "role": "a"}, {"organisation": org, "role": "b"}]

    response = api_for(secretariat).post(LIST, payload, format="json")

    assert response.status_code == 400
    assert "parties" in response.json()["errors"]
    assert not Agreement.objects.exists()


def test_agreement_update_api_amount_change_is_in_history(api_for, secretariat):
    agreement = AgreementFactory(amount=Decimal("100.00"))
    client = api_for(secretariat)

    response = client.patch(detail(agreement), {"amount": "250.50"}, format="json")

    assert response.status_code == 200
    history = client.get(f"{detail(agreement)}history/").json()["results"]
    [change] = history[0]["changes"]
    assert (change["old_value"], change["new_value"]) == ("100.00", "250.50")
    assert history[0]["actor"] == secretariat.pk


def test_agreement_update_api_bad_amount_changes_nothing(api_for, secretariat):
    agreement = AgreementFactory(amount=Decimal("100.00"))

    response = api_for(secretariat).patch(detail(agreement), {"amount": "-1"}, format="json")

    assert response.status_code == 400
    agreement.refresh_from_db()
    assert agreement.amount == Decimal("100.00")
    assert not AuditEntry.objects.exists()


def test_agreement_status_api_transition_and_refusal(api_for, secretariat):
    agreement = AgreementFactory()
    client = api_for(secretariat)
    url = f"{detail(agreement)}status/"

    ok = client.post(url, {"to": "under_construction", "on": "2024-03-01"}, format="json")
    refused = client.post(url, {"to": "completed"}, format="json")
    no_reason = client.post(url, {"to": "terminated"}, format="json")

    assert ok.status_code == 200 and ok.json()["status"] == "under_construction"
    assert refused.status_code == 400 and "status" in refused.json()["errors"]
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    agreement.refresh_from_db()
    assert agreement.status == "under_construction"
    assert agreement.status_changes.count() == 1


def test_agreement_write_api_by_official_or_member_is_forbidden(
    api_for, official, member_a, enterprise_a, payload
):
    agreement = agreement_with_party(enterprise_a, amount=Decimal("1.00"))
    for user in (official, member_a):
        client = api_for(user)
        assert client.post(LIST, payload, format="json").status_code == 403
        assert client.patch(detail(agreement), {"amount": "2"}, format="json").status_code == 403
        assert client.post(f"{detail(agreement)}status/", {"to": "stalled"}).status_code == 403
        assert client.delete(detail(agreement)).status_code == 403
    agreement.refresh_from_db()
    assert agreement.amount == Decimal("1.00")
    assert Agreement.objects.count() == 1


def test_agreement_list_api_member_reads_only_its_own(
    api_for, member_a, enterprise_a, enterprise_b, official
):
    own = agreement_with_party(enterprise_a)
    other = agreement_with_party(enterprise_b)
    client = api_for(member_a)

    ids = [row["id"] for row in client.get(LIST).json()["results"]]

    assert ids == [own.pk]
    assert client.get(detail(other)).status_code == 404
    assert client.get(f"{LIST}statistics/").json()["count"] == 1
    assert len(api_for(official).get(LIST).json()["results"]) == 2


def test_agreement_list_api_filters(api_for, official, enterprise_a):
    unit = SigningUnitFactory(name="鄯善县")
    small = AgreementFactory(amount=Decimal("100.00"), signing_unit=unit)
    big = agreement_with_party(enterprise_a, amount=Decimal("900000000.00"))
    AgreementFactory(kind="purchase", amount=None)
    client = api_for(official)

    def ids(query):
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("amount_min=1000&kind=project") == {big.pk}
    assert ids("amount_max=100") == {small.pk}
    assert ids(f"signing_unit={unit.pk}") == {small.pk}
    assert ids(f"party={enterprise_a.pk}") == {big.pk}
    assert ids("year=2023&kind=purchase&status=signed") == {
        Agreement.objects.get(kind="purchase").pk
    }
    assert ids(f"search={big.title}") == {big.pk}
    assert client.get(f"{LIST}?amount_min=abc").status_code == 400


def test_statistics_api_is_exact_decimal_strings(api_for, official):
    AgreementFactory(amount=Decimal("0.10"))
    AgreementFactory(amount=Decimal("0.20"))

    body = api_for(official).get(f"{LIST}statistics/?kind=project").json()

    assert body["count"] == 2
    assert body["amount"] == "0.30"


def test_statistics_api_gives_signed_and_landed_by_signing_year(api_for, official):
    AgreementFactory(amount=Decimal("100.00"), signed_on=date(2023, 5, 1))
    AgreementFactory(
        amount=Decimal("40.00"), signed_on=date(2023, 6, 1), status=Agreement.Status.COMPLETED
    )
    AgreementFactory(amount=Decimal("70.00"), signed_on=date(2024, 6, 1))

    body = api_for(official).get(f"{LIST}statistics/").json()

    assert [(r["label"], r["amount"]) for r in body["by_year"]] == [
        ("2023", "140.00"),
        ("2024", "70.00"),
    ]
    assert [(r["label"], r["count"], r["amount"]) for r in body["landed_by_year"]] == [
        ("2023", 1, "40.00")
    ]


def report_payload(agreement):
    return {
        "agreement": agreement.pk,
        "period_start": "2024-01-01",
        "period_end": "2024-06-30",
        "funds_in_place": "5000000.00",
        "percent_complete": 30,
        "milestone": "开工",
    }


def test_progress_api_member_submits_for_own_agreement(api_for, member_a, enterprise_a):
    agreement = agreement_with_party(enterprise_a)

    response = api_for(member_a).post(
        "/api/v1/progress-reports/", report_payload(agreement), format="json"
    )

    assert response.status_code == 201, response.json()
    report = ProgressReport.objects.get()
    assert (report.submitted_by, report.status) == (member_a, "submitted")


def test_progress_api_member_cannot_submit_for_others(api_for, member_a, enterprise_b):
    other = agreement_with_party(enterprise_b)

    response = api_for(member_a).post(
        "/api/v1/progress-reports/", report_payload(other), format="json"
    )

    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("body", [{}, {"percent_complete": 120, "period_start": "x"}])
def test_progress_api_member_is_refused_before_its_body_is_read(
    body, api_for, member_a, enterprise_a, enterprise_b
):
    own = agreement_with_party(enterprise_a)
    other = agreement_with_party(enterprise_b)
    client = api_for(member_a)

    hidden = client.post("/api/v1/progress-reports/", {**body, "agreement": other.pk})
    huge = client.post("/api/v1/progress-reports/", {**body, "agreement": "9" * 20})
    invalid_own = client.post("/api/v1/progress-reports/", {**body, "agreement": own.pk})

    assert hidden.status_code == 404 and "errors" not in hidden.json()
    assert huge.status_code == 400 and "agreement" in huge.json()["errors"]
    assert invalid_own.status_code == 400  # its own agreement: the fields are its to fix
    assert not ProgressReport.objects.exists()


def test_progress_api_official_cannot_submit(api_for, official, enterprise_a):
    agreement = agreement_with_party(enterprise_a)

    response = api_for(official).post(
        "/api/v1/progress-reports/", report_payload(agreement), format="json"
    )

    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_progress_api_bad_percent_is_400_and_writes_nothing(api_for, member_a, enterprise_a):
    agreement = agreement_with_party(enterprise_a)
    payload = {**report_payload(agreement), "percent_complete": 120}

    response = api_for(member_a).post("/api/v1/progress-reports/", payload, format="json")

    assert response.status_code == 400
    assert "percent_complete" in response.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_progress_api_secretariat_approves_and_returns(api_for, secretariat, member_a):
    approve = ProgressReportFactory(funds_in_place=Decimal("7.00"), percent_complete=40)
    send_back = ProgressReportFactory()
    client = api_for(secretariat)

    ok = client.post(f"/api/v1/progress-reports/{approve.pk}/approve/", {}, format="json")
    no_comment = client.post(f"/api/v1/progress-reports/{send_back.pk}/return/", {})
    returned = client.post(
        f"/api/v1/progress-reports/{send_back.pk}/return/", {"comment": "请补充"}, format="json"
    )
    by_member = api_for(member_a).post(f"/api/v1/progress-reports/{send_back.pk}/approve/")

    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    approve.agreement.refresh_from_db()
    assert approve.agreement.funds_in_place == Decimal("7.00")
    assert no_comment.status_code == 400
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert by_member.status_code == 403


def test_progress_api_member_lists_only_own_reports(api_for, member_a, enterprise_a):
    own = ProgressReportFactory(agreement=agreement_with_party(enterprise_a))
    ProgressReportFactory()

    rows = api_for(member_a).get("/api/v1/progress-reports/").json()["results"]

    assert [row["id"] for row in rows] == [own.pk]


def test_agreement_party_roles_are_unique(api_for, secretariat, payload):
    payload["parties"][1]["role"] = "a"

    response = api_for(secretariat).post(LIST, payload, format="json")

    assert response.status_code == 400
    assert not AgreementParty.objects.exists()


def test_agreement_status_changes_api_names_the_actor_or_no_one(api_for, secretariat, official):
    agreement = AgreementFactory(status="signed")
    services.change_agreement_status(agreement, to="under_construction", actor=None)
    services.change_agreement_status(agreement, to="stalled", actor=secretariat, reason="缺资金")

    changes = api_for(official).get(f"{detail(agreement)}status-changes/").json()
    history = api_for(official).get(f"{detail(agreement)}history/").json()

    names = {c["to_status"]: c["actor_name"] for c in changes}
    assert names == {"under_construction": "", "stalled": str(secretariat)}
    assert {e["actor_name"] for e in history["results"]} >= {"", str(secretariat)}
    assert not any("method-wrapper" in e["actor_name"] for e in history["results"])


def test_progress_api_each_member_names_only_its_own_agreements_in_turn(
    api_for, member_a, member_b, enterprise_a, enterprise_b
):
    """The serializer's fields are built once per class and copied for each request: the
    agreements one member may name must not carry over to the next member's request."""
    own_a, own_b = agreement_with_party(enterprise_a), agreement_with_party(enterprise_b)

    first = api_for(member_a).post("/api/v1/progress-reports/", report_payload(own_a))
    crossing = api_for(member_b).post("/api/v1/progress-reports/", report_payload(own_a))
    second = api_for(member_b).post("/api/v1/progress-reports/", report_payload(own_b))
    crossing_back = api_for(member_a).post("/api/v1/progress-reports/", report_payload(own_b))

    assert (first.status_code, second.status_code) == (201, 201)
    assert (crossing.status_code, crossing_back.status_code) == (404, 404)
    assert sorted(ProgressReport.objects.values_list("agreement", "submitted_by")) == sorted(
        [(own_a.pk, member_a.pk), (own_b.pk, member_b.pk)]
    )
