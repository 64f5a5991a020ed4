"""Answers (回执): the one RSVP service every channel goes through, with capacity and the
waiting list, and the one-tap answers of the mail's links. Inviting is in ``invitations``."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liaison import audit, permissions
from liaison.models import Person
from liaison.validators import normalise_mainland_phone
from meetings import mail
from meetings.models import (
    Attendee,
    Invitation,
    MailDelivery,
    Meeting,
)
from meetings.services.locking import lock_meeting

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


def check_answer_is_newest(
    invitation: Invitation, meeting: Meeting, *, sequence: int, stamp: datetime
) -> None:
    """Answers are ordered as RFC 5546 2.1.5 orders iTIP messages: by the SEQUENCE of the
    meeting they answer, then by their time stamp. An answer to an earlier version of the
    meeting does not count for the current one, and an answer older than the one recorded
    (a calendar reply that crossed a newer answer on the page) must not overwrite it. A change
    made without notifying (a typo) raises SEQUENCE but keeps earlier answers valid: only a
    version before ``answers_from_sequence`` (the last change of time or place) is superseded."""
    if sequence < meeting.answers_from_sequence:
        raise ValidationError(
            _("This reply answers an earlier time of the meeting."), code="superseded"
        )
    if sequence > meeting.sequence:
        raise ValidationError(
            _("This reply answers a version of the meeting that was never sent."),
            code="unknown_version",
        )
    if invitation.answer_sequence is None or invitation.answer_stamp is None:
        return
    if (sequence, stamp) < (invitation.answer_sequence, invitation.answer_stamp):
        raise ValidationError(
            _(
                "A newer answer (%(answer)s, given %(at)s) is already recorded; this older "
                "reply does not replace it."
            )
            % {
                "answer": invitation.get_status_display(),
                "at": timezone.localtime(invitation.answer_stamp).strftime("%Y-%m-%d %H:%M:%S"),
            },
            code="out_of_order",
        )


def attendee_key(name: str) -> str:
    """A name as compared between attendees: "Li Wei", " li  wei" and "Ｌｉ Ｗｅｉ" are one person."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _clean_attendees(attendees: Iterable[dict] | None) -> list[Attendee]:
    """The attendees as unsaved, validated objects; rows without a name are dropped. A name
    given twice is refused: each attendee is one seat and one check-in code."""
    cleaned, errors, seen, repeated = [], [], set(), set()
    for position, data in enumerate(attendees or []):
        values = {name: data[name] for name in ATTENDEE_FIELDS if data.get(name) is not None}
        values["name"] = str(values.get("name", "")).strip()
        if not values["name"]:
            continue
        key = attendee_key(values["name"])
        if key in seen:
            if key in repeated:
                continue
            repeated.add(key)
            errors.append(
                ValidationError(
                    _(
                        "%(name)s is named more than once among the attendees: name each person once."
                    ),
                    code="attendee_repeated",
                    params={"name": values["name"]},
                )
            )
            continue
        seen.add(key)
        problems = {}
        if values.get("phone"):
            try:
                values["phone"] = normalise_mainland_phone(str(values["phone"]))
            except ValidationError as error:
                problems["phone"] = error.messages
        attendee = Attendee(position=position, **values)
        try:
            # The table's two checks are made here in Python: validating them asks the database
            # twice per attendee, inside the meeting's lock (a name is never empty here).
            attendee.full_clean(
                exclude=["invitation", *problems], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems.update(error.message_dict)
        if _departs_before_arrival(attendee):
            problems.setdefault(NON_FIELD_ERRORS, []).append(DEPARTS_BEFORE_ARRIVAL)
        errors += [
            ValidationError(
                "%(name)s: %(message)s",
                code="attendee_invalid",
                params={"name": values["name"], "message": message, "field": field},
            )
            for field, messages in problems.items()
            for message in messages
        ]
        cleaned.append(attendee)
    if errors:
        raise ValidationError({"attendees": errors})
    return cleaned


DEPARTS_BEFORE_ARRIVAL = next(
    c.violation_error_message
    for c in Attendee._meta.constraints
    if c.name == "attendee_departs_after_arrival"
)


def _departs_before_arrival(attendee: Attendee) -> bool:
    """The ``attendee_departs_after_arrival`` check, on valid dates."""
    arrival, departure = attendee.arrival_date, attendee.departure_date
    return isinstance(arrival, date) and isinstance(departure, date) and departure < arrival


def _clean_delegate(delegate: dict | None) -> dict:
    delegate = {name: str((delegate or {}).get(name) or "").strip() for name in DELEGATE_FIELDS}
    if (delegate["title"] or delegate["phone"]) and not delegate["name"]:
        raise ValidationError({"delegate": _("Give the delegate's name.")})
    if delegate["phone"]:
        try:
            delegate["phone"] = normalise_mainland_phone(delegate["phone"])
        except ValidationError as error:
            error.params = {"field": "phone"}
            raise ValidationError({"delegate": [error]}) from error
    return delegate


def _default_attendees(invitation: Invitation, delegate: dict) -> list[Attendee]:
    """Who comes when the answer names nobody: the delegate, or else the invited person."""
    if delegate["name"]:
        return [Attendee(name=delegate["name"], title=delegate["title"], phone=delegate["phone"])]
    if invitation.person_id:
        person = invitation.person
        try:
            phone = normalise_mainland_phone(person.phone)
        except ValidationError:
            phone = person.phone  # the directory's number, as the directory keeps it
        return [Attendee(name=person.name, title=person.title, phone=phone)]
    return []


def _seats_taken(meeting: Meeting) -> int:
    return Attendee.objects.filter(
        invitation__meeting=meeting, invitation__status=Answer.ACCEPTED
    ).count()


def _check_fits_at_all(meeting: Meeting, headcount: int) -> None:
    """More attendees than the meeting has seats would wait for ever, and hold back everyone
    behind them on the waiting list."""
    if meeting.capacity is not None and headcount > meeting.capacity:
        raise ValidationError(
            {
                "attendees": ngettext(
                    "The meeting has %(capacity)s seat in all: name at most %(capacity)s attendee.",
                    "The meeting has %(capacity)s seats in all: name at most %(capacity)s "
                    "attendees.",
                    meeting.capacity,
                )
                % {"capacity": meeting.capacity}
            }
        )


@dataclass(frozen=True)
class Standing:
    """Where the meeting stands for one answer, read in one query under the meeting's lock:
    the seats the other invitations hold, and the first and last places on the waiting list
    (``None`` when nobody waits)."""

    others_seated: int
    first_waiting: int | None
    last_waiting: int | None


def _standing_sql() -> str:
    # Written out rather than built by the ORM: this query runs inside the meeting's lock for
    # every acceptance, and building it from QuerySets cost more CPU than running it. Both
    # parts seek the (meeting, status, waitlist_position) index.
    invitation, attendee = Invitation._meta.db_table, Attendee._meta.db_table
    return (
        "SELECT seated.n, waiting.lo, waiting.hi FROM "
        f"(SELECT COUNT(*) AS n FROM {attendee} a JOIN {invitation} i ON a.invitation_id = i.id"
        "  WHERE i.meeting_id = %s AND i.status = %s AND i.id <> %s) seated, "
        f"(SELECT MIN(waitlist_position) AS lo, MAX(waitlist_position) AS hi FROM {invitation}"
        "  WHERE meeting_id = %s AND status = %s) waiting"
    )


STANDING_SQL = _standing_sql()


def _standing(meeting: Meeting, invitation: Invitation) -> Standing:
    """The meeting's seats and waiting list as they are now, without ``invitation``'s seats.
    Read after the meeting's lock is taken, never with it: PostgreSQL would evaluate
    subqueries of the locking statement on the data as it was before the lock was granted."""
    with connection.cursor() as cursor:
        cursor.execute(
            STANDING_SQL,
            [meeting.pk, Answer.ACCEPTED, invitation.pk, meeting.pk, Answer.WAITLISTED],
        )
        return Standing(*cursor.fetchone())


def _status_for_acceptance(invitation: Invitation, standing: Standing, headcount: int) -> str:
    """ACCEPTED when the attendees fit the meeting's capacity and nobody waits ahead, else
    WAITLISTED."""
    fits = standing.others_seated + headcount <= invitation.meeting.capacity
    if invitation.status == Answer.ACCEPTED:
        return Answer.ACCEPTED if fits else Answer.WAITLISTED
    if invitation.status == Answer.WAITLISTED:
        # Someone waits ahead when the list's first place comes before this one's.
        ahead = standing.first_waiting < invitation.waitlist_position
    else:
        ahead = standing.first_waiting is not None
    return Answer.ACCEPTED if fits and not ahead else Answer.WAITLISTED


def _sync_attendees(invitation: Invitation, attendees: list[Attendee]) -> None:
    """Make the stored attendees exactly the given ones. A returning name keeps its row, and so
    its check-in code and attendance; every other stored row is removed. The invitation's
    attendees read under the lock (``_locked``) are forgotten: whoever reads them next reads
    them as stored now."""
    existing: dict[str, list[Attendee]] = {}
    for stored in invitation.attendees.all():
        existing.setdefault(attendee_key(stored.name), []).append(stored)
    for attendee in attendees:
        same_name = existing.get(attendee_key(attendee.name))
        if same_name:
            stored = same_name.pop(0)
            for name in (*ATTENDEE_FIELDS, "position"):
                setattr(stored, name, getattr(attendee, name))
            stored.save()
        else:
            attendee.invitation = invitation
            attendee.save()
    leftover = [stored.pk for rows in existing.values() for stored in rows]
    if leftover:
        invitation.attendees.filter(pk__in=leftover).delete()
    invitation.refresh_from_db(fields=["attendees"])  # drops the prefetched rows, no query


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
    sequence: int | None = None,
    stamp: datetime | None = None,
) -> RsvpResult:
    """Record an invitee's answer, through any channel (page, link, API, phone, calendar).

    Members answer and change their answer until the deadline; afterwards the secretariat
    records answers given by phone. An acceptance that does not fit the capacity goes to the
    end of the waiting list; seats freed by this answer move the waiting list up, in order.
    The meeting row is locked for the whole change, and the answer is audited with its channel.

    ``sequence`` and ``stamp`` say which version of the meeting the answer refers to and when
    it was given: a calendar reply's SEQUENCE and DTSTAMP; by default (an answer given here)
    the meeting's current SEQUENCE and ``now``. An answer to an earlier version, or one older
    than the answer already recorded, is refused (``check_answer_is_newest``).
    """
    if status not in ANSWERS:
        raise ValidationError({"status": _("Answer attending, not attending or tentative.")})
    with transaction.atomic():
        invitation = _locked(invitation)
        return _record_locked(
            invitation,
            status=status,
            attendees=attendees,
            delegate=delegate,
            note=note,
            actor=actor,
            channel=channel,
            now=now,
            sequence=sequence,
            stamp=stamp,
        )


