"""The agreement services: lifecycle, history, parties, progress reports."""

from datetime import date
from decimal import Decimal
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import lifecycles, services
from agreements.models import Agreement, AgreementParty, ProgressReport, StatusChange
from agreements.services import ALLOWED_TRANSITIONS
from agreements.tests.factories import AgreementFactory, ProgressReportFactory, agreement_with_party
from liaison import audit
from liaison.models import AuditEntry
from liaison.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

S = Agreement.Status
# A project agreement in any status of its lifecycle, towards any status at all.
ALL_PAIRS = [
    (old, new)
    for old, new in product(lifecycles.statuses_of(Agreement.Lifecycle.PROJECT), S.values)
]
ALLOWED = [(old, new) for old, new in ALL_PAIRS if new in ALLOWED_TRANSITIONS[old]]
REFUSED = [(old, new) for old, new in ALL_PAIRS if new not in ALLOWED_TRANSITIONS[old]]


def agreement_in(status: str) -> Agreement:
    reason = "原因" if status in Agreement.STATUSES_NEEDING_REASON else ""
    return AgreementFactory(
        status=status, status_reason=reason, project_company="项目公司", project_site="园区"
    )


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_change_status_allowed_transition_is_recorded(old, new, secretariat):
    agreement = agreement_in(old)

    services.change_agreement_status(
        agreement, to=new, actor=secretariat, on=date(2024, 5, 1), reason="资金未到位"
    )

    agreement.refresh_from_db()
    assert agreement.status == new
    change = StatusChange.objects.get(agreement=agreement)
    assert (change.from_status, change.to_status, change.changed_on) == (
        old,
        new,
        date(2024, 5, 1),
    )
    assert change.actor == secretariat
    entry = audit.history(agreement).first()
    assert entry.actor == secretariat
    assert any(
        c["field"] == "status" and (c["old_value"], c["new_value"]) == (old, new)
        for c in entry.changes
    )


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_change_status_refused_transition_changes_nothing(old, new, secretariat):
    agreement = agreement_in(old)

    with pytest.raises(ValidationError) as error:
        services.change_agreement_status(agreement, to=new, actor=secretariat, reason="原因")

    assert "status" in error.value.message_dict
    agreement.refresh_from_db()
    assert agreement.status == old
    assert not StatusChange.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("to", [S.STALLED, S.TERMINATED])
def test_change_status_stalled_or_terminated_without_reason_is_refused(to, secretariat):
    agreement = AgreementFactory()

    with pytest.raises(ValidationError) as error:
        services.change_agreement_status(agreement, to=to, actor=secretariat, reason="  ")

    assert "reason" in error.value.message_dict
    agreement.refresh_from_db()
    assert agreement.status == S.SIGNED


def test_change_status_keeps_reason_until_resumed(secretariat):
    agreement = AgreementFactory()
    services.change_agreement_status(agreement, to=S.STALLED, actor=secretariat, reason="缺资金")
    agreement.refresh_from_db()
    assert agreement.status_reason == "缺资金"

    services.change_agreement_status(agreement, to=S.UNDER_CONSTRUCTION, actor=secretariat)

    agreement.refresh_from_db()
    assert agreement.status_reason == ""
    assert list(agreement.status_changes.values_list("to_status", flat=True)) == [
        S.STALLED,
        S.UNDER_CONSTRUCTION,
    ]


@pytest.mark.parametrize("on", [date(2023, 1, 1), date(2999, 1, 1)])
def test_change_status_date_before_signing_or_in_future_is_refused(on, secretariat):
    agreement = AgreementFactory(signed_on=date(2023, 12, 20))

    with pytest.raises(ValidationError):
        services.change_agreement_status(
            agreement, to=S.UNDER_CONSTRUCTION, actor=secretariat, on=on
        )

    assert not StatusChange.objects.exists()


def test_save_agreement_amount_change_records_old_new_and_user(secretariat):
    agreement = AgreementFactory(amount=Decimal("787500000.00"))

    agreement.amount = Decimal("800000000")
    services.save_agreement(agreement, actor=secretariat)

    entry = audit.history(agreement).get()
    assert entry.actor == secretariat
    assert entry.action == AuditEntry.Action.UPDATE
    [change] = entry.changes
    assert change["field"] == "amount"
    assert change["old_value"] == "787500000.00"
    assert change["new_value"] == "800000000.00"


def test_save_agreement_refuses_status_and_figures_edits(secretariat):
    agreement = AgreementFactory()
    agreement.status = S.COMPLETED
    with pytest.raises(ValidationError):
        services.save_agreement(agreement, actor=secretariat)

    agreement = AgreementFactory()
    agreement.funds_in_place = Decimal("5")
    with pytest.raises(ValidationError):
        services.save_agreement(agreement, actor=secretariat)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("amount", Decimal("-3")), ("percent_complete", 101)])
