"""Private files in an S3-compatible bucket (moto's server on 127.0.0.1): uploads through the
pages land in the bucket, downloads pass the same permission check as on disk and never show
the bucket's address, and ``move_files_to_storage`` copies the files of a disk into the bucket
and checks each one."""

from __future__ import annotations

import urllib.request
from urllib.parse import quote

import boto3
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import models

from agreements import excel
from agreements.models import AgreementDocument, AgreementImport
from agreements.tests.factories import (
    PDF,
    AgreementDocumentFactory,
    ProgressReportAttachmentFactory,
    SigningUnitFactory,
    agreement_with_party,
)
from agreements.tests.test_excel import xlsx as excel_sheet
from liaison.tests.factories import OrganisationFactory, PartnershipFactory, SectorFactory
from liaison.tests.object_storage import CREDENTIALS, REGION, Bucket
from liaison.uploads import PrivateS3Storage, private_storage
from meetings.tests.factories import AgendaItemFactory, MeetingFactory
from reports.models import GeneratedReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agreement(enterprise_a):
    return agreement_with_party(enterprise_a, title="甲企业的项目")


def on_disk(media_root) -> list:
    return sorted(p for p in (media_root / "private").rglob("*") if p.is_file())


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_upload_through_the_page_lands_in_the_bucket_and_downloads_only_for_readers(
    bucket, agreement, secretariat, member_a, member_b, client_for, media_root
):
    response = client_for(secretariat).post(
        f"/agreements/{agreement.pk}/document/upload/",
        {"file": SimpleUploadedFile("签约文本.pdf", PDF)},
    )

    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    assert bucket.keys() == [document.file.name]
    assert document.file.name.startswith("agreements/")
    assert bucket.read(document.file.name) == PDF
    assert on_disk(media_root) == []

    allowed = client_for(member_a).get(f"/agreements/{agreement.pk}/document/")
    assert allowed.status_code == 200
    assert streamed(allowed) == PDF
    assert allowed["Content-Length"] == str(len(PDF))
    assert allowed["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('签约文本.pdf')}"
    assert client_for(member_b).get(f"/agreements/{agreement.pk}/document/").status_code == 404

    page = client_for(member_a).get(f"/agreements/{agreement.pk}/").content.decode()
    assert "签约文本.pdf" in page
    for trace in (bucket.endpoint, bucket.name, "X-Amz-", "127.0.0.1:"):
        assert trace not in page


def test_objects_are_private_in_the_bucket(bucket, agreement, secretariat, client_for):
    client_for(secretariat).post(
        f"/agreements/{agreement.pk}/document/upload/",
        {"file": SimpleUploadedFile("scan.pdf", PDF)},
    )
    [key] = bucket.keys()

    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner alone
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(f"{bucket.endpoint}/{bucket.name}/{key}", timeout=10)
    assert anonymous.value.code == 403


def test_redirect_downloads_go_to_a_short_lived_signed_url_after_the_check(
    bucket, settings, agreement, member_a, member_b, client_for
):
    settings.PRIVATE_FILE_DOWNLOADS = "redirect"
    settings.PRIVATE_FILE_URL_SECONDS = 30
    document = AgreementDocumentFactory(agreement=agreement, original_name="协议.pdf")

    response = client_for(member_a).get(f"/agreements/{agreement.pk}/document/")

    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(f"{bucket.endpoint}/{bucket.name}/{document.file.name}?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=30" in url
    assert response["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(url, timeout=10) as signed:
        assert signed.read() == PDF
        assert signed.headers["Content-Type"] == "application/pdf"
        assert quote("协议.pdf") in signed.headers["Content-Disposition"]
    refused = client_for(member_b).get(f"/agreements/{agreement.pk}/document/")
    assert refused.status_code == 404 and "Location" not in refused


def test_a_file_missing_from_the_bucket_is_a_404(bucket, agreement, member_a, client_for):
    document = AgreementDocumentFactory(agreement=agreement)
    bucket.client.delete_object(Bucket=bucket.name, Key=document.file.name)

    assert client_for(member_a).get(f"/agreements/{agreement.pk}/document/").status_code == 404


def test_every_file_field_keeps_its_files_in_the_private_storage():
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]

    assert {f"{field.model.__name__}.{field.name}" for field in fields} >= {
        "AgreementDocument.file",
        "ProgressReportAttachment.file",
        "DeliveryReceipt.file",
        "AgreementImport.file",
        "AgendaMaterial.file",
        "MinutesVersion.pdf",
        "MinutesVersion.archival_pdf",
        "GeneratedReport.pdf",
        "GeneratedReport.xlsx",
    }
    for field in fields:
        assert field._storage_callable is private_storage, field


def test_agenda_material_uploaded_on_the_page_is_kept_in_the_bucket(
    bucket, secretariat, member_b, client_for
):
    item = AgendaItemFactory(meeting=MeetingFactory())

    client_for(secretariat).post(
        f"/meetings/agenda/{item.pk}/materials/", {"file": SimpleUploadedFile("材料.pdf", PDF)}
    )

    material = item.materials.get()
    assert bucket.read(material.file.name) == PDF
    response = client_for(member_b).get(f"/meetings/materials/{material.pk}/")
    assert streamed(response) == PDF  # a published meeting: every member sees it


def test_import_sheet_is_kept_in_the_bucket_and_read_back_by_the_worker(
    bucket, secretariat, client_for
):
    PartnershipFactory(name="湘吐合作")
    SigningUnitFactory(name="高昌区", organisation=OrganisationFactory(name="高昌区人民政府"))
    SectorFactory(name="现代农业")
    OrganisationFactory(name="湖南甲农业有限公司")
    sheet = excel_sheet(
        [
            [
                1,
                "冷链物流项目",
                "高昌区",
                "高昌区人民政府",
                "湖南甲农业有限公司",
                1.5,
                "现代农业",
                "2023-12-20",
            ]
        ]
    )
    client = client_for(secretariat)

    started = client.post("/agreements/import/", {"file": SimpleUploadedFile("清单.xlsx", sheet)})

    agreement_import = AgreementImport.objects.get()
    assert started.status_code == 302
    assert bucket.read(agreement_import.file.name) == sheet
    excel.check_import(agreement_import.pk)  # the worker, on another machine
    agreement_import.refresh_from_db()
    assert agreement_import.status == AgreementImport.Status.DONE, agreement_import.step
    assert agreement_import.counts == {"rows": 1, "new": 1, "unchanged": 0, "invalid": 0}


def test_report_files_are_kept_in_the_bucket_and_downloaded_through_the_page(
    bucket, official, member_a, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(official).post("/reports/", {"kind": "follow_up"})
    report = GeneratedReport.objects.get()

    assert response.status_code == 302
    assert report.status == GeneratedReport.Status.DONE
    assert bucket.keys() == sorted([report.pdf.name, report.xlsx.name])
    download = client_for(official).get(f"/reports/{report.pk}/report.xlsx")
    assert streamed(download) == bucket.read(report.xlsx.name)
    assert client_for(member_a).get(f"/reports/{report.pk}/report.xlsx").status_code == 403


def test_health_checks_the_bucket(bucket, client):
    assert client.get("/health/").json()["components"]["storage"] == "up"
    assert bucket.keys() == []  # the probe file is removed again

    bucket.client.delete_bucket(Bucket=bucket.name)

    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["components"]["storage"] == "down"
    assert bucket.name not in response.content.decode()


# --- move_files_to_storage ---------------------------------------------------------------------


@pytest.fixture
def new_bucket(s3_server) -> Bucket:
    """A bucket not yet in use: the files are made on disk first, then the store is set."""
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION, **CREDENTIALS)
    store = Bucket(s3_server, f"moved-{id(client):x}", client)
    client.create_bucket(Bucket=store.name)
    return store


def use(store: Bucket, settings, backend: str = "liaison.uploads.PrivateS3Storage") -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": backend, "OPTIONS": store.options()},
    }


def move(*args) -> tuple[str, str, int]:
    out, err = [], []

    class Sink:
        def __init__(self, lines):
            self.lines = lines

        def write(self, text):
            self.lines.append(text)

        def flush(self):
            pass

    try:
        call_command("move_files_to_storage", *args, stdout=Sink(out), stderr=Sink(err))
        code = 0
    except CommandError as error:
        err.append(str(error))
        code = error.returncode
    return "".join(out), "".join(err), code


@pytest.fixture
def files_on_disk(agreement, media_root):
    document = AgreementDocumentFactory(agreement=agreement)
    attachment = ProgressReportAttachmentFactory(
        report__agreement=agreement, file=ContentFile(PDF * 3, name="照片.pdf"), size=len(PDF) * 3
    )
    assert len(on_disk(media_root)) == 2
    return document, attachment


def test_move_copies_every_file_into_the_bucket_and_checks_it(
    files_on_disk, new_bucket, settings, member_a, client_for, agreement
):
    document, attachment = files_on_disk
    use(new_bucket, settings)

    out, err, code = move()

    assert (code, err) == (0, "")
    assert "2 copied, 0 already in the store, 0 problems." in out
    assert new_bucket.keys() == sorted([document.file.name, attachment.file.name])
    assert new_bucket.read(attachment.file.name) == PDF * 3
    response = client_for(member_a).get(f"/agreements/{agreement.pk}/document/")
    assert streamed(response) == PDF

    again, err, code = move()  # nothing left to do: nothing is copied twice
    assert (code, err) == (0, "")
    assert "0 copied, 2 already in the store, 0 problems." in again


def test_move_dry_run_copies_nothing(files_on_disk, new_bucket, settings):
    use(new_bucket, settings)

    out, err, code = move("--dry-run")

    assert (code, err) == (0, "")
    assert "Dry run: 2 to copy, 0 already in the store, 0 problems." in out
    assert new_bucket.keys() == []


def test_move_replaces_a_different_copy_already_in_the_bucket(files_on_disk, new_bucket, settings):
    document, _attachment = files_on_disk
    new_bucket.write(document.file.name, b"%PDF- half a file")
    use(new_bucket, settings)

    out, _err, code = move()

    assert code == 0 and "2 copied" in out
    assert new_bucket.read(document.file.name) == PDF


def test_move_reports_a_corrupted_file_and_exits_non_zero(
    files_on_disk, new_bucket, settings, media_root
):
    document, attachment = files_on_disk
    (media_root / "private" / attachment.file.name).write_bytes(PDF[:10])  # truncated on disk
    use(new_bucket, settings)

    out, err, code = move()

    assert code == 1
    assert "1 copied, 0 already in the store, 1 problems." in out
    assert f"{attachment.file.name}: 10 bytes on disk, {len(PDF) * 3} recorded at upload" in err
    assert "agreements.ProgressReportAttachment" in err
    assert new_bucket.keys() == [document.file.name]


def test_move_reports_a_missing_file(files_on_disk, new_bucket, settings, media_root):
    document, _attachment = files_on_disk
    (media_root / "private" / document.file.name).unlink()
    use(new_bucket, settings)

    _out, err, code = move()

    assert code == 1
    assert f"{document.file.name}: missing on disk" in err


class AlteringS3Storage(PrivateS3Storage):
    """A store that keeps something other than what it was given."""

    def _save(self, name, content):
        return super()._save(name, ContentFile(b"%PDF-altered"))


def test_move_reports_a_copy_that_arrives_altered(files_on_disk, new_bucket, settings):
    use(new_bucket, settings, backend=f"{__name__}.AlteringS3Storage")

    out, err, code = move()

    assert code == 1
    assert "0 copied, 0 already in the store, 2 problems." in out
    assert err.count("the copy in the store differs (12 bytes") == 2


def test_move_needs_a_store(files_on_disk):
    with pytest.raises(CommandError, match="No object storage is configured"):
        call_command("move_files_to_storage")
