"""Changes to meetings: one function per change, each validated, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison import audit, permissions, uploads
from liaison.models import AuditEntry, Mechanism, Organisation, Person
from liaison.services import save_object
from meetings import mail, scheduling
from meetings.models import (
    AgendaItem,
    AgendaMaterial,
    Attendee,
    Invitation,
    MailDelivery,
    Meeting,
)

Status = Meeting.Status

# Which status may follow which. A postponed meeting is scheduled again once it has a new date.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SCHEDULED, Status.CANCELLED},
    Status.SCHEDULED: {Status.HELD, Status.CANCELLED, Status.POSTPONED},
    Status.POSTPONED: {Status.SCHEDULED, Status.CANCELLED},
    Status.HELD: {Status.CLOSED},
    Status.CLOSED: set(),
    Status.CANCELLED: set(),
}

# A change to any of these makes calendar clients update their copy (SEQUENCE is raised).
CALENDAR_FIELDS = ("start", "end", "venue", "city", "status", "title")


def check_status_transition(old: str, new: str) -> None:
    if old != new and new not in ALLOWED_TRANSITIONS.get(old, set()):
        raise ValidationError(
            {
                "status": _("A meeting cannot go from “%(old)s” to “%(new)s”.")
                % {"old": Status(old).label, "new": Status(new).label}
            }
        )


def save_meeting(meeting: Meeting, *, actor, note: str = ""):
    """Create or change a meeting: checks the status transition and raises the calendar
    revision when its time, place, title or status changed."""
    before = audit.stored_snapshot(meeting)
    if before:
        check_status_transition(before["status"][0], meeting.status)
        if any(before[name][0] != audit.snapshot(meeting)[name][0] for name in CALENDAR_FIELDS):
            meeting.sequence = before["sequence"][0] + 1
    with transaction.atomic():
        entry = save_object(meeting, actor=actor, note=note)
        if before and before["capacity"][0] != meeting.capacity:
            # More seats (or none counted any more): the waiting list moves up.
            _lock(meeting)
            _promote_waiting(meeting, actor=actor)
    return entry


def change_meeting_status(meeting: Meeting, *, to: str, actor, reason: str = ""):
    meeting.status = to
    return save_meeting(meeting, actor=actor, note=reason)


def set_cohosts(meeting: Meeting, organisations: Iterable[Organisation], *, actor) -> None:
    """Replace the meeting's co-hosts, recording the change in the meeting's history."""
    wanted = {org.pk: org for org in organisations}
    with transaction.atomic():
        current = set(meeting.cohosts.values_list("pk", flat=True))
        if current == set(wanted):
            return
        meeting.cohosts.set(wanted.values())
        audit.record(
            meeting,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            note=_("Co-hosts: %(names)s") % {"names": "、".join(str(o) for o in wanted.values())},
        )


# --- Invitations -----------------------------------------------------------------------------

Answer = Invitation.Status
Channel = Invitation.Channel

# What an invitee may answer (pending and the waiting list are the system's to set).
ANSWERS = (Answer.ACCEPTED, Answer.DECLINED, Answer.TENTATIVE)
# The channels through which an invitee's answer arrives (WAITLIST is the system moving one up).
ANSWER_CHANNELS = (Channel.PAGE, Channel.LINK, Channel.API, Channel.PHONE, Channel.CALENDAR)
ATTENDEE_FIELDS = (
    "name",
    "title",
    "phone",
    "arrival_date",
    "arrival_transport",
    "departure_date",
    "departure_transport",
    "needs_accommodation",
    "dietary",
    "dietary_note",
)
DELEGATE_FIELDS = ("name", "title", "phone")


@dataclass
class RsvpResult:
    """The invitation as answered, and the invitations the answer moved up from the waiting
    list (whom the mail module tells that they now have a seat)."""

    invitation: Invitation
    promoted: list[Invitation] = field(default_factory=list)


def _lock(meeting: Meeting) -> Meeting:
    """Lock the meeting row for the rest of the transaction: answers to one meeting are
    recorded one after the other, so none is lost and the capacity is never exceeded.

    PostgreSQL locks the row; SQLite ignores FOR UPDATE, but the project opens every
    transaction with BEGIN IMMEDIATE, which takes the database's write lock (see settings)."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _invite(meeting: Meeting, *, actor, organisation=None, person=None) -> Invitation:
    invitation = Invitation(meeting=meeting, organisation=organisation, person=person)
    invitation.full_clean(validate_unique=False, validate_constraints=False)
    invitation.save()
    audit.record(
        invitation,
        actor=actor,
        action=AuditEntry.Action.CREATE,
        changes=audit.diff({}, audit.snapshot(invitation), invitation),
        note=_("invited"),
    )
    return invitation


