"""The minutes workflow (会议纪要) and the decisions (议定事项) it records.

draft_minutes → update_draft → circulate_minutes (mail to both parties' liaison persons) →
comment_on_minutes → approve_minutes (the designated approver of each party; both needed) →
publish_minutes. A published version never changes: ``correct_minutes`` starts a new version
with a reason, and publishing that one supersedes the old one (which stays readable).

Decisions are rows of the minutes, numbered, created while a version is being drafted; their
status and follow-ups change later, audited. ``remind_decision_deadlines`` mails the
responsible units before a deadline; ``add_follow_up_item`` puts the open decisions on the next
meeting's agenda. ``document_for`` builds the PDF layer's input and ``minutes_pdf`` renders it
once per version (per content for drafts) into private storage.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import importlib
import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liaison import audit, permissions, uploads
from liaison.models import AuditEntry, Organisation
from liaison.money import money_column
from liaison.services import save_object
from meetings import minutes_mail
from meetings.attendance import expected_attendees
from meetings.minutes_document import (
    AgendaSummary,
    AgreementLine,
    DecisionLine,
    MinutesDocument,
)
from meetings.models import (
    AgendaItem,
    Approval,
    Attendee,
    Comment,
    Decision,
    FollowUp,
    Meeting,
    Minutes,
    MinutesVersion,
)

VStatus = MinutesVersion.Status
DStatus = Decision.Status
FOLLOW_UP_TITLE = "上次会议议定事项落实情况"
LIST_FIELDS = ("present", "excused", "observers")

# Which decision status may follow which.
DECISION_TRANSITIONS: dict[str, set[str]] = {
    DStatus.OPEN: {DStatus.IN_PROGRESS, DStatus.DONE, DStatus.DROPPED},
    DStatus.IN_PROGRESS: {DStatus.OPEN, DStatus.DONE, DStatus.DROPPED},
    DStatus.DONE: {DStatus.IN_PROGRESS},
    DStatus.DROPPED: {DStatus.OPEN},
}


# --- Checks ----------------------------------------------------------------------------------


def check_can_draft_minutes(actor) -> None:
    if not permissions.can_draft_minutes(actor):
        raise PermissionDenied(_("Only the secretariat drafts the minutes."))


def _locked(version: MinutesVersion) -> MinutesVersion:
    return (
        MinutesVersion.objects.select_for_update()
        .select_related("minutes__meeting__partnership")
        .get(pk=version.pk)
    )


# Not compared in the audit trail: the stored PDFs (files), and the text (see the diff page).
UNAUDITED = {"pdf", "archival_pdf", "pdf_hash", "content"}


def _snapshot(obj) -> dict:
    return {name: v for name, v in audit.snapshot(obj).items() if name not in UNAUDITED}


def _record(obj, *, actor, note: str, before: dict | None = None) -> None:
    audit.record(
        obj,
        actor=actor,
        action=AuditEntry.Action.UPDATE if before is not None else AuditEntry.Action.CREATE,
        changes=audit.diff(before or {}, _snapshot(obj), obj),
        note=note,
    )


# --- Drafting --------------------------------------------------------------------------------


def _person_line(attendee: Attendee) -> str:
    invitation = attendee.invitation
    organisation = invitation.organisation or (
        invitation.person.organisation if invitation.person_id else None
    )
    details = "、".join(
        filter(None, [organisation.display_name if organisation else "", attendee.title])
    )
    return f"{attendee.name}（{details}）" if details else attendee.name


def attendance_lists(meeting: Meeting) -> dict[str, list[str]]:
    """出席 from attendees checked in as present, 请假 from those excused; 列席 starts empty."""
    lists = {"present": [], "excused": [], "observers": []}
    for attendee in expected_attendees(meeting):
        if attendee.attendance == Attendee.Attendance.PRESENT:
            lists["present"].append(_person_line(attendee))
        elif attendee.attendance == Attendee.Attendance.EXCUSED:
            lists["excused"].append(_person_line(attendee))
    return lists


def _agreement_lines(meeting: Meeting) -> list[dict]:
    """The agreements signed at the meeting, their amounts all in one unit (the largest's)."""
    agreements = list(meeting.agreements.prefetch_related("parties__organisation").order_by("pk"))
    column = money_column(agreement.amount for agreement in agreements)
    with translation.override("zh-hans"):  # the minutes are a Chinese document
        amounts = {
            agreement.pk: column.text(agreement.amount)
            for agreement in agreements
            if agreement.amount is not None
        }
    return [
        {
            "id": agreement.pk,
            "title": str(agreement),
            "parties": [str(p.organisation) for p in agreement.parties.all()],
            "amount_label": amounts.get(agreement.pk, ""),
        }
        for agreement in agreements
    ]


def next_serial(year: int) -> int:
    last = Minutes.objects.filter(year=year).aggregate(last=Max("serial"))["last"]
    return (last or 0) + 1


def draft_minutes(
    meeting: Meeting,
    *,
    actor,
    chairs: str = "",
    recorder: str = "",
    approver_a=None,
    approver_b=None,
    year: int | None = None,
    serial: int | None = None,
) -> Minutes:
    """Start the minutes of a held meeting: version 1 as a draft, attendance prefilled from
    check-in and one empty summary per agenda item. The document number is the next free one
    of the year unless given."""
    check_can_draft_minutes(actor)
    if meeting.status not in (Meeting.Status.HELD, Meeting.Status.CLOSED):
        raise ValidationError(_("Minutes are drafted for meetings that have been held."))
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("This meeting already has minutes."))
    year = year or timezone.localtime(meeting.start).year
    with transaction.atomic():
        minutes = Minutes(
            meeting=meeting,
            year=year,
            serial=serial or next_serial(year),
            chairs=chairs,
            recorder=recorder,
            approver_a=approver_a,
            approver_b=approver_b,
        )
        save_object(minutes, actor=actor, note=_("minutes drafted"))
        content = {
            "opening": "",
            **attendance_lists(meeting),
            "agenda": [
                {"title": item.title, "summary": ""}
                for item in meeting.agenda_items.order_by("position", "pk")
            ],
            "decisions": [],
            "agreements": _agreement_lines(meeting),
        }
        version = MinutesVersion.objects.create(
            minutes=minutes, number=1, content=content, created_by=actor
        )
        _record(version, actor=actor, note=_("version 1 drafted"))
    return minutes


