"""Invitations: inviting organisations and people (each once), and revoking the answer links
sent so far."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison import audit, permissions
from liaison.models import AuditEntry, Organisation, Person
from meetings.models import Invitation, Meeting
from meetings.services.locking import lock_meeting


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


def check_can_invite(meeting: Meeting, actor) -> None:
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be given invitations."))


def invite_organisations(
    meeting: Meeting, organisations: Iterable[Organisation], *, actor
) -> list[Invitation]:
    """Invite organisations to the meeting; those already invited are skipped, so inviting the
    same list twice creates nothing. Returns the new invitations (the mail module sends them)."""
    check_can_invite(meeting, actor)
    with transaction.atomic():
        lock_meeting(meeting)
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
    check_can_invite(meeting, actor)
    with transaction.atomic():
        lock_meeting(meeting)
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


def invite_audience(meeting: Meeting, audience, *, actor) -> list[Invitation]:
    """Invite a resolved ``meetings.audience.Audience`` (the invite page and the API): its
    organisations as units and its people by name, skipping those already invited."""
    with transaction.atomic():
        created = invite_organisations(meeting, audience.organisations, actor=actor)
        created += invite_people(meeting, audience.people, actor=actor)
    return created


def revoke_links(invitation: Invitation, *, actor) -> Invitation:
    """Make every answer link sent so far for this invitation stop working."""
    if not permissions.can_manage_invitations(actor):
        raise PermissionDenied
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        audit.update_audited(
            invitation,
            {"token_version": invitation.token_version + 1},
            actor=actor,
            note=_("answer links revoked"),
        )
    return invitation