def _locked(invitation: Invitation) -> Invitation:
    """Lock the invitation's meeting (inside a transaction), and read the invitation and its
    attendees again under the lock: another answer may have changed them since. The
    attendees are read once here for the whole answer. The invitee (organisation, person),
    which no answer changes, is taken from ``invitation`` when the caller read it there, so
    the lock is not held while it is read again."""
    meeting = lock_meeting(invitation.meeting_id)
    known = _invitee_read(invitation)
    fresh = Invitation.objects.prefetch_related("attendees")
    if not known:
        fresh = fresh.select_related("person__organisation", "organisation")
    fresh = fresh.get(pk=invitation.pk)
    if known:
        for relation in _INVITEE:
            if getattr(fresh, relation.attname) == getattr(invitation, relation.attname):
                relation.set_cached_value(fresh, relation.get_cached_value(invitation, None))
    fresh.meeting = meeting
    return fresh


_INVITEE = (Invitation._meta.get_field("organisation"), Invitation._meta.get_field("person"))


def _invitee_read(invitation: Invitation) -> bool:
    """Whether the invitation's organisation and person (with the person's organisation) are
    already read into it."""
    organisation, person = _INVITEE
    if invitation.organisation_id and not organisation.is_cached(invitation):
        return False
    if invitation.person_id:
        if not person.is_cached(invitation):
            return False
        return Person._meta.get_field("organisation").is_cached(invitation.person)
    return True