def save_minutes_facts(minutes: Minutes, *, actor, **values) -> Minutes:
    """Change the basic facts (chairs, recorder, approvers, document number)."""
    check_can_draft_minutes(actor)
    for name in ("chairs", "recorder", "approver_a", "approver_b", "year", "serial"):
        if name in values:
            setattr(minutes, name, values[name])
    save_object(minutes, actor=actor)
    return minutes


def _clean_content(content: dict, old: dict) -> dict:
    cleaned = dict(old)
    if "opening" in content:
        cleaned["opening"] = str(content["opening"] or "").strip()
    for name in LIST_FIELDS:
        if name in content:
            lines = content[name]
            if isinstance(lines, str):
                lines = lines.splitlines()
            cleaned[name] = [str(line).strip() for line in lines if str(line).strip()]
    if "agenda" in content:
        agenda = content["agenda"]
        if not isinstance(agenda, list) or not all(isinstance(item, dict) for item in agenda):
            raise ValidationError({"agenda": _("The agenda summaries are a list of items.")})
        cleaned["agenda"] = [
            {"title": str(item.get("title", "")).strip(), "summary": str(item.get("summary", ""))}
            for item in agenda
            if str(item.get("title", "")).strip()
        ]
    return cleaned


def _check_editable(version: MinutesVersion) -> None:
    if not version.is_editable:
        raise ValidationError(
            _("Version %(number)s is %(status)s and cannot be changed.")
            % {"number": version.number, "status": version.get_status_display()}
        )


def _withdraw_approvals(version: MinutesVersion, *, actor) -> None:
    """Approvals are of the text as it was: a change to a circulated version withdraws them."""
    approvals = list(version.approvals.all())
    for approval in approvals:
        audit.delete_audited(approval, actor=actor, note=_("approval withdrawn: the text changed"))