def test_save_agreement_invalid_value_changes_nothing(field, value, secretariat):
    agreement = AgreementFactory()
    setattr(agreement, field, value)

    with pytest.raises(ValidationError):
        services.save_agreement(agreement, actor=secretariat)

    assert not AuditEntry.objects.exists()


def test_set_parties_records_old_and_new_parties_on_the_agreement(secretariat):
    agreement = AgreementFactory()
    a, b, c = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    services.set_agreement_parties(
        agreement,
        [{"organisation": a, "role": "a"}, {"organisation": b, "role": "b"}],
        actor=secretariat,
    )

    services.set_agreement_parties(
        agreement,
        [{"organisation": a, "role": "a"}, {"organisation": c, "role": "b"}],
        actor=secretariat,
    )

    assert set(agreement.parties.values_list("organisation", flat=True)) == {a.pk, c.pk}
    latest = audit.history(agreement).first()
    [change] = latest.changes
    assert change["field"] == "parties"
    assert b.name in change["old"] and c.name in change["new"]
    assert latest.actor == secretariat


def test_set_parties_unchanged_writes_nothing(secretariat):
    agreement = AgreementFactory()
    a = OrganisationFactory()
    parties = [{"organisation": a, "role": "a", "signatory_name": "张三"}]
    services.set_agreement_parties(agreement, parties, actor=secretariat)
    entries = AuditEntry.objects.count()

    assert services.set_agreement_parties(agreement, parties, actor=secretariat) is None

    assert AuditEntry.objects.count() == entries


def test_set_parties_duplicate_organisation_is_refused(secretariat):
    agreement = AgreementFactory()
    a = OrganisationFactory()

    with pytest.raises(ValidationError):
        services.set_agreement_parties(
            agreement,
            [{"organisation": a, "role": "a"}, {"organisation": a, "role": "b"}],
            actor=secretariat,
        )

    assert not AgreementParty.objects.exists()


def test_submit_progress_by_party_member_is_submitted(member_a, enterprise_a):
    agreement = agreement_with_party(enterprise_a)

    report = services.submit_progress_report(
        agreement,
        actor=member_a,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30),
        funds_in_place=Decimal("1000000"),
        percent_complete=10,
        milestone="开工",
    )

    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.submitted_by == member_a


@pytest.mark.parametrize("who", ["member_b", "official"])
def test_submit_progress_for_someone_elses_agreement_is_refused(who, persona, enterprise_a):
    agreement = agreement_with_party(enterprise_a)

    with pytest.raises(PermissionDenied):
        services.submit_progress_report(
            agreement,
            actor=persona[who],
            period_start=date(2024, 1, 1),
            period_end=date(2024, 6, 30),
            funds_in_place=Decimal("1"),
            percent_complete=1,
        )

    assert not ProgressReport.objects.exists()


def test_approve_progress_updates_agreement_from_latest_approved_report(secretariat):
    agreement = AgreementFactory()
    later = ProgressReportFactory(
        agreement=agreement,
        period_start=date(2024, 7, 1),
        period_end=date(2024, 12, 31),
        funds_in_place=Decimal("30000000.00"),
        percent_complete=60,
    )
    earlier = ProgressReportFactory(agreement=agreement, funds_in_place=Decimal("10000000.00"))

    services.approve_progress_report(later, actor=secretariat)
    services.approve_progress_report(earlier, actor=secretariat)  # older: figures stay

    agreement.refresh_from_db()
    assert agreement.funds_in_place == Decimal("30000000.00")
    assert agreement.percent_complete == 60
    later.refresh_from_db()
    assert later.status == ProgressReport.Status.APPROVED
    assert later.reviewed_by == secretariat
    change = audit.history(agreement).first().changes
    assert {c["field"] for c in change} == {"funds_in_place", "percent_complete"}


def test_return_progress_needs_comment_and_leaves_figures(secretariat):
    report = ProgressReportFactory()

    with pytest.raises(ValidationError):
        services.return_progress_report(report, actor=secretariat, comment="")
    services.return_progress_report(report, actor=secretariat, comment="数字有误")

    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED
    assert report.reviewer_comment == "数字有误"
    report.agreement.refresh_from_db()
    assert report.agreement.funds_in_place == 0
    with pytest.raises(ValidationError):
        services.approve_progress_report(report, actor=secretariat)


def test_review_by_member_is_refused(member_a):
    report = ProgressReportFactory()

    with pytest.raises(PermissionDenied):
        services.approve_progress_report(report, actor=member_a)

    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