def _record_locked(
    invitation: Invitation,
    *,
    status: str,
    attendees,
    delegate,
    note: str,
    actor,
    channel: str,
    now,
    sequence,
    stamp,
) -> RsvpResult:
    """``record_rsvp`` once the meeting is locked and the invitation read under the lock."""
    now = now or timezone.now()
    meeting = invitation.meeting
    check_may_answer(invitation, meeting, actor=actor, channel=channel, now=now)
    sequence = meeting.sequence if sequence is None else sequence
    stamp = now if stamp is None else min(stamp, now)
    check_answer_is_newest(invitation, meeting, sequence=sequence, stamp=stamp)
    delegate = _clean_delegate(delegate)
    people = [] if status == Answer.DECLINED else _clean_attendees(attendees)
    if status != Answer.DECLINED and not people:
        people = _default_attendees(invitation, delegate)
    if status == Answer.ACCEPTED and not people:
        raise ValidationError({"attendees": _("Name at least one person who will attend.")})
    if status == Answer.ACCEPTED:
        _check_fits_at_all(meeting, len(people))

    standing = None
    if status == Answer.ACCEPTED and meeting.capacity is not None:
        standing = _standing(meeting, invitation)
        status = _status_for_acceptance(invitation, standing, len(people))
    if status == Answer.WAITLISTED and invitation.status != Answer.WAITLISTED:
        waitlist_position = (standing.last_waiting or 0) + 1
    elif status != Answer.WAITLISTED:
        waitlist_position = None
    else:
        waitlist_position = invitation.waitlist_position
    # Only an answer that held a seat can free one, and only one that was waiting can have
    # held back those behind it (the first waiting that does not fit stops the list). Any
    # other answer leaves the waiting list as it was: nobody there could be moved up.
    may_move_list = invitation.status in (Answer.ACCEPTED, Answer.WAITLISTED)
    audit.update_audited(
        invitation,
        {
            "answer_sequence": sequence,
            "answer_stamp": stamp,
            "status": status,
            "waitlist_position": waitlist_position,
            "note": note.strip(),
            "delegate_name": delegate["name"],
            "delegate_title": delegate["title"],
            "delegate_phone": delegate["phone"],
            "answered_at": now,
            "answered_via": channel,
        },
        actor=actor,
        note=" · ".join(filter(None, [str(Channel(channel).label), _summary(people)])),
    )
    _sync_attendees(invitation, people)
    if not may_move_list:
        return RsvpResult(invitation)
    seated = None
    if standing is not None:
        seated = standing.others_seated + (len(people) if status == Answer.ACCEPTED else 0)
    return RsvpResult(invitation, promote_waiting(meeting, actor=actor, seated=seated))