def update_draft(version: MinutesVersion, *, actor, content: dict) -> MinutesVersion:
    """Change the text of a draft or circulated version (opening, attendance lists, agenda
    summaries). Changing a circulated version withdraws the approvals given so far."""
    check_can_draft_minutes(actor)
    with transaction.atomic():
        version = _locked(version)
        _check_editable(version)
        new = _clean_content(content, version.content)
        if new == version.content:
            return version
        old_text = render_text(version)
        version.content = new
        version.save(update_fields=["content"])
        _withdraw_approvals(version, actor=actor)
        changes = diff_texts(old_text, render_text(version))
        audit.record(
            version,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            changes=[
                {
                    "field": "content",
                    "label": _("content"),
                    "old": "",
                    "new": ngettext(
                        "%(count)s passage changed", "%(count)s passages changed", len(changes)
                    )
                    % {"count": len(changes)},
                }
            ],
            note=_("text changed"),
        )
    return version


def current_version(minutes: Minutes) -> MinutesVersion:
    return minutes.versions.order_by("-number").first()


# --- Who may open the minutes ----------------------------------------------------------------


def readable_version(user, meeting: Meeting) -> MinutesVersion | None:
    """The newest version of the meeting's minutes that the user may read, if any."""
    return (
        MinutesVersion.objects.visible_to(user)
        .filter(minutes__meeting=meeting)
        .order_by("-number")
        .first()
    )


def may_open_minutes(user, meeting: Meeting) -> bool:
    """Whether the meeting's minutes page opens for the user rather than answering 404: a
    version they may read, or for the secretariat the page that starts the minutes. The
    minutes page and every link to it ask this same question."""
    return permissions.can_draft_minutes(user) or readable_version(user, meeting) is not None


# --- Decisions while drafting ---------------------------------------------------------------


def _decision_snapshot(minutes: Minutes) -> list[dict]:
    decisions = minutes.decisions.prefetch_related("responsible_units").order_by("number")
    return [
        {
            "number": d.number,
            "text": d.text,
            "units": [unit.display_name for unit in d.responsible_units.all()],
            "deadline": d.deadline.isoformat() if d.deadline else "",
        }
        for d in decisions
    ]


def _refresh_decisions(version: MinutesVersion, *, actor) -> None:
    snapshot = _decision_snapshot(version.minutes)
    if snapshot != version.content.get("decisions"):
        version.content = {**version.content, "decisions": snapshot}
        version.save(update_fields=["content"])
        _withdraw_approvals(version, actor=actor)


def _open_version(minutes: Minutes) -> MinutesVersion:
    version = minutes.versions.filter(status__in=MinutesVersion.OPEN_STATUSES).first()
    if version is None or not version.is_editable:
        raise ValidationError(
            _("Decisions are changed while a version of the minutes is being drafted.")
        )
    return _locked(version)


def _check_units(units) -> list[Organisation]:
    units = list(units or [])
    if not units:
        raise ValidationError({"responsible_units": _("A decision needs a responsible unit.")})
    return units


def add_decision(
    minutes: Minutes,
    *,
    actor,
    text: str,
    responsible_units: Iterable[Organisation],
    deadline: date | None = None,
) -> Decision:
    """Add the next numbered decision, from the version being drafted."""
    check_can_draft_minutes(actor)
    units = _check_units(responsible_units)
    with transaction.atomic():
        version = _open_version(minutes)
        last = minutes.decisions.aggregate(last=Max("number"))["last"]
        decision = Decision(
            minutes=minutes,
            number=(last or 0) + 1,
            text=(text or "").strip(),
            deadline=deadline,
            source_version=version,
        )
        save_object(decision, actor=actor, note=_("decision added"))
        decision.responsible_units.set(units)
        _refresh_decisions(version, actor=actor)
    return decision