def _check_can_invite(meeting: Meeting, actor) -> None:
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be given invitations."))


def invite_organisations(
    meeting: Meeting, organisations: Iterable[Organisation], *, actor
) -> list[Invitation]:
    """Invite organisations to the meeting; those already invited are skipped, so inviting the
    same list twice creates nothing. Returns the new invitations (the mail module sends them)."""
    _check_can_invite(meeting, actor)
    with transaction.atomic():
        _lock(meeting)
        invited = set(
            meeting.invitations.filter(person__isnull=True).values_list(
                "organisation_id", flat=True
            )
        )
        created = []
        for organisation in organisations:
            if organisation.pk in invited:
                continue
            invited.add(organisation.pk)
            created.append(_invite(meeting, actor=actor, organisation=organisation))
    return created


def invite_people(meeting: Meeting, people: Iterable[Person], *, actor) -> list[Invitation]:
    """Invite people by name (idempotent like ``invite_organisations``)."""
    _check_can_invite(meeting, actor)
    with transaction.atomic():
        _lock(meeting)
        invited = set(
            meeting.invitations.filter(person__isnull=False).values_list("person_id", flat=True)
        )
        created = []
        for person in people:
            if person.pk in invited:
                continue
            invited.add(person.pk)
            created.append(_invite(meeting, actor=actor, person=person))
    return created


def revoke_links(invitation: Invitation, *, actor) -> Invitation:
    """Make every answer link sent so far for this invitation stop working."""
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        before = audit.snapshot(invitation)
        invitation.token_version += 1
        invitation.save(update_fields=["token_version"])
        audit.record(
            invitation,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            changes=audit.diff(before, audit.snapshot(invitation), invitation),
            note=_("answer links revoked"),
        )
    return invitation


# --- Answers (回执) -----------------------------------------------------------------------------


def check_may_answer(invitation: Invitation, meeting: Meeting, *, actor, channel: str, now) -> None:
    """Who may answer, and until when. A link in the invitation stands for the invitee (the
    caller has verified its signature); after the deadline only the secretariat records
    answers, given to it by phone."""
    if channel not in ANSWER_CHANNELS:
        raise ValidationError({"channel": _("Unknown answer channel.")})
    secretariat = permissions.can_answer_after_deadline(actor)
    if channel == Channel.PHONE and not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    if channel != Channel.LINK and not permissions.can_answer_invitation(actor, invitation):
        raise PermissionDenied
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting has been cancelled."))
    if secretariat and channel in (Channel.PHONE, Channel.API, Channel.PAGE):
        return
    if not meeting.answers_open(now):
        raise ValidationError(
            _(
                "Answers to this meeting closed on %(deadline)s. Please call the secretariat "
                "to change your answer."
            )
            % {"deadline": timezone.localtime(meeting.answers_close_at).strftime("%Y-%m-%d %H:%M")}
        )


def _clean_attendees(attendees: Iterable[dict] | None) -> list[Attendee]:
    """The attendees as unsaved, validated objects; rows without a name are dropped."""
    cleaned, errors = [], []
    for position, data in enumerate(attendees or []):
        values = {name: data[name] for name in ATTENDEE_FIELDS if data.get(name) is not None}
        values["name"] = str(values.get("name", "")).strip()
        if not values["name"]:
            continue
        attendee = Attendee(position=position, **values)
        try:
            attendee.full_clean(exclude=["invitation"], validate_unique=False)
        except ValidationError as error:
            errors += [f"{values['name']}: {m}" for m in error.messages]
        cleaned.append(attendee)
    if errors:
        raise ValidationError({"attendees": errors})
    return cleaned


def _clean_delegate(delegate: dict | None) -> dict:
    delegate = {name: str((delegate or {}).get(name) or "").strip() for name in DELEGATE_FIELDS}
    if (delegate["title"] or delegate["phone"]) and not delegate["name"]:
        raise ValidationError({"delegate": _("Give the delegate's name.")})
    return delegate