def promote_waiting(meeting: Meeting, *, actor, seated: int | None = None) -> list[Invitation]:
    """Move waiting invitations up, first come first served, while their attendees fit.

    Stops at the first that does not fit: nobody overtakes an earlier place on the list. One
    with more attendees than the meeting has seats (the capacity was lowered after it answered)
    can never fit, so it holds nobody back. ``seated`` is the number of seats taken, when the
    caller has just counted them under the meeting's lock."""
    promoted = []
    taken = seated
    for invitation in _waiting_in_order(meeting):
        if taken is None:
            taken = _seats_taken(meeting)
        if meeting.capacity is not None and taken + invitation.headcount > meeting.capacity:
            break
        audit.update_audited(
            invitation,
            {"status": Answer.ACCEPTED, "waitlist_position": None},
            actor=actor,
            note=str(Channel.WAITLIST.label),
        )
        taken += invitation.headcount
        promoted.append(invitation)
    # Tell them they have a seat now (after the commit, like all mail).
    mail.queue(meeting, promoted, kind=MailDelivery.Kind.WAITLIST)
    return promoted


WAITING_BATCH = 10


def _waiting_in_order(meeting: Meeting):
    """The waiting invitations in their order, with their headcount, read a few at a time:
    the promotion usually stops at the first (a full meeting), and must not read the whole
    waiting list for each answer of a rush. Those that can never fit are left out by the
    database (the caller would skip them)."""
    waiting = (
        meeting.invitations.waiting()
        .annotate(headcount=Count("attendees"))
        .select_related("organisation", "person__organisation")
        .order_by("waitlist_position", "pk")
    )
    if meeting.capacity is not None:
        waiting = waiting.filter(headcount__lte=meeting.capacity)
    seen: list[int] = []
    while True:
        batch = list(waiting.exclude(pk__in=seen)[:WAITING_BATCH])
        yield from batch
        if len(batch) < WAITING_BATCH:
            return
        seen += [invitation.pk for invitation in batch]


