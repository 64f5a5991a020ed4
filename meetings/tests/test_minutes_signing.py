"""Published minutes PDFs are digitally signed (PAdES) when a signing certificate is configured.

The certificate is a self-signed one made here with ``cryptography``; the signatures are checked
with pyHanko's validator, trusting that certificate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from liaison.pdf import render_pdf, sign_pdf, signing_configured
from meetings import minutes as workflow
from meetings.minutes.document import AgendaSummary, DecisionLine, MinutesDocument
from meetings.minutes.pdf import render_minutes_pdf
from meetings.models import MinutesVersion
from meetings.tests.minutes_setup import PDF, decision, published

PASSWORD = "测试-secret"
REASON = "会议纪要正式发布"


@pytest.fixture(scope="module")
def certificate():
    """A self-signed signing certificate and its key (RSA 2048, SHA-256)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "湘吐合作联席会议秘书处"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Liaison Test Signer"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


@pytest.fixture
def signing(settings, tmp_path, certificate):
    """PDF_SIGNING_PKCS12 and PDF_SIGNING_PASSWORD point at a PKCS#12 file of the test cert."""
    key, cert = certificate
    p12 = pkcs12.serialize_key_and_certificates(
        b"liaison",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    path = tmp_path / "signer.p12"
    path.write_bytes(p12)
    settings.PDF_SIGNING_PKCS12 = str(path)
    settings.PDF_SIGNING_PASSWORD = PASSWORD
    return cert


@pytest.fixture
def unsigned(settings):
    settings.PDF_SIGNING_PKCS12 = ""
    settings.PDF_SIGNING_PASSWORD = ""


def validation_context(cert) -> ValidationContext:
    trusted = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    return ValidationContext(trust_roots=[trusted], allow_fetching=False)


def signatures(pdf: bytes):
    return PdfFileReader(BytesIO(pdf)).embedded_signatures


def validate(pdf: bytes, cert):
    (signature,) = signatures(pdf)
    return signature, validate_pdf_signature(signature, validation_context(cert))


def small_document(*, is_draft: bool = False) -> MinutesDocument:
    start = datetime(2025, 3, 5, 1, 30, tzinfo=UTC)
    return MinutesDocument(
        issuing_body="湖南省工商联 吐鲁番市人民政府",
        document_number="〔2025〕1号",
        title="湘吐合作2025年联席会议纪要",
        meeting_title="湘吐合作2025年联席会议",
        start=start,
        end=start + timedelta(hours=2),
        place="吐鲁番市人民政府第一会议室",
        chairs=["刘事青", "张健"],
        recorder="李喆",
        present=["刘事青（湖南省工商联党组书记）", "张健（吐鲁番市人民政府副市长）"],
        excused=[],
        observers=[],
        opening="会议议定事项纪要如下：",
        agenda=[AgendaSummary(title="合作情况汇报", summary="会议听取了双方秘书处的汇报。")],
        decisions=[DecisionLine(1, "建立季度会商制度。", ["湖南省工商联"], None)],
        agreements=[],
        version=1,
        is_draft=is_draft,
        published_on=start.date(),
        author="湖南省工商联 吐鲁番市人民政府",
    )


@pytest.fixture(scope="module")
def trivial_pdf() -> bytes:
    return render_pdf("<html lang='zh-CN'><title>纪要</title><p>会议纪要</p></html>")


# --- sign_pdf on its own --------------------------------------------------------------------


@pytest.mark.parametrize("archival", [False, True], ids=["normal", "pdfa-3b"])
def test_signed_minutes_validate_intact_over_the_whole_file(signing, archival):
    original = render_minutes_pdf(small_document(), archival=archival)
    signed = sign_pdf(original, reason=REASON, location="吐鲁番市")

    assert signed.startswith(original)  # an incremental update keeps the original bytes
    signature, status = validate(signed, signing)
    assert signature.field_name == "Signature1"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signature.sig_object["/Reason"] == REASON
    assert signature.sig_object["/Location"] == "吐鲁番市"
    assert status.intact and status.valid and status.trusted
    assert status.md_algorithm == "sha256"
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line


def test_a_changed_byte_breaks_the_signature(signing, trivial_pdf):
    signed = bytearray(sign_pdf(trivial_pdf, reason=REASON, location=""))
    # The binary comment on the second line is covered by the signature but not parsed, so
    # the file still opens and only the digest tells the change.
    assert signed[:9] == b"%PDF-1.7\n" and signed[9:10] == b"%"
    signed[10] ^= 0x01
    _signature, status = validate(bytes(signed), signing)
    assert not status.intact
    assert not status.bottom_line


def test_without_settings_nothing_is_signed(unsigned, trivial_pdf):
    assert not signing_configured()
    assert sign_pdf(trivial_pdf, reason=REASON, location="") is trivial_pdf
    assert signatures(trivial_pdf) == []


def test_a_wrong_password_is_a_configuration_error(signing, settings, trivial_pdf):
    settings.PDF_SIGNING_PASSWORD = "wrong"
    with pytest.raises(ImproperlyConfigured):
        sign_pdf(trivial_pdf, reason=REASON, location="")


# --- Through the minutes workflow -----------------------------------------------------------


def test_published_minutes_are_stored_signed(setting, minutes, secretariat, signing):
    decision(minutes, secretariat, units=[setting.party_b], text="筹建互助联谊会")
    version = published(minutes, setting, secretariat)

    pdf = workflow.minutes_pdf(version)
    archival = workflow.minutes_pdf(version, archival=True)
    version.refresh_from_db()
    for served, field in ((pdf, version.pdf), (archival, version.archival_pdf)):
        with field.open("rb") as handle:
            assert handle.read() == served  # signed once, then served from storage
        signature, status = validate(served, signing)
        assert status.intact and status.valid
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert "〔2024〕1号" in signature.sig_object["/Reason"]
    assert workflow.minutes_pdf(MinutesVersion.objects.get(pk=version.pk)) == pdf


def test_draft_minutes_are_never_signed(minutes, signing):
    version = workflow.current_version(minutes)
    pdf = workflow.minutes_pdf(version)
    assert pdf.startswith(b"%PDF")
    assert signatures(pdf) == []


def test_publishing_without_a_certificate_stores_the_rendered_bytes(
    setting, minutes, secretariat, unsigned, fake_renderer
):
    version = published(minutes, setting, secretariat)
    assert version.status == MinutesVersion.Status.PUBLISHED
    assert workflow.minutes_pdf(version) == PDF
    assert workflow.minutes_pdf(version, archival=True) == PDF