def _default_attendees(invitation: Invitation, delegate: dict) -> list[Attendee]:
    """Who comes when the answer names nobody: the delegate, or else the invited person."""
    if delegate["name"]:
        return [Attendee(name=delegate["name"], title=delegate["title"], phone=delegate["phone"])]
    if invitation.person_id:
        person = invitation.person
        return [Attendee(name=person.name, title=person.title, phone=person.phone)]
    return []


def _seats_taken(meeting: Meeting, *, excluding: Invitation | None = None) -> int:
    taken = Attendee.objects.filter(invitation__meeting=meeting, invitation__status=Answer.ACCEPTED)
    if excluding is not None:
        taken = taken.exclude(invitation=excluding)
    return taken.count()


def _next_waitlist_position(meeting: Meeting) -> int:
    highest = meeting.invitations.aggregate(highest=Max("waitlist_position"))["highest"]
    return (highest or 0) + 1


def _status_for_acceptance(invitation: Invitation, meeting: Meeting, headcount: int) -> str:
    """ACCEPTED when the attendees fit and nobody waits ahead, else WAITLISTED."""
    if meeting.capacity is None:
        return Answer.ACCEPTED
    fits = _seats_taken(meeting, excluding=invitation) + headcount <= meeting.capacity
    if invitation.status == Answer.ACCEPTED:
        return Answer.ACCEPTED if fits else Answer.WAITLISTED
    ahead = meeting.invitations.waiting().exclude(pk=invitation.pk)
    if invitation.status == Answer.WAITLISTED:
        ahead = ahead.filter(waitlist_position__lt=invitation.waitlist_position)
    return Answer.ACCEPTED if fits and not ahead.exists() else Answer.WAITLISTED


def _sync_attendees(invitation: Invitation, attendees: list[Attendee]) -> None:
    """Make the stored attendees the given ones. A returning name keeps its row, and so its
    check-in code and attendance."""
    existing = {a.name: a for a in invitation.attendees.all()}
    for attendee in attendees:
        stored = existing.pop(attendee.name, None)
        if stored is not None:
            for name in (*ATTENDEE_FIELDS, "position"):
                setattr(stored, name, getattr(attendee, name))
            stored.save()
        else:
            attendee.invitation = invitation
            attendee.save()
    if existing:
        invitation.attendees.filter(pk__in=[a.pk for a in existing.values()]).delete()


def _summary(attendees: list[Attendee]) -> str:
    if not attendees:
        return ""
    return _("%(count)s attending: %(names)s") % {
        "count": len(attendees),
        "names": "、".join(a.name for a in attendees),
    }


def record_rsvp(
    invitation: Invitation,
    *,
    status: str,
    attendees: Iterable[dict] | None = None,
    delegate: dict | None = None,
    note: str = "",
    actor,
    channel: str,
    now: datetime | None = None,
) -> RsvpResult:
    """Record an invitee's answer, through any channel (page, link, API, phone, calendar).

    Members answer and change their answer until the deadline; afterwards the secretariat
    records answers given by phone. An acceptance that does not fit the capacity goes to the
    end of the waiting list; seats freed by this answer move the waiting list up, in order.
    The meeting row is locked for the whole change, and the answer is audited with its channel.
    """
    if status not in ANSWERS:
        raise ValidationError({"status": _("Answer attending, not attending or tentative.")})
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _lock(invitation.meeting)
        # Read again under the lock: another answer may have changed it since.
        invitation = Invitation.objects.select_related("person", "organisation").get(
            pk=invitation.pk
        )
        invitation.meeting = meeting
        check_may_answer(invitation, meeting, actor=actor, channel=channel, now=now)
        delegate = _clean_delegate(delegate)
        people = [] if status == Answer.DECLINED else _clean_attendees(attendees)
        if status != Answer.DECLINED and not people:
            people = _default_attendees(invitation, delegate)
        if status == Answer.ACCEPTED and not people:
            raise ValidationError({"attendees": _("Name at least one person who will attend.")})

        before = audit.snapshot(invitation)
        if status == Answer.ACCEPTED:
            status = _status_for_acceptance(invitation, meeting, len(people))
        if status == Answer.WAITLISTED and invitation.status != Answer.WAITLISTED:
            invitation.waitlist_position = _next_waitlist_position(meeting)
        elif status != Answer.WAITLISTED:
            invitation.waitlist_position = None
        invitation.status = status
        invitation.note = note.strip()
        invitation.delegate_name = delegate["name"]
        invitation.delegate_title = delegate["title"]
        invitation.delegate_phone = delegate["phone"]
        invitation.answered_at = now
        invitation.answered_via = channel
        invitation.save(
            update_fields=[
                "status",
                "waitlist_position",
                "note",
                "delegate_name",
                "delegate_title",
                "delegate_phone",
                "answered_at",
                "answered_via",
            ]
        )
        _sync_attendees(invitation, people)
        audit.record(
            invitation,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            changes=audit.diff(before, audit.snapshot(invitation), invitation),
            note=" · ".join(filter(None, [str(Channel(channel).label), _summary(people)])),
        )
        promoted = _promote_waiting(meeting, actor=actor)
    return RsvpResult(invitation, promoted)


