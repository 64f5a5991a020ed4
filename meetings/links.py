"""Signed answer links for invitation mails: they work without signing in.

A link carries the invitation's id, its purpose and the invitation's link version, signed with
the project's secret key. It stops working when the meeting ends, when the secretariat revokes
the invitation's links (the version is raised), or when anything in it is changed. Opening a
link never changes anything by itself (mail scanners open links); the answer is recorded only
when the invitee taps the confirm button (``?answer=``) or submits the form on the page it leads
to. Those are plain POST forms protected by Django's CSRF cookie, which the page itself sets: a
first-party cookie, so they work in a fresh browser and in chat apps' in-app browsers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meetings.models import Invitation

SALT = "meetings.invitation-link"
RSVP = "rsvp"


@dataclass
class LinkError(Exception):
    """Why a link cannot be used: a sentence for the invitee and the HTTP status to answer."""

    message: Promise | str
    status: int


def make_token(invitation: Invitation, purpose: str = RSVP) -> str:
    return signing.dumps(
        {"i": invitation.pk, "p": purpose, "v": invitation.token_version}, salt=SALT
    )


def rsvp_url(invitation: Invitation, answer: str = "") -> str:
    """The path of the answer page, optionally with an answer preselected (the accept,
    decline and tentative buttons of the mail): the page then offers to confirm it in one
    tap."""
    url = reverse("invitation-link", args=[make_token(invitation)])
    return f"{url}?answer={answer}" if answer else url


def _short_signature(invitation_id: int, version: int) -> str:
    return signing.Signer(salt=SALT + ".short").signature(f"{invitation_id}.{version}")[:12]


def short_url(invitation: Invitation) -> str:
    """A short path (for an SMS) that leads to the invitation's answer page."""
    code = f"{invitation.pk}-{_short_signature(invitation.pk, invitation.token_version)}"
    return reverse("invitation-short-link", args=[code])


def read_short_code(code: str) -> Invitation:
    """The invitation of a short link's code, or LinkError as for the full link."""
    number, _dash, signature = code.partition("-")
    invitation = Invitation.objects.filter(pk=int(number)).first() if number.isdigit() else None
    if invitation is None or not constant_time_compare(
        signature, _short_signature(invitation.pk, invitation.token_version)
    ):
        raise LinkError(
            _("This link is not valid. Please use the link in your invitation exactly as sent."),
            400,
        )
    return invitation


def read_token(token: str, purpose: str = RSVP, *, now=None) -> Invitation:
    """The invitation a link stands for, or LinkError saying why it cannot be used."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise LinkError(
            _("This link is not valid. Please use the link in your invitation exactly as sent."),
            400,
        ) from error
    if not isinstance(payload, dict) or payload.get("p") != purpose:
        raise LinkError(_("This link is not meant for answering an invitation."), 400)
    try:
        # get(), not first(): without ordering by the invitee's names (joins and a sort).
        invitation = Invitation.objects.select_related(
            "meeting", "organisation", "person__organisation"
        ).get(pk=int(payload.get("i")))
    except (Invitation.DoesNotExist, TypeError, ValueError):
        raise LinkError(_("This invitation has been withdrawn."), 410) from None
    if payload.get("v") != invitation.token_version:
        raise LinkError(
            _("This link has been replaced by a newer one. Please use the latest invitation."),
            403,
        )
    if (now or timezone.now()) > invitation.meeting.end:
        raise LinkError(_("This link has expired: the meeting is over."), 410)
    return invitation
