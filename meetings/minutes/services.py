"""The minutes workflow (会议纪要): drafting, versions, circulation, approval, publication.

draft_minutes → update_draft → circulate_minutes (mail to both parties' liaison persons) →
comment_on_minutes → approve_minutes (the designated approver of each party; both needed) →
publish_minutes. A published version never changes: ``correct_minutes`` starts a new version
with a reason, and publishing that one supersedes the old one (which stays readable).

The decisions are in ``meetings.minutes.decisions``; the printable document and its stored
files in ``meetings.minutes.printing``.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liaison import audit, permissions
from liaison.models import AuditEntry
from liaison.money import money_column
from liaison.services import save_object
from meetings.attendance import expected_attendees
from meetings.minutes import mail
from meetings.minutes.common import (
    audit_snapshot,
    check_can_draft_minutes,
    check_editable,
    locked_version,
    record_change,
    withdraw_approvals,
)
from meetings.minutes.decisions import decision_snapshot
from meetings.minutes.text import diff_texts, render_text
from meetings.models import (
    Approval,
    Attendee,
    Comment,
    Meeting,
    Minutes,
    MinutesVersion,
)

VStatus = MinutesVersion.Status
LIST_FIELDS = ("present", "excused", "observers")


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
        record_change(version, actor=actor, note=_("version 1 drafted"))
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


def update_draft(version: MinutesVersion, *, actor, content: dict) -> MinutesVersion:
    """Change the text of a draft or circulated version (opening, attendance lists, agenda
    summaries). Changing a circulated version withdraws the approvals given so far."""
    check_can_draft_minutes(actor)
    with transaction.atomic():
        version = locked_version(version)
        check_editable(version)
        new = _clean_content(content, version.content)
        if new == version.content:
            return version
        old_text = render_text(version)
        version.content = new
        version.save(update_fields=["content"])
        withdraw_approvals(version, actor=actor)
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


# --- Circulation, comments, approval, publication, correction -------------------------------


def circulate_minutes(
    version: MinutesVersion, *, actor, notify: bool = True, at: datetime | None = None
) -> MinutesVersion:
    """Send a draft to the liaison persons (and approvers) of both parties for comments
    (``notify=False``: recorded without mail, as the demo data does). ``at`` records when it
    happened, for a circulation made on paper before it is entered (default: now)."""
    check_can_draft_minutes(actor)
    at = _moment(at)
    with transaction.atomic():
        version = locked_version(version)
        if version.status != VStatus.DRAFT:
            raise ValidationError(_("Only a draft can be circulated."))
        before = audit_snapshot(version)
        version.status = VStatus.CIRCULATED
        version.circulated_at = at
        version.save(update_fields=["status", "circulated_at"])
        record_change(version, actor=actor, before=before, note=_("circulated"))
        if notify:
            mail.queue_circulation(version)
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
        record_change(comment, actor=actor, note=str(version)[:100])
    return comment


def approve_minutes(version: MinutesVersion, *, actor, at: datetime | None = None) -> Approval:
    """The designated approver of one party approves a circulated version (审定); with both
    parties' approvals the version is approved. ``at`` records when (default: now)."""
    at = _moment(at)
    with transaction.atomic():
        version = locked_version(version)
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
        if version.circulated_at and at < version.circulated_at:
            raise ValidationError(_("Minutes are approved after they were circulated."))
        approval = Approval.objects.create(
            version=version, party_id=party_id, approver=actor, approved_at=at
        )
        record_change(approval, actor=actor, note=str(version)[:100])
        if version.approvals.count() == 2:
            before = audit_snapshot(version)
            version.status = VStatus.APPROVED
            version.save(update_fields=["status"])
            record_change(version, actor=actor, before=before, note=_("approved by both parties"))
    return approval


def publish_minutes(
    version: MinutesVersion, *, actor, at: datetime | None = None
) -> MinutesVersion:
    """Publish (签发) a version both parties approved; the published version it corrects, if
    any, is superseded. ``at`` is the publication date printed at the end of the minutes
    (default: now); it is not before the last approval."""
    check_can_draft_minutes(actor)
    at = _moment(at)
    with transaction.atomic():
        version = locked_version(version)
        if version.status != VStatus.APPROVED or version.approvals.count() < 2:
            raise ValidationError(_("Minutes are published once both parties have approved."))
        last_approval = version.approvals.aggregate(last=Max("approved_at"))["last"]
        if last_approval and at < last_approval:
            raise ValidationError(_("Minutes are published after both parties approved them."))
        now = at
        for old in version.minutes.versions.filter(status=VStatus.PUBLISHED).select_for_update():
            before = audit_snapshot(old)
            old.status = VStatus.SUPERSEDED
            old.superseded_at = now
            old.save(update_fields=["status", "superseded_at"])
            record_change(
                old,
                actor=actor,
                before=before,
                note=_("superseded by version %(n)s") % {"n": version.number},
            )
        before = audit_snapshot(version)
        version.content = {**version.content, "decisions": decision_snapshot(version.minutes)}
        version.status = VStatus.PUBLISHED
        version.published_at = now
        version.save(update_fields=["content", "status", "published_at"])
        record_change(version, actor=actor, before=before, note=_("published"))
    return version


def _moment(at: datetime | None) -> datetime:
    """When a step of the workflow happened: now, or a given past moment (never the future)."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValidationError(_("A moment in the workflow needs a time zone."))
    if at > timezone.now():
        raise ValidationError(_("A step of the workflow cannot be dated in the future."))
    return at


def correct_minutes(version: MinutesVersion, *, actor, reason: str) -> MinutesVersion:
    """Start a correction (更正) of the published version: a new draft version with a reason,
    copying its text. The published version stays in force until the correction is published."""
    check_can_draft_minutes(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A correction needs a reason.")})
    with transaction.atomic():
        version = locked_version(version)
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
        record_change(new, actor=actor, note=reason[:200])
    return new