def _promote_waiting(meeting: Meeting, *, actor) -> list[Invitation]:
    """Move waiting invitations up, first come first served, while their attendees fit.

    Stops at the first that does not fit: nobody overtakes an earlier place on the list."""
    waiting = meeting.invitations.waiting().annotate(headcount=Count("attendees"))
    if not waiting.exists():
        return []
    taken = _seats_taken(meeting)
    promoted = []
    for invitation in waiting.select_related("organisation", "person__organisation"):
        if meeting.capacity is not None and taken + invitation.headcount > meeting.capacity:
            break
        before = audit.snapshot(invitation)
        invitation.status = Answer.ACCEPTED
        invitation.waitlist_position = None
        invitation.save(update_fields=["status", "waitlist_position"])
        audit.record(
            invitation,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            changes=audit.diff(before, audit.snapshot(invitation), invitation),
            note=str(Channel.WAITLIST.label),
        )
        taken += invitation.headcount
        promoted.append(invitation)
    # Tell them they have a seat now (after the commit, like all mail).
    mail.queue(meeting, promoted, kind=MailDelivery.Kind.WAITLIST)
    return promoted


# --- Scheduling ------------------------------------------------------------------------------

# The fields of a meeting the schedule forms and the API may set.
SCHEDULE_FIELDS = (
    "title",
    "kind",
    "start",
    "end",
    "venue",
    "city",
    "description",
    "rsvp_deadline",
    "capacity",
    "online_url",
    "answer_fields",
)
AD_HOC_KINDS = (
    Meeting.Kind.SIGNING,
    Meeting.Kind.PROMOTION,
    Meeting.Kind.VISIT,
    Meeting.Kind.ASSOCIATION,
    Meeting.Kind.OTHER,
)


def _check_can_schedule(actor) -> None:
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied(_("Only the secretariat schedules meetings."))


