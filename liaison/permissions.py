"""The one permission vocabulary, used by the pages and the API alike.

The secretariat writes everything, officials read everything, members read the directory and
what concerns their own organisation. Anonymous users see nothing but the login page.
"""

from __future__ import annotations

from liaison.models import User


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return User.Role.SECRETARIAT
    return user.role


def is_secretariat(user) -> bool:
    return role_of(user) == User.Role.SECRETARIAT


def is_official(user) -> bool:
    return role_of(user) == User.Role.OFFICIAL


def is_member(user) -> bool:
    return role_of(user) == User.Role.MEMBER and user.organisation_id is not None


def can_read_all(user) -> bool:
    """Secretariat and officials read everything."""
    return role_of(user) in (User.Role.SECRETARIAT, User.Role.OFFICIAL)


def can_read_directory(user) -> bool:
    """Every signed-in role reads the directory of organisations and the association."""
    return can_read_all(user) or is_member(user)


def can_write(user) -> bool:
    """Only the secretariat changes the registry."""
    return is_secretariat(user)


def can_see_history(user) -> bool:
    return can_read_all(user)


def is_own_organisation(user, organisation_id) -> bool:
    return is_member(user) and user.organisation_id == organisation_id


def can_see_contact_details(user, organisation) -> bool:
    """Phone numbers and e-mail of an organisation: the secretariat, officials, and the
    organisation's own members."""
    return can_read_all(user) or is_own_organisation(user, organisation.pk)


def can_see_draft_meetings(user) -> bool:
    return can_read_all(user)


def is_party_to(user, agreement) -> bool:
    """A member whose organisation is a party to the agreement."""
    return (
        is_member(user) and agreement.parties.filter(organisation_id=user.organisation_id).exists()
    )


def can_report_progress(user, agreement) -> bool:
    """Progress of an agreement is reported by its parties' members, or by the secretariat."""
    return is_secretariat(user) or is_party_to(user, agreement)


def can_review_progress(user) -> bool:
    return is_secretariat(user)


def can_manage_invitations(user) -> bool:
    """Inviting, recording answers given by phone, revoking links: the secretariat."""
    return is_secretariat(user)


def can_answer_invitation(user, invitation) -> bool:
    """The invited organisation's members, the invited person's own account, or the
    secretariat (who records answers given by phone)."""
    if is_secretariat(user):
        return True
    if not is_member(user):
        return False
    if invitation.organisation_id and invitation.organisation_id == user.organisation_id:
        return True
    return bool(invitation.person_id and invitation.person.user_id == user.pk)


def can_answer_after_deadline(user) -> bool:
    return is_secretariat(user)


# --- Minutes and decisions (meetings.minutes) ---------------------------------------------------


def can_draft_minutes(user) -> bool:
    """Drafting, circulating, publishing and correcting minutes: the secretariat."""
    return is_secretariat(user)


def is_minutes_approver(user, minutes) -> bool:
    return getattr(user, "is_authenticated", False) and user.pk in (
        minutes.approver_a_id,
        minutes.approver_b_id,
    )


def is_party_liaison(user, minutes) -> bool:
    """The user's person is the liaison person of one of the two parties of the meeting."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    partnership = minutes.meeting.partnership
    return bool(
        person is not None
        and person.is_liaison
        and person.organisation_id in (partnership.party_a_id, partnership.party_b_id)
    )


def can_review_minutes(user, minutes) -> bool:
    """Reading drafts (and their PDF) and commenting: the secretariat, the designated approvers
    and the liaison persons of the two parties."""
    return (
        is_secretariat(user)
        or is_minutes_approver(user, minutes)
        or is_party_liaison(user, minutes)
    )


def can_approve_minutes(user, minutes) -> bool:
    """Approving for a party: that party's designated approver only (not the secretariat)."""
    return is_minutes_approver(user, minutes)


def can_manage_decisions(user) -> bool:
    return is_secretariat(user)


def can_follow_up_decision(user, decision) -> bool:
    """Follow-ups: the secretariat, or a member of one of the decision's responsible units."""
    return is_secretariat(user) or (
        is_member(user) and decision.responsible_units.filter(pk=user.organisation_id).exists()
    )


def can_delete_report(user, report) -> bool:
    """A generated report is removed by whoever asked for it, or by the secretariat."""
    return is_secretariat(user) or (
        can_read_all(user) and report.requested_by_id == getattr(user, "pk", None)
    )
