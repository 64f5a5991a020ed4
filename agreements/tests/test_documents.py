"""The signed document scan: checked by content and size, stored privately under a random name,
downloadable only by those who may read the agreement."""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import AgreementDocument, ProgressReport, ProgressReportAttachment
from agreements.tests.factories import agreement_with_party
from liaison import audit, uploads

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agreement(enterprise_a):
    return agreement_with_party(enterprise_a, title="甲企业的项目")


def stored_files(media_root) -> list:
    """The files under the private root (none when nothing was ever stored)."""
    return sorted(p for p in (media_root / "private").rglob("*") if p.is_file())


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def page_upload(client, agreement, name: str, content: bytes):
    return client.post(
        f"/agreements/{agreement.pk}/document/upload/", {"file": upload(name, content)}
    )


def refusal(name: str, content: bytes) -> str:
    """The translated message the domain check gives for this file."""
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload(name, content))
    return error.value.message_dict["file"][0]


def download(client, url: str):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("签约文本.pdf", PDF, "application/pdf"), ("scan.PNG", PNG, "image/png")],
)
def test_document_upload_is_private_and_downloadable_by_readers(
    name,
    content,
    content_type,
    agreement,
    secretariat,
    official,
    member_a,
    client_for,
    media_root,
):
    response = page_upload(client_for(secretariat), agreement, name, content)

    assert response.status_code == 302
    assert response["Location"] == f"/agreements/{agreement.pk}/"
    document = AgreementDocument.objects.get(agreement=agreement)
    assert document.original_name == name
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.uploaded_by == secretariat
    [path] = stored_files(media_root)
    assert path.parent == media_root / "private" / "agreements"
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png)", path.name)  # random, not the uploaded name
    assert path.read_bytes() == content
    entry = audit.history(agreement).first()
    assert entry.actor == secretariat
    assert entry.changes[0]["field"] == "document" and entry.changes[0]["new"] == name

    for user in (secretariat, official, member_a):
        response, body = download(client_for(user), f"/agreements/{agreement.pk}/document/")
        assert response.status_code == 200
        assert body == content
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] in (
            f'attachment; filename="{name}"',
            f"attachment; filename*=utf-8''{quote(name)}",
        )


def test_document_upload_api_and_download(agreement, secretariat, member_a, api_for, media_root):
    response = api_for(secretariat).post(
        f"/api/v1/agreements/{agreement.pk}/document/",
        {"file": upload("scan.jpg", JPEG)},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "scan.jpg"
    assert response.json()["content_type"] == "image/jpeg"
    assert len(stored_files(media_root)) == 1
    response, body = download(api_for(member_a), f"/api/v1/agreements/{agreement.pk}/document/")
    assert response.status_code == 200 and body == JPEG
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", EXE),  # an executable renamed .pdf
        ("notes.txt", b"just some text\n"),
        ("notes.pdf", b"just some text\n"),
        ("scan.png", PDF),  # a PDF named .png
    ],
)
def test_document_upload_refuses_wrong_types(
    name, content, agreement, secretariat, client_for, api_for, media_root
):
    message = refusal(name, content)

    page = page_upload(client_for(secretariat), agreement, name, content)
    api = api_for(secretariat).post(
        f"/api/v1/agreements/{agreement.pk}/document/",
        {"file": upload(name, content)},
        format="multipart",
    )

    assert page.status_code == 400
    assert message in page.content.decode()
    assert api.status_code == 400
    assert api.json()["detail"] == message  # the same translated text
    assert not AgreementDocument.objects.exists()
    assert stored_files(media_root) == []


