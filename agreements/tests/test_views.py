"""The pages: ledger, an agreement, statistics; scoped to the user; constant query counts."""

import re
from datetime import date
from decimal import Decimal

import pytest

from agreements import services
from agreements.models import Agreement
from agreements.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ProgressReportFactory,
    SigningUnitFactory,
    agreement_with_party,
)
from liaison.models import User
from liaison.tests.factories import SectorFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_statistics_page_shows_the_article_figures_of_the_signing_event(client_for, demo):
    official = User.objects.get(username="official")  # the demo's own official

    # 2023's projects are the 33 of the signing event; the converted intention's came in 2024.
    page = text(client_for(official).get("/agreements/statistics/?year=2023"))

    assert " 33 " in page and "246.18 亿元" in page
    assert "签约金额（亿元）" in page  # the by-unit column, one unit for all its rows
    for unit, figure in (("高昌区", "78.75"), ("鄯善县", "91.95"), ("托克逊县", "73.38")):
        assert re.search(rf"{unit} \d+ {figure} ", page), unit
    assert re.search(r"市直单位 \d+ 2.10 ", page)
    for sector in ("现代农业", "智能智造", "生物医药", "食品加工", "文旅康养"):
        assert sector in page


def test_ledger_page_totals_in_yi(client_for, official):
    AgreementFactory(amount=Decimal("787500000.00"))
    AgreementFactory(amount=Decimal("919500000.00"))

    response = client_for(official).get("/agreements/")

    assert response.status_code == 200
    assert "17.07 亿元" in text(response)  # 7.875 + 9.195


def test_ledger_page_member_sees_only_own(client_for, member_a, enterprise_a, enterprise_b):
    own = agreement_with_party(enterprise_a, title="甲企业的项目")
    other = agreement_with_party(enterprise_b, title="乙企业的项目")
    client = client_for(member_a)

    page = text(client.get("/agreements/"))

    assert own.title in page and other.title not in page
    assert client.get(f"/agreements/{own.pk}/").status_code == 200
    assert client.get(f"/agreements/{other.pk}/").status_code == 404


def test_agreement_page_history_only_for_secretariat_and_officials(
    client_for, secretariat, official, member_a, enterprise_a
):
    agreement = agreement_with_party(enterprise_a, amount=Decimal("100.00"))
    agreement.amount = Decimal("200.00")
    services.save_agreement(agreement, actor=secretariat)
    services.change_agreement_status(
        agreement, to="under_construction", actor=secretariat, on=date(2024, 3, 1)
    )
    url = f"/agreements/{agreement.pk}/"

    for user in (secretariat, official):
        response = client_for(user).get(url)
        assert response.context["history"] is not None
        assert "200.00" in text(response)
    member_page = client_for(member_a).get(url)
    assert member_page.context["history"] is None
    assert "2024-03-01" in text(member_page)  # the status timeline is for everyone


def test_pages_refuse_anonymous(client):
    agreement = AgreementFactory()
    for url in ("/agreements/", "/agreements/statistics/", f"/agreements/{agreement.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_ledger_page_bad_filter_shows_error_not_rows(client_for, official):
    AgreementFactory()

    response = client_for(official).get("/agreements/?amount_min=abc")

    assert response.status_code == 200
    assert response.context["totals"]["count"] == 0
    assert response.context["filter"].form.errors


# --- Query counts: pinned, the same for 12 agreements as for 2 ------------------------------


def make_agreement(organisation):
    agreement = AgreementFactory(
        signing_unit=SigningUnitFactory(), sector=SectorFactory(), amount=Decimal("1.00")
    )
    AgreementPartyFactory(agreement=agreement, organisation=organisation, role="a")
    AgreementPartyFactory(agreement=agreement, role="b")
    return agreement


# (url, persona): the queries of the list, whatever its length.
AGREEMENT_LIST_QUERIES = {
    ("/agreements/", "official"): 9,
    ("/agreements/", "member_a"): 10,
    ("/api/v1/agreements/", "official"): 6,
    ("/api/v1/agreements/", "member_a"): 6,
    ("/agreements/statistics/", "official"): 15,  # 8 statistics, 4 by kind
    ("/agreements/statistics/", "member_a"): 16,
    ("/api/v1/progress-reports/", "official"): 4,
    ("/api/v1/progress-reports/", "member_a"): 4,
    ("/api/v1/signing-units/", "official"): 4,
    ("/api/v1/signing-units/", "member_a"): 4,
}


@pytest.mark.parametrize("url", ["/agreements/", "/api/v1/agreements/", "/agreements/statistics/"])
@pytest.mark.parametrize("who", ["official", "member_a"])
def test_agreement_lists_query_count_is_constant(
    url, who, persona, enterprise_a, client_for, pinned_queries
):
    pinned_queries(
        client_for(persona[who]),
        url,
        lambda: make_agreement(enterprise_a),
        queries=AGREEMENT_LIST_QUERIES[url, who],
    )

    assert Agreement.objects.count() == 12


@pytest.mark.parametrize("url", ["/api/v1/progress-reports/", "/api/v1/signing-units/"])
@pytest.mark.parametrize("who", ["official", "member_a"])
def test_progress_report_and_signing_unit_lists_query_count_is_constant(
    url, who, persona, enterprise_a, client_for, pinned_queries
):
    client = client_for(persona[who])

    pinned_queries(
        client,
        url,
        lambda: ProgressReportFactory(agreement=make_agreement(enterprise_a)),
        queries=AGREEMENT_LIST_QUERIES[url, who],
    )

    reports = client.get("/api/v1/progress-reports/").json()
    assert reports["count"] == 12