def schedule_meeting(
    partnership,
    *,
    actor,
    cohosts: Iterable[Organisation] | None = None,
    mechanism=None,
    number: int | None = None,
    status: str = Meeting.Status.SCHEDULED,
    **values,
) -> Meeting:
    """Create a meeting of the partnership (an ad-hoc one, or one of a mechanism through
    ``schedule_next_meeting``), validated and audited, co-hosted by ``cohosts`` (by default
    both parties of the partnership)."""
    _check_can_schedule(actor)
    unknown = set(values) - set(SCHEDULE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown meeting fields: {sorted(unknown)}")
    if status not in (Meeting.Status.DRAFT, Meeting.Status.SCHEDULED):
        raise ValidationError({"status": _("A new meeting is a draft or scheduled.")})
    meeting = Meeting(
        partnership=partnership, mechanism=mechanism, number=number, status=status, **values
    )
    if cohosts is None:
        cohosts = [partnership.party_a, partnership.party_b]
    with transaction.atomic():
        save_meeting(meeting, actor=actor, note=_("scheduled"))
        set_cohosts(meeting, [org for org in cohosts if org is not None], actor=actor)
    return meeting


def schedule_next_meeting(mechanism, *, actor, today=None, **overrides) -> Meeting:
    """Schedule the next meeting of a mechanism in one step, from its plan
    (``meetings.scheduling.plan_next_meeting``): the date the cadence expects, 09:30–12:00,
    the previous meeting's place, numbered (第N次联席会议, 2027湖南民营企业进边疆·吐鲁番行) and
    co-hosted by both parties. ``overrides`` (the secretariat's changes to the plan) win.

    Refused (ValidationError) when a meeting already covers the next occurrence. The mechanism
    row is locked, so two clicks on "schedule next" create one meeting."""
    _check_can_schedule(actor)
    with transaction.atomic():
        mechanism = (
            Mechanism.objects.select_for_update()
            .select_related("partnership__party_a", "partnership__party_b")
            .get(pk=mechanism.pk)
        )
        plan = scheduling.plan_next_meeting(mechanism, today=today)
        cohosts = overrides.pop("cohosts", None) or plan.cohosts
        values = {
            "title": plan.title,
            "kind": plan.kind,
            "start": plan.start,
            "end": plan.end,
            "venue": plan.venue,
            "city": plan.city,
        }
        values.update({name: value for name, value in overrides.items() if value is not None})
        number = scheduling.next_number(mechanism, values["start"])
        if "title" not in overrides or not overrides["title"]:
            values["title"] = scheduling.meeting_title(
                mechanism, number=number, day=timezone.localtime(values["start"]).date()
            )
        meeting = schedule_meeting(
            mechanism.partnership,
            actor=actor,
            mechanism=mechanism,
            number=number,
            cohosts=cohosts,
            **values,
        )
        # The agenda starts with the follow-up of the earlier meetings' open decisions.
        from meetings.minutes import add_follow_up_item

        add_follow_up_item(meeting, actor=actor)
        return meeting


# --- Agenda ----------------------------------------------------------------------------------

AGENDA_FIELDS = ("title", "presenter", "duration_minutes", "description")


def _check_can_edit_agenda(actor) -> None:
    if not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat edits the agenda."))


def add_agenda_item(meeting: Meeting, *, actor, **values) -> AgendaItem:
    """Add an item at the end of the meeting's agenda."""
    _check_can_edit_agenda(actor)
    with transaction.atomic():
        _lock(meeting)
        last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
        item = AgendaItem(
            meeting=meeting,
            position=0 if last is None else last + 1,
            **{name: values[name] for name in AGENDA_FIELDS if name in values},
        )
        save_object(item, actor=actor, note=str(meeting)[:100])
    return item


def change_agenda_item(item: AgendaItem, *, actor, **values) -> AgendaItem:
    """Change an item's text; its place in the agenda is ``reorder_agenda``'s to change."""
    _check_can_edit_agenda(actor)
    with transaction.atomic():
        # The stored row, so a stale copy never moves the item back to an old position.
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        for name in AGENDA_FIELDS:
            if name in values:
                setattr(item, name, values[name])
        save_object(item, actor=actor)
    return item


def _material_change(item: AgendaItem, *, actor, old: str = "", new: str = "", note: str):
    """Materials are audited on their agenda item (a file is no value for the history)."""
    label = str(AgendaMaterial._meta.verbose_name_plural)
    change = {"field": "materials", "label": label, "old": old, "new": new}
    audit.record(
        item,
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        changes=[{**change, "old_value": old or None, "new_value": new or None}],
        note=note,
    )


def remove_agenda_item(item: AgendaItem, *, actor) -> None:
    """Remove an item and its materials (their files too, once the removal is committed)."""
    _check_can_edit_agenda(actor)
    materials = list(item.materials.all())
    with transaction.atomic():
        for material in materials:
            _material_change(
                item, actor=actor, old=material.original_name, note=_("material removed")
            )
        audit.delete_audited(item, actor=actor)
        names = [material.file.name for material in materials]
        transaction.on_commit(lambda: [uploads.delete_stored(name) for name in names])


def reorder_agenda(meeting: Meeting, item_ids: list[int], *, actor) -> list[AgendaItem]:
    """Put the agenda in the given order of item ids (every item of the meeting, once)."""
    _check_can_edit_agenda(actor)
    with transaction.atomic():
        _lock(meeting)
        items = {item.pk: item for item in meeting.agenda_items.all()}
        if sorted(item_ids) != sorted(items):
            raise ValidationError(_("Give every item of the agenda once, in the new order."))
        for position, pk in enumerate(item_ids):
            item = items[pk]
            if item.position != position:
                before = audit.snapshot(item)
                item.position = position
                item.save(update_fields=["position"])
                audit.record(
                    item,
                    actor=actor,
                    action=AuditEntry.Action.UPDATE,
                    changes=audit.diff(before, audit.snapshot(item), item),
                    note=_("agenda reordered"),
                )
    return [items[pk] for pk in item_ids]


def move_agenda_item(item: AgendaItem, *, actor, offset: int) -> list[AgendaItem]:
    """Move an item up (-1) or down (+1) the agenda."""
    order = list(item.meeting.agenda_items.values_list("pk", flat=True))
    index = order.index(item.pk)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    return reorder_agenda(item.meeting, order, actor=actor)


def attach_agenda_material(item: AgendaItem, *, actor, upload) -> AgendaMaterial:
    """Store a PDF, JPEG or PNG for an agenda item privately, checked by content and size."""
    _check_can_edit_agenda(actor)
    kind = uploads.check_upload(upload)
    material = AgendaMaterial(item=item)
    uploads.store_upload(material, upload, kind, actor=actor)
    try:
        with transaction.atomic():
            material.save()
            _material_change(
                item, actor=actor, new=material.original_name, note=_("material uploaded")
            )
    except BaseException:
        uploads.delete_stored(material.file.name)
        raise
    return material


def remove_agenda_material(material: AgendaMaterial, *, actor) -> None:
    _check_can_edit_agenda(actor)
    name = material.file.name
    with transaction.atomic():
        _material_change(
            material.item, actor=actor, old=material.original_name, note=_("material removed")
        )
        material.delete()
        transaction.on_commit(lambda: uploads.delete_stored(name))


# --- Lifecycle: cancel, postpone, reschedule, close --------------------------------------------
# Each change that matters to the invitees (time, place, postponement, cancellation) mails
# everyone who has not declined, after the commit. A draft was never announced: no mail.


def _check_can_change_lifecycle(actor) -> None:
    if not permissions.can_write(actor):
        raise PermissionDenied(_("Only the secretariat changes a meeting's status."))


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the invitees are told it.")})
    return reason


def _check_transition(old: str, new: str) -> None:
    if old == new:
        raise ValidationError(
            {"status": _("The meeting is already “%(status)s”.") % {"status": Status(old).label}}
        )
    check_status_transition(old, new)


def _move(meeting: Meeting, start: datetime, end: datetime) -> None:
    """Set a new time; the RSVP deadline keeps its distance to the start."""
    if meeting.rsvp_deadline and meeting.start:
        meeting.rsvp_deadline += start - meeting.start
    meeting.start, meeting.end = start, end


def _notify(meeting: Meeting, *, kind: str, was: str) -> None:
    if was == Status.DRAFT:
        return
    invitations = meeting.invitations.exclude(status=Answer.DECLINED).select_related(
        "organisation", "person__organisation"
    )
    mail.queue(meeting, invitations, kind=kind)


def cancel_meeting(meeting: Meeting, *, reason: str, actor) -> Meeting:
    """Cancel the meeting, telling the invitees why (a cancellation mail to all who have not
    declined). Returns the meeting as saved."""
    _check_can_change_lifecycle(actor)
    reason = _required_reason(reason)
    with transaction.atomic():
        meeting = _lock(meeting)
        was = meeting.status
        _check_transition(was, Status.CANCELLED)
        meeting.status, meeting.status_reason = Status.CANCELLED, reason
        save_meeting(meeting, actor=actor, note=reason)
        _notify(meeting, kind=MailDelivery.Kind.CANCELLATION, was=was)
    return meeting


def postpone_meeting(
    meeting: Meeting,
    *,
    reason: str,
    actor,
    new_start: datetime | None = None,
    new_end: datetime | None = None,
) -> Meeting:
    """Postpone the meeting, with a reason and optionally a provisional new time (the end
    defaults to the same duration); the invitees get an update mail."""
    _check_can_change_lifecycle(actor)
    reason = _required_reason(reason)
    with transaction.atomic():
        meeting = _lock(meeting)
        was = meeting.status
        _check_transition(was, Status.POSTPONED)
        if new_start is not None:
            _move(meeting, new_start, new_end or new_start + (meeting.end - meeting.start))
        meeting.status, meeting.status_reason = Status.POSTPONED, reason
        save_meeting(meeting, actor=actor, note=reason)
        _notify(meeting, kind=MailDelivery.Kind.UPDATE, was=was)
    return meeting


RESCHEDULABLE = (Status.DRAFT, Status.SCHEDULED, Status.POSTPONED)


def reschedule_meeting(
    meeting: Meeting, *, start: datetime, end: datetime, venue: str, city: str, actor
) -> Meeting:
    """Give the meeting a new time and place. It stays the same meeting (pk, calendar UID;
    ``save_meeting`` raises SEQUENCE); a postponed meeting is scheduled again. The invitees
    who have not declined get an update mail."""
    _check_can_change_lifecycle(actor)
    with transaction.atomic():
        meeting = _lock(meeting)
        was = meeting.status
        if was not in RESCHEDULABLE:
            raise ValidationError(
                _("A “%(status)s” meeting cannot be rescheduled.") % {"status": Status(was).label}
            )
        unchanged = (meeting.start, meeting.end, meeting.venue, meeting.city) == (
            start,
            end,
            venue.strip(),
            city.strip(),
        )
        if unchanged and was != Status.POSTPONED:
            raise ValidationError(_("The new time and place are the same as before."))
        _move(meeting, start, end)
        meeting.venue, meeting.city = venue.strip(), city.strip()
        if was == Status.POSTPONED:
            meeting.status, meeting.status_reason = Status.SCHEDULED, ""
        save_meeting(meeting, actor=actor, note=_("rescheduled"))
        _notify(meeting, kind=MailDelivery.Kind.UPDATE, was=was)
    return meeting


def close_meeting(meeting: Meeting, *, actor) -> Meeting:
    """Close a meeting that was held (its records are complete)."""
    _check_can_change_lifecycle(actor)
    with transaction.atomic():
        meeting = _lock(meeting)
        _check_transition(meeting.status, Status.CLOSED)
        meeting.status = Status.CLOSED
        save_meeting(meeting, actor=actor, note=_("closed"))
    return meeting


# --- Mail: invitations, resending, reminders -------------------------------------------------

Delivery = MailDelivery.Status


def send_invitations(
    meeting: Meeting, *, actor, invitations: Iterable[Invitation] | None = None
) -> int:
    """Mail the invitation to ``invitations``, by default to every invitation of the meeting
    that has not been mailed yet. Returns how many deliveries were recorded (one batch)."""
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    if meeting.status not in (Status.SCHEDULED, Status.POSTPONED):
        raise ValidationError(_("Invitations are mailed for scheduled meetings only."))
    if invitations is None:
        mailed = MailDelivery.objects.filter(
            invitation=OuterRef("pk"), kind=MailDelivery.Kind.INVITATION
        )
        invitations = meeting.invitations.exclude(Exists(mailed))
    invitations = list(
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).select_related(
            "organisation", "person__organisation"
        )
    )
    if not invitations:
        return 0
    with transaction.atomic():
        mail.queue(meeting, invitations, kind=MailDelivery.Kind.INVITATION)
        audit.record(
            meeting,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            note=_("invitation mails: %(count)s") % {"count": len(invitations)},
        )
    return len(invitations)