def test_document_upload_refuses_oversized_file(
    agreement, secretariat, client_for, media_root, monkeypatch
):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1024)
    content = PDF + bytes(2048)
    message = refusal("big.pdf", content)

    response = page_upload(client_for(secretariat), agreement, "big.pdf", content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "1.0" in message  # the limit is named
    assert not AgreementDocument.objects.exists()
    assert stored_files(media_root) == []


def test_document_replacement_keeps_history_and_removes_old_file(
    agreement, secretariat, client_for, media_root, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        page_upload(client, agreement, "first.pdf", PDF)
    [first] = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        page_upload(client, agreement, "second.png", PNG)

    document = AgreementDocument.objects.get(agreement=agreement)
    assert document.original_name == "second.png"
    [second] = stored_files(media_root)
    assert second != first and second.read_bytes() == PNG
    changes = [
        e.changes[0] for e in audit.history(agreement) if e.changes[0]["field"] == "document"
    ]
    assert [(c["old"], c["new"]) for c in changes] == [
        ("first.pdf", "second.png"),
        ("", "first.pdf"),
    ]


def test_document_refused_to_other_members_and_writers_only(
    agreement, secretariat, official, member_a, member_b, client_for, api_for, media_root
):
    page_upload(client_for(secretariat), agreement, "scan.pdf", PDF)

    assert client_for(member_b).get(f"/agreements/{agreement.pk}/document/").status_code == 404
    assert api_for(member_b).get(f"/api/v1/agreements/{agreement.pk}/document/").status_code == 404
    for user in (official, member_a, member_b):
        assert page_upload(client_for(user), agreement, "other.pdf", PDF).status_code == 403
        response = api_for(user).post(
            f"/api/v1/agreements/{agreement.pk}/document/",
            {"file": upload("other.pdf", PDF)},
            format="multipart",
        )
        assert response.status_code == 403
    assert AgreementDocument.objects.get().original_name == "scan.pdf"
    assert len(stored_files(media_root)) == 1


def test_document_anonymous_goes_to_login(agreement, secretariat, client, client_for):
    page_upload(client_for(secretariat), agreement, "scan.pdf", PDF)

    for response in (
        client.get(f"/agreements/{agreement.pk}/document/"),
        client.post(f"/agreements/{agreement.pk}/document/upload/", {}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_document_has_no_public_url(agreement, secretariat, official, client_for):
    page_upload(client_for(secretariat), agreement, "scan.pdf", PDF)
    document = AgreementDocument.objects.get()
    client = client_for(official)

    with pytest.raises(ValueError):
        document.file.url  # noqa: B018
    for prefix in ("/media/", "/media/private/", "/static/", "/static/private/", "/"):
        assert client.get(prefix + document.file.name).status_code == 404


def test_agreement_page_shows_document_and_upload_form_to_the_secretariat_only(
    agreement, secretariat, member_a, client_for
):
    page_upload(client_for(secretariat), agreement, "签约文本.pdf", PDF)

    secretariat_page = client_for(secretariat).get(f"/agreements/{agreement.pk}/")
    member_page = client_for(member_a).get(f"/agreements/{agreement.pk}/")

    assert "签约文本.pdf" in secretariat_page.content.decode()
    assert "document_form" in secretariat_page.context
    assert "签约文本.pdf" in member_page.content.decode()
    assert "document_form" not in member_page.context


def test_progress_report_failing_on_its_second_file_leaves_no_file_behind(
    agreement, member_a, media_root, monkeypatch
):
    real_save = ProgressReportAttachment.save
    calls = []

    def second_fails(self, *args, **kwargs):
        calls.append(self.file.name)  # its file is already written
        if len(calls) == 2:
            raise OSError("database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ProgressReportAttachment, "save", second_fails)

    with pytest.raises(OSError):
        services.submit_progress_report(
            agreement,
            actor=member_a,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 6, 30),
            funds_in_place=Decimal("1000000.00"),
            percent_complete=10,
            attachments=[upload("现场.pdf", PDF), upload("凭证.pdf", PDF)],
        )

    assert len(calls) == 2
    assert stored_files(media_root) == []  # both written files were removed, the first too
    assert not ProgressReport.objects.exists()
