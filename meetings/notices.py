"""The notices about meetings on the channels beside mail (group robots, SMS, the inbox).

``meetings.delivery.record`` calls ``notify`` wherever mail about a meeting is recorded, with
the same kind and recipients: this module writes the message in Chinese (the meeting, its time
in Beijing time, the place, the answer deadline; a cancellation says so first) and names whom
it concerns, and ``liaison.channels.dispatch`` records and sends it on each channel.

A group gets the link to the meeting's page, which asks for sign-in; a person's own signed
answer link (as a short link) goes only into an SMS to that person.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.channels import dispatch
from liaison.site import absolute_url
from meetings import links
from meetings.models import Decision, Invitation, MailDelivery, Meeting, MinutesVersion

Kind = MailDelivery.Kind
LANGUAGE = "zh-hans"
TITLES = {
    Kind.INVITATION: gettext_noop("Meeting notice: %(title)s"),
    Kind.REMINDER: gettext_noop("RSVP reminder: %(title)s"),
    Kind.UPDATE: gettext_noop("Meeting change notice: %(title)s"),
    Kind.CANCELLATION: gettext_noop("Meeting cancellation notice: %(title)s"),
    Kind.WAITLIST: gettext_noop("Moved up from the waiting list: %(title)s"),
    Kind.MINUTES: gettext_noop("Minutes circulated for comment: %(title)s"),
    Kind.DEADLINE: gettext_noop("Decision deadline approaching: %(title)s"),
}
ANSWERING = frozenset({Kind.INVITATION, Kind.REMINDER, Kind.UPDATE, Kind.WAITLIST})


def _facts(meeting: Meeting, kind: str, changes: dict) -> list[tuple[str, str]]:
    # Function-level: meetings.mail imports meetings.delivery, which imports this module.
    from meetings.mail import _beijing, _place, _when

    facts = [(_("Time (Beijing)"), _when(meeting)), (_("Place"), _place(meeting))]
    for name, label in (("when", _("Time was")), ("place", _("Place was"))):
        if name in (changes or {}):
            facts.append((label, changes[name][0]))
    if kind in ANSWERING and meeting.rsvp_deadline:
        facts.append((_("Answer by"), _beijing(meeting.rsvp_deadline)))
    return facts


def _about(meeting: Meeting, kind: str, object_id: int | None) -> tuple[str, set[int], str]:
    """The page the notice leads to, the organisations it concerns beyond the invitees, and
    for a decision its text."""
    if kind == Kind.MINUTES and object_id:
        version = MinutesVersion.objects.filter(pk=object_id).first()
        if version is not None:
            return reverse("minutes-version", args=[version.pk]), set(), ""
    if kind == Kind.DEADLINE and object_id:
        decision = Decision.objects.filter(pk=object_id).first()
        if decision is not None:
            units = set(decision.responsible_units.values_list("pk", flat=True))
            return reverse("decision-detail", args=[decision.pk]), units, decision.text[:100]
    return reverse("meeting-detail", args=[meeting.pk]), set(), ""


def notify(
    meeting: Meeting,
    invitations: list[Invitation],
    *,
    kind: str,
    object_id: int | None = None,
    changes: dict | None = None,
) -> None:
    """Record the notice of ``kind`` about ``meeting`` on the channels and in the inboxes of
    the people and organisations concerned (the ``invitations`` the mail went to)."""
    path, units, text = _about(meeting, kind, object_id)
    partnership = meeting.partnership
    organisations = {i.invitee_organisation_id for i in invitations} - {None} | units
    if kind == Kind.MINUTES:
        organisations |= {partnership.party_a_id, partnership.party_b_id}
    personal = kind in ANSWERING
    people, organisation_links = {}, {}
    for invitation in invitations:
        link = absolute_url(links.short_url(invitation)) if personal else ""
        if invitation.person_id:
            people[invitation.person_id] = link
        elif invitation.organisation_id and link:
            organisation_links[invitation.organisation_id] = link
    with translation.override(LANGUAGE):
        title = _(TITLES[kind]) % {"title": meeting.title}
        cancelled = kind == Kind.CANCELLATION
        facts = _facts(meeting, kind, changes or {})
        if text:
            facts.insert(0, (_("Decision"), text))
        message = dispatch.Message(
            kind=kind,
            title=title,
            first_line=_("This meeting has been cancelled.") if cancelled else "",
            facts=facts,
            link=absolute_url(path),
            link_label=_("Open in the liaison system (sign in)"),
            path=path,
            sms={
                "first": _("Cancelled: ") if cancelled else "",
                "title": title,
                "when": facts[0][1],
                "place": facts[1][1],
            },
        )
    dispatch.notify(
        message,
        dispatch.Audience(
            partnership_id=partnership.pk,
            organisation_ids=organisations,
            people=people,
            organisation_links=organisation_links,
            meeting_ref=meeting.pk,
        ),
    )
