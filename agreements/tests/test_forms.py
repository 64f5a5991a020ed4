"""The agreement page's forms: status change, progress report, review. Thin: the happy path,
a refusal, the service's message shown, and what changed (or did not)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import (
    Agreement,
    ProgressReport,
    ProgressReportAttachment,
    StatusChange,
)
from agreements.tests.factories import ProgressReportFactory, agreement_with_party
from liaison import audit
from liaison.models import AuditEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agreement(enterprise_a):
    return agreement_with_party(enterprise_a, title="甲企业的项目")


@pytest.fixture
def agreement_b(enterprise_b):
    return agreement_with_party(enterprise_b, title="乙企业的项目")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def service_message(call) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.messages[0]


# --- Status change -------------------------------------------------------------------------


def test_status_form_offers_only_allowed_statuses(agreement, secretariat, client_for):
    context = client_for(secretariat).get(f"/agreements/{agreement.pk}/").context
    form = context["status_form"]

    offered = {value for value, _label in form.fields["to"].choices}
    # Suspending and terminating have their own forms, with a required reason.
    assert offered == set(services.ALLOWED_TRANSITIONS[Agreement.Status.SIGNED]) - {
        Agreement.Status.STALLED,
        Agreement.Status.TERMINATED,
    }
    assert {step.name for step, _form in context["step_forms"]} == {
        "register",
        "suspend",
        "terminate",
    }


def test_status_form_allowed_transition_is_recorded(agreement, secretariat, client_for):
    client = client_for(secretariat)

    response = client.post(
        f"/agreements/{agreement.pk}/status/",
        {"to": "under_construction", "on": "2024-03-01", "reason": ""},
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.UNDER_CONSTRUCTION
    change = StatusChange.objects.get(agreement=agreement)
    assert (change.from_status, change.to_status) == ("signed", "under_construction")
    assert change.changed_on == date(2024, 3, 1) and change.actor == secretariat
    entry = audit.history(agreement).first()
    assert entry.actor == secretariat
    assert any(c["field"] == "status" for c in entry.changes)
    page = client.get(response["Location"])
    assert messages_of(page)  # the success message
    assert "2024-03-01" in text(page)


def test_status_form_disallowed_transition_shows_the_service_message(
    agreement, secretariat, client_for
):
    expected = service_message(
        lambda: services.check_status_transition("signed", Agreement.Status.COMPLETED)
    )

    response = client_for(secretariat).post(
        f"/agreements/{agreement.pk}/status/", {"to": "completed", "on": "2024-03-01"}
    )

    assert response.status_code == 400
    assert expected in text(response)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert not StatusChange.objects.exists()


def test_status_form_stalling_needs_a_reason(agreement, secretariat, client_for, api_for):
    url = f"/agreements/{agreement.pk}/status/"

    page = client_for(secretariat).post(url, {"to": "stalled", "on": "2024-03-01"})
    api = api_for(secretariat).post(
        f"/api/v1/agreements/{agreement.pk}/status/", {"to": "stalled", "on": "2024-03-01"}
    )

    assert page.status_code == 400
    assert api.json()["errors"]["reason"][0] in page.context["status_form"].errors["reason"]
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("who", ["member_a", "official"])
def test_status_form_refused_to_others(who, persona, agreement, client_for):
    response = client_for(persona[who]).post(
        f"/agreements/{agreement.pk}/status/", {"to": "under_construction", "on": "2024-03-01"}
    )

    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert not StatusChange.objects.exists()


# --- Progress reports ----------------------------------------------------------------------


def report_data(**extra) -> dict:
    return {
        "period_start": "2024-01-01",
        "period_end": "2024-06-30",
        "funds_in_place_wan": "12345.67",
        "percent_complete": "40",
        "milestone": "厂房封顶",
        "narrative": "主体工程完成。",
        **extra,
    }


def test_progress_form_member_submits_for_own_agreement(
    agreement, member_a, member_b, secretariat, client_for
):
    client = client_for(member_a)
    attachments = [
        SimpleUploadedFile("银行回单.pdf", PDF),
        SimpleUploadedFile("site.jpg", JPEG),
    ]

    response = client.post(
        f"/agreements/{agreement.pk}/progress/", report_data(attachments=attachments)
    )

    assert response.status_code == 302
    report = ProgressReport.objects.get(agreement=agreement)
    assert report.funds_in_place == Decimal("123456700.00")  # 12345.67 万元 in yuan
    assert report.percent_complete == 40 and report.submitted_by == member_a
    assert report.status == ProgressReport.Status.SUBMITTED
    files = list(report.attachments.order_by("id"))
    assert [f.original_name for f in files] == ["银行回单.pdf", "site.jpg"]
    assert [f.content_type for f in files] == ["application/pdf", "image/jpeg"]
    assert messages_of(client.get(response["Location"]))
    for user, status in ((member_a, 200), (secretariat, 200), (member_b, 404)):
        download = client_for(user).get(f"/agreements/attachments/{files[0].pk}/")
        assert download.status_code == status
        if status == 200:
            assert b"".join(download.streaming_content) == PDF
            assert download["X-Content-Type-Options"] == "nosniff"


def test_progress_form_refused_for_another_members_agreement(agreement_b, member_a, client_for):
    response = client_for(member_a).post(
        f"/agreements/{agreement_b.pk}/progress/",
        report_data(attachments=[SimpleUploadedFile("a.pdf", PDF)]),
    )

    assert response.status_code == 404
    assert not ProgressReport.objects.exists()
    assert not ProgressReportAttachment.objects.exists()


def test_progress_form_bad_attachment_writes_nothing(agreement, member_a, client_for, media_root):
    response = client_for(member_a).post(
        f"/agreements/{agreement.pk}/progress/",
        report_data(attachments=[SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + bytes(16))]),
    )

    assert response.status_code == 400
    assert "virus.pdf" in " ".join(response.context["progress_form"].errors["attachments"])
    assert not ProgressReport.objects.exists()
    assert not any(p.is_file() for p in (media_root / "private").rglob("*"))


def test_progress_form_shows_the_model_error(agreement, member_a, client_for):
    response = client_for(member_a).post(
        f"/agreements/{agreement.pk}/progress/", report_data(period_end="2023-12-31")
    )

    assert response.status_code == 400
    assert response.context["progress_form"].non_field_errors()
    assert not ProgressReport.objects.exists()


def test_review_form_approval_updates_the_agreement(agreement, secretariat, client_for):
    report = ProgressReportFactory(
        agreement=agreement, funds_in_place=Decimal("50000000.00"), percent_complete=30
    )

    response = client_for(secretariat).post(
        f"/agreements/reports/{report.pk}/review/", {"decision": "approve", "comment": "属实"}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    agreement.refresh_from_db()
    assert report.status == ProgressReport.Status.APPROVED and report.reviewer_comment == "属实"
    assert agreement.funds_in_place == Decimal("50000000.00")
    assert agreement.percent_complete == 30


def test_review_form_return_needs_a_comment(agreement, secretariat, client_for):
    report = ProgressReportFactory(agreement=agreement)
    url = f"/agreements/reports/{report.pk}/review/"
    client = client_for(secretariat)

    refused = client.post(url, {"decision": "return", "comment": ""})
    report.refresh_from_db()
    assert refused.status_code == 400
    assert report.status == ProgressReport.Status.SUBMITTED
    [shown] = [r for r in refused.context["reports"] if r.pk == report.pk]
    assert shown.review_form.errors["comment"]

    returned = client.post(url, {"decision": "return", "comment": "请补充银行回单"})
    report.refresh_from_db()
    assert returned.status_code == 302
    assert report.status == ProgressReport.Status.RETURNED


def test_officials_cannot_post_any_form(agreement, official, client_for):
    report = ProgressReportFactory(agreement=agreement)
    client = client_for(official)
    before = AuditEntry.objects.count()

    for url, data in (
        (f"/agreements/{agreement.pk}/status/", {"to": "under_construction"}),
        (f"/agreements/{agreement.pk}/progress/", report_data()),
        (f"/agreements/reports/{report.pk}/review/", {"decision": "approve"}),
        (
            f"/agreements/{agreement.pk}/document/upload/",
            {"file": SimpleUploadedFile("a.pdf", PDF)},
        ),
    ):
        assert client.post(url, data).status_code == 403, url

    assert ProgressReport.objects.get() == report and report.status == "submitted"
    assert AuditEntry.objects.count() == before
    page = client.get(f"/agreements/{agreement.pk}/").context
    assert not {"status_form", "progress_form", "document_form"} & set(page.keys())


def test_member_cannot_review(agreement, member_a, client_for):
    report = ProgressReportFactory(agreement=agreement)

    response = client_for(member_a).post(
        f"/agreements/reports/{report.pk}/review/", {"decision": "approve"}
    )

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


def test_member_page_offers_the_progress_form_only(agreement, member_a, client_for):
    context = set(client_for(member_a).get(f"/agreements/{agreement.pk}/").context.keys())

    assert "progress_form" in context
    assert "status_form" not in context and "document_form" not in context