def change_decision(
    decision: Decision,
    *,
    actor,
    text: str | None = None,
    responsible_units: Iterable[Organisation] | None = None,
    deadline: date | None = None,
) -> Decision:
    """Change a decision's wording, units or deadline while the minutes are being drafted."""
    check_can_draft_minutes(actor)
    with transaction.atomic():
        version = _open_version(decision.minutes)
        if text is not None:
            decision.text = text.strip()
        decision.deadline = deadline
        save_object(decision, actor=actor)
        if responsible_units is not None:
            units = _check_units(responsible_units)
            decision.responsible_units.set(units)
        _refresh_decisions(version, actor=actor)
    return decision


def remove_decision(decision: Decision, *, actor) -> None:
    """Remove a decision added by the version being drafted (not one already published)."""
    check_can_draft_minutes(actor)
    with transaction.atomic():
        version = _open_version(decision.minutes)
        if decision.source_version_id != version.pk:
            raise ValidationError(_("A published decision is dropped, not removed."))
        audit.delete_audited(decision, actor=actor)
        _refresh_decisions(version, actor=actor)


# --- Circulation, comments, approval, publication, correction -------------------------------


def circulate_minutes(version: MinutesVersion, *, actor, notify: bool = True) -> MinutesVersion:
    """Send a draft to the liaison persons (and approvers) of both parties for comments
    (``notify=False``: recorded without mail, as the demo data does)."""
    check_can_draft_minutes(actor)
    with transaction.atomic():
        version = _locked(version)
        if version.status != VStatus.DRAFT:
            raise ValidationError(_("Only a draft can be circulated."))
        before = _snapshot(version)
        version.status = VStatus.CIRCULATED
        version.circulated_at = timezone.now()
        version.save(update_fields=["status", "circulated_at"])
        _record(version, actor=actor, before=before, note=_("circulated"))
        if notify:
            minutes_mail.queue_circulation(version)
    return version


def comment_on_minutes(version: MinutesVersion, *, actor, body: str, quote: str = "") -> Comment:
    """Record a reviewer's comment with the passage it refers to (which must be in the text)."""
    if not permissions.can_review_minutes(actor, version.minutes):
        raise PermissionDenied(_("Only the two parties and the secretariat comment on minutes."))
    if version.status not in (VStatus.DRAFT, VStatus.CIRCULATED):
        raise ValidationError(_("Comments are made on a draft or circulated version."))
    body, quote = (body or "").strip(), (quote or "").strip()
    if not body:
        raise ValidationError({"body": _("The comment is empty.")})
    if quote and quote not in render_text(version):
        raise ValidationError({"quote": _("The quoted text is not in this version.")})
    with transaction.atomic():
        comment = Comment.objects.create(version=version, author=actor, quote=quote, body=body)
        _record(comment, actor=actor, note=str(version)[:100])
    return comment


def approve_minutes(version: MinutesVersion, *, actor) -> Approval:
    """The designated approver of one party approves a circulated version (审定); with both
    parties' approvals the version is approved."""
    with transaction.atomic():
        version = _locked(version)
        minutes = version.minutes
        partnership = minutes.meeting.partnership
        party_id = {
            minutes.approver_a_id: partnership.party_a_id,
            minutes.approver_b_id: partnership.party_b_id,
        }.get(getattr(actor, "pk", None))
        if party_id is None or not permissions.can_approve_minutes(actor, minutes):
            raise PermissionDenied(_("Only the designated approver of a party approves."))
        if version.status != VStatus.CIRCULATED:
            raise ValidationError(_("Only a circulated version is approved."))
        if version.approvals.filter(party_id=party_id).exists():
            raise ValidationError(_("This party has already approved this version."))
        approval = Approval.objects.create(version=version, party_id=party_id, approver=actor)
        _record(approval, actor=actor, note=str(version)[:100])
        if version.approvals.count() == 2:
            before = _snapshot(version)
            version.status = VStatus.APPROVED
            version.save(update_fields=["status"])
            _record(version, actor=actor, before=before, note=_("approved by both parties"))
    return approval