def resend_mail(meeting: Meeting, *, actor, invitation: Invitation | None = None) -> int:
    """Send the meeting's failed mail again (to the current addresses), or only the given
    invitation's; an invitation with no failed mail is sent its invitation again."""
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    failed = meeting.mail_deliveries.filter(status=Delivery.FAILED).select_related(
        "invitation__organisation", "invitation__person__organisation"
    )
    with transaction.atomic():
        if invitation is None:
            return mail.requeue(failed)
        failed = list(failed.filter(invitation=invitation))
        if failed:
            return mail.requeue(failed)
        _check_can_invite(meeting, actor)
        return send_invitations(meeting, actor=actor, invitations=[invitation])


def remind_pending(*, days: int = 3, now: datetime | None = None) -> int:
    """Remind every invitation still unanswered of the meetings whose RSVP deadline falls in
    the next ``days`` days, unless it was reminded in the last 24 hours (so running this twice
    a day sends nothing twice). Returns how many reminders were recorded."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        status__in=(Status.SCHEDULED, Status.POSTPONED),
        rsvp_deadline__gte=now,
        rsvp_deadline__lte=now + timedelta(days=days),
    )
    sent = 0
    for meeting in meetings:
        with transaction.atomic():
            meeting = _lock(meeting)
            pending = list(
                meeting.invitations.filter(status=Answer.PENDING)
                .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - timedelta(hours=24)))
                .select_related("organisation", "person__organisation")
            )
            if not pending:
                continue
            mail.queue(meeting, pending, kind=MailDelivery.Kind.REMINDER)
            Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(reminded_at=now)
            sent += len(pending)
    return sent