# --- One-tap answers (the mail's 一键回执 links) ------------------------------------------------


def one_tap_attendees(invitation: Invitation, status: str) -> list[dict] | None:
    """Whom a one-tap answer records as attending: the attendees named so far, unchanged; with
    nobody named yet, the delegate, else the invited person, else the liaison person of the
    invited organisation (to whom the invitation mail is addressed). ``None`` when an
    acceptance can name nobody: the full answer form must be filled in."""
    if status == Answer.DECLINED:
        return []
    named = [
        {name: getattr(attendee, name) for name in ATTENDEE_FIELDS}
        # In their order (the model's), from the attendees read with the invitation if they were.
        for attendee in invitation.attendees.all()
    ]
    if named:
        return named
    default = _default_attendees(invitation, _clean_delegate(_standing_delegate(invitation)))
    if not default and invitation.organisation_id:
        # An organisation has one liaison: no need for the directory's ordering, which joins
        # the organisation to sort by its name.
        liaison = (
            Person.objects.filter(organisation_id=invitation.organisation_id, is_liaison=True)
            .order_by()
            .first()
        )
        if liaison is not None:
            default = [Attendee(name=liaison.name, title=liaison.title, phone=liaison.phone)]
    if default:
        return [{name: getattr(attendee, name) for name in ATTENDEE_FIELDS} for attendee in default]
    return None if status == Answer.ACCEPTED else []


def _standing_delegate(invitation: Invitation) -> dict:
    return {name: getattr(invitation, f"delegate_{name}") for name in DELEGATE_FIELDS}


def confirm_answer(
    invitation: Invitation, *, status: str, actor, channel: str, now: datetime | None = None
) -> RsvpResult:
    """Record ``status`` as the answer and keep everything else as it stands (attendees with
    their details, delegate, note): the confirm button under a mail's one-tap answer link.
    Goes through ``record_rsvp`` like every answer; an acceptance that can name nobody
    (see ``one_tap_attendees``) is refused with the same error as an empty answer form."""
    if status not in ANSWERS:
        raise ValidationError({"status": _("Answer attending, not attending or tentative.")})
    with transaction.atomic():
        # One lock and one read for the whole answer (``record_rsvp`` would take them again).
        invitation = _locked(invitation)
        attendees = one_tap_attendees(invitation, status)
        if attendees is None:
            raise ValidationError({"attendees": _("Name at least one person who will attend.")})
        return _record_locked(
            invitation,
            status=status,
            attendees=attendees,
            delegate=_standing_delegate(invitation),
            note=invitation.note,
            actor=actor,
            channel=channel,
            now=now,
            sequence=None,
            stamp=None,
        )