def publish_minutes(version: MinutesVersion, *, actor) -> MinutesVersion:
    """Publish (签发) a version both parties approved; the published version it corrects, if
    any, is superseded."""
    check_can_draft_minutes(actor)
    with transaction.atomic():
        version = _locked(version)
        if version.status != VStatus.APPROVED or version.approvals.count() < 2:
            raise ValidationError(_("Minutes are published once both parties have approved."))
        now = timezone.now()
        for old in version.minutes.versions.filter(status=VStatus.PUBLISHED).select_for_update():
            before = _snapshot(old)
            old.status = VStatus.SUPERSEDED
            old.superseded_at = now
            old.save(update_fields=["status", "superseded_at"])
            _record(
                old,
                actor=actor,
                before=before,
                note=_("superseded by version %(n)s") % {"n": version.number},
            )
        before = _snapshot(version)
        version.content = {**version.content, "decisions": _decision_snapshot(version.minutes)}
        version.status = VStatus.PUBLISHED
        version.published_at = now
        version.save(update_fields=["content", "status", "published_at"])
        _record(version, actor=actor, before=before, note=_("published"))
    return version


def correct_minutes(version: MinutesVersion, *, actor, reason: str) -> MinutesVersion:
    """Start a correction (更正) of the published version: a new draft version with a reason,
    copying its text. The published version stays in force until the correction is published."""
    check_can_draft_minutes(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A correction needs a reason.")})
    with transaction.atomic():
        version = _locked(version)
        if version.status != VStatus.PUBLISHED:
            raise ValidationError(_("Only the published version is corrected."))
        if version.minutes.versions.filter(status__in=MinutesVersion.OPEN_STATUSES).exists():
            raise ValidationError(_("A correction of these minutes is already being drafted."))
        new = MinutesVersion.objects.create(
            minutes=version.minutes,
            number=version.number + 1,
            content=json.loads(json.dumps(version.content)),
            correction_reason=reason[:200],
            created_by=actor,
        )
        _record(new, actor=actor, note=reason[:200])
    return new


# --- Text rendering and differences ---------------------------------------------------------


def render_text(version: MinutesVersion) -> str:
    """The version as plain text, one statement a line (what the diff compares)."""
    content = version.content or {}
    lines = [content.get("opening", "")]
    for label, name in (("出席", "present"), ("请假", "excused"), ("列席", "observers")):
        lines.append(f"{label}：" + "；".join(content.get(name, [])))
    for item in content.get("agenda", []):
        lines.append(f"【{item.get('title', '')}】")
        lines.extend((item.get("summary") or "").splitlines())
    for d in content.get("decisions", []):
        lines.append(
            f"{d['number']}. {d['text']}（责任单位：{'、'.join(d.get('units', []))}；"
            f"完成时限：{d.get('deadline') or '—'}）"
        )
    return "\n".join(line for line in lines if line is not None)


def diff_texts(old: str, new: str) -> list[dict]:
    """The changed lines between two texts: [{kind: removed|added, line}], in order."""
    changes = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("- "):
            changes.append({"kind": "removed", "line": line[2:]})
        elif line.startswith("+ "):
            changes.append({"kind": "added", "line": line[2:]})
    return changes


def diff_versions(old: MinutesVersion, new: MinutesVersion) -> list[dict]:
    if old.minutes_id != new.minutes_id:
        raise ValidationError(_("Only versions of the same minutes are compared."))
    return diff_texts(render_text(old), render_text(new))


# --- Decisions after the meeting: status, follow-ups, overdue, reminders ---------------------


def check_can_manage_decisions(actor) -> None:
    if not permissions.can_manage_decisions(actor):
        raise PermissionDenied(_("Only the secretariat changes the status of a decision."))


def check_can_follow_up(decision: Decision, actor) -> None:
    if not permissions.can_follow_up_decision(actor, decision):
        raise PermissionDenied(_("Only the secretariat and the responsible units follow up."))


def change_decision_status(decision: Decision, *, actor, to: str, reason: str = "") -> Decision:
    """Move a decision between open, in progress, done and dropped (dropped needs a reason)."""
    check_can_manage_decisions(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if to not in DStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        if to not in DECISION_TRANSITIONS.get(decision.status, set()):
            raise ValidationError(
                {
                    "status": _("A decision cannot go from “%(old)s” to “%(new)s”.")
                    % {"old": DStatus(decision.status).label, "new": DStatus(to).label}
                }
            )
        if to == DStatus.DROPPED and not reason:
            raise ValidationError({"reason": _("A dropped decision needs a reason.")})
        before = _snapshot(decision)
        decision.status = to
        decision.status_reason = reason[:200]
        decision.save(update_fields=["status", "status_reason"])
        _record(decision, actor=actor, before=before, note=reason[:200])
    return decision


def add_follow_up(
    decision: Decision, *, actor, date: date, text: str, reported_by: str = ""
) -> FollowUp:
    """Record what happened about a decision (督办): the secretariat, or a member of one of
    its responsible units."""
    check_can_follow_up(decision, actor)
    follow_up = FollowUp(
        decision=decision,
        date=date,
        text=(text or "").strip(),
        reported_by=(reported_by or str(actor))[:128],
        recorded_by=actor,
    )
    save_object(follow_up, actor=actor, note=str(decision)[:100])
    return follow_up


def remind_decision_deadlines(*, days: int = 7, today: date | None = None) -> int:
    """Mail the responsible units of every unfinished decision of published minutes whose
    deadline falls in the next ``days`` days, unless reminded in the last 24 hours. Returns how
    many decisions were reminded."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = (
        Decision.objects.unfinished()
        .filter(deadline__gte=today, deadline__lte=today + timedelta(days=days))
        .filter(minutes__versions__status__in=MinutesVersion.PUBLIC_STATUSES)
        .exclude(reminded_at__gt=now - timedelta(hours=24))
        .distinct()
        .select_related("minutes__meeting")
        .prefetch_related("responsible_units")
    )
    count = 0
    for decision in due:
        with transaction.atomic():
            minutes_mail.queue_deadline_reminder(decision)
            Decision.objects.filter(pk=decision.pk).update(reminded_at=now)
            count += 1
    return count


# --- The next meeting's agenda --------------------------------------------------------------


def follow_up_lines(decisions: Iterable[Decision]) -> list[str]:
    lines = []
    for decision in decisions:
        latest = decision.latest_follow_up
        units = "、".join(u.display_name for u in decision.responsible_units.all())
        line = (
            f"{decision.minutes.document_number}第{decision.number}项：{decision.text}"
            f"（责任单位：{units}；完成时限：{decision.deadline or '—'}；"
            f"状态：{decision.get_status_display()}）"
        )
        if latest is not None:
            line += f" 最新落实情况（{latest.date}）：{latest.text}"
        lines.append(line)
    return lines


def add_follow_up_item(meeting: Meeting, *, actor) -> AgendaItem | None:
    """Put "上次会议议定事项落实情况" first on a new meeting's agenda, listing every decision of
    the earlier meetings of its mechanism that is still open or in progress, with its latest
    follow-up. Nothing is added when there is no such decision."""
    if meeting.mechanism_id is None:
        return None
    decisions = list(
        Decision.objects.unfinished()
        .filter(
            minutes__meeting__mechanism_id=meeting.mechanism_id,
            minutes__meeting__start__lt=meeting.start,
        )
        .with_related()
        .order_by("minutes__meeting__start", "number")
    )
    if not decisions:
        return None
    with transaction.atomic():
        AgendaItem.objects.filter(meeting=meeting).update(position=F("position") + 1)
        item = AgendaItem(
            meeting=meeting,
            position=0,
            title=FOLLOW_UP_TITLE,
            presenter=_("secretariat"),
            description="\n".join(follow_up_lines(decisions)),
        )
        save_object(item, actor=actor, note=str(meeting)[:100])
    return item


# --- The printable document and its PDF -----------------------------------------------------


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
        published_on=timezone.localtime(version.published_at).date()
        if version.published_at
        else None,
        author=f"{partnership.party_a.name} {partnership.party_b.name}",
    )


def _renderer():
    """``meetings.minutes_pdf.render_minutes_pdf``, imported when first needed (the PDF layer
    is optional: without it, PDFs are refused with a message)."""
    try:
        module = importlib.import_module("meetings.minutes_pdf")
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
    from liaison.pdf import sign_pdf

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
