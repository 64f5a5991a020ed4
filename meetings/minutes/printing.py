"""The printable minutes: ``document_for`` builds the document of a version (the input of the
PDF layer), and ``minutes_pdf`` renders it once per version (per content for drafts) into
private storage."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison import uploads
from liaison.pdf import sign_pdf
from meetings.minutes.document import (
    BEIJING,
    AgendaSummary,
    AgreementLine,
    DecisionLine,
    MinutesDocument,
)
from meetings.minutes.word import render_minutes_docx
from meetings.models import (
    MinutesVersion,
)


def document_for(version: MinutesVersion) -> MinutesDocument:
    """The PDF layer's input for one version."""
    minutes = version.minutes
    meeting = minutes.meeting
    partnership = meeting.partnership
    content = version.content or {}
    live = {d.number: d for d in minutes.decisions.all()} if not version.is_public else {}
    return MinutesDocument(
        issuing_body=f"{partnership.party_a.name} {partnership.party_b.name}",
        document_number=minutes.document_number,
        title=f"{meeting.title}纪要",
        meeting_title=meeting.title,
        start=meeting.start,
        end=meeting.end,
        place=" ".join(filter(None, [meeting.city, meeting.venue])),
        chairs=minutes.chair_list,
        recorder=minutes.recorder,
        present=list(content.get("present", [])),
        excused=list(content.get("excused", [])),
        observers=list(content.get("observers", [])),
        opening=content.get("opening", ""),
        agenda=[
            AgendaSummary(title=item.get("title", ""), summary=item.get("summary", ""))
            for item in content.get("agenda", [])
        ],
        decisions=[
            DecisionLine(
                number=d["number"],
                text=d["text"],
                responsible_units=list(d.get("units", [])),
                deadline=date.fromisoformat(d["deadline"]) if d.get("deadline") else None,
                status_label=live[d["number"]].get_status_display() if d["number"] in live else "",
            )
            for d in content.get("decisions", [])
        ],
        agreements=[
            AgreementLine(
                title=a.get("title", ""),
                parties=list(a.get("parties", [])),
                amount_label=a.get("amount_label", ""),
            )
            for a in content.get("agreements", [])
        ],
        version=version.number,
        is_draft=not version.is_public,
        published_on=timezone.localtime(version.published_at, BEIJING).date()
        if version.published_at
        else None,
        author=f"{partnership.party_a.name} {partnership.party_b.name}",
    )


def _renderer():
    """``meetings.minutes.pdf.render_minutes_pdf``, imported when first needed (the PDF layer
    is optional: without it, PDFs are refused with a message)."""
    try:
        module = importlib.import_module("meetings.minutes.pdf")
    except ImportError:
        return None
    return getattr(module, "render_minutes_pdf", None)


def _json_default(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def document_json(document: MinutesDocument) -> str:
    return json.dumps(
        dataclasses.asdict(document), ensure_ascii=False, sort_keys=True, default=_json_default
    )


def _signed(pdf: bytes, document: MinutesDocument) -> bytes:
    """A published version's PDF, digitally signed (PAdES) if a certificate is configured."""
    return sign_pdf(
        pdf,
        reason=f"{document.title} {document.document_number} 第{document.version}版 正式发布",
        location=document.place,
    )


def minutes_pdf(version: MinutesVersion, *, archival: bool = False) -> bytes:
    """The version's PDF, rendered once and then read from private storage. A published
    version's PDF never changes; a draft's is rendered again only when its content changed
    (keyed by the document's hash), and carries the draft watermark. ``archival`` (PDF/A-3b
    with the structured minutes attached as JSON) is for published versions only. Published
    PDFs (both kinds) are signed when a signing certificate is configured; drafts never."""
    render = _renderer()
    if render is None:
        raise ValidationError(_("PDF minutes are not available yet."))
    if archival and not version.is_public:
        raise ValidationError(_("Only published minutes are available for archiving."))
    document = document_for(version)
    data = document_json(document)
    digest = hashlib.sha256(f"{archival}:{data}".encode()).hexdigest()
    field_name = "archival_pdf" if archival else "pdf"
    stored = getattr(version, field_name)
    if stored and (archival or version.pdf_hash == digest):
        with stored.open("rb") as handle:
            return handle.read()
    with transaction.atomic():
        version = MinutesVersion.objects.select_for_update().get(pk=version.pk)
        stored = getattr(version, field_name)
        if stored and (archival or version.pdf_hash == digest):
            with stored.open("rb") as handle:
                return handle.read()
        if archival:
            pdf = render(document, archival=True, attachment_json=data)
        else:
            pdf = render(document, archival=False)
        if not document.is_draft:
            pdf = _signed(pdf, document)
        old_name = stored.name if stored else ""
        getattr(version, field_name).save(f"minutes-{version.pk}.pdf", ContentFile(pdf), save=False)
        fields = [field_name] + ([] if archival else ["pdf_hash"])
        if not archival:
            version.pdf_hash = digest
        version.save(update_fields=fields)
        if old_name:
            transaction.on_commit(lambda: uploads.delete_stored(old_name))
    return pdf


def pdf_filename(version: MinutesVersion, *, archival: bool = False) -> str:
    minutes = version.minutes
    suffix = "" if version.is_public else "（草稿）"
    kind = "-PDFA" if archival else ""
    return f"{minutes.meeting.title}纪要 v{version.number}{suffix}{kind}.pdf"


def minutes_docx(version: MinutesVersion) -> bytes:
    """The version as an editable Word copy, with the same structure as its PDF. Rendered on
    each request (a few tens of milliseconds) and never stored: the PDF is the record."""
    return render_minutes_docx(document_for(version))


def docx_filename(version: MinutesVersion) -> str:
    suffix = "" if version.is_public else "（草稿）"
    return f"{version.minutes.meeting.title}纪要 v{version.number}{suffix}.docx"
