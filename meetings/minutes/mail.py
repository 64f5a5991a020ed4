"""Mail about minutes and decisions: "minutes circulated for comment" to the liaison persons
and approvers of both parties, and "decision deadline approaching" to the responsible units.

This module chooses the recipients and writes the mails (plain text, in Chinese);
``meetings.delivery`` records one ``MailDelivery`` row per recipient (kinds MINUTES and
DEADLINE, no invitation, ``object_id`` the minutes version or the decision) and sends, retries
and marks them as it does every mail about meetings.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from liaison.models import Person
from liaison.site import absolute_reverse
from liaison.tasks import background_task, once_a_day
from meetings import delivery as pipeline
from meetings.models import Decision, MailDelivery, MinutesVersion

Kind = MailDelivery.Kind
MAIL_LANGUAGE = "zh-hans"


def _queue(meeting, addresses: list[str], *, kind: str, object_id: int) -> list[int]:
    deliveries = pipeline.record(
        meeting,
        [pipeline.Recipient(address) for address in dict.fromkeys(addresses)],
        kind=kind,
        object_id=object_id,
    )
    return [d.pk for d in deliveries]


def circulation_addresses(version: MinutesVersion) -> list[str]:
    minutes = version.minutes
    partnership = minutes.meeting.partnership
    people = Person.objects.filter(
        organisation_id__in=(partnership.party_a_id, partnership.party_b_id), is_liaison=True
    ).exclude(email="")
    addresses = list(people.order_by("organisation_id").values_list("email", flat=True))
    for approver in (minutes.approver_a, minutes.approver_b):
        if approver is not None and approver.email:
            addresses.append(approver.email)
    return addresses


def queue_circulation(version: MinutesVersion) -> list[int]:
    return _queue(
        version.minutes.meeting,
        circulation_addresses(version),
        kind=Kind.MINUTES,
        object_id=version.pk,
    )


def unit_addresses(decision: Decision) -> list[str]:
    """Each responsible unit's liaison person's address, else the unit's own."""
    units = list(decision.responsible_units.all())
    liaisons = dict(
        Person.objects.filter(organisation__in=units, is_liaison=True)
        .exclude(email="")
        .values_list("organisation_id", "email")
    )
    return [address for unit in units if (address := liaisons.get(unit.pk) or unit.email)]


def queue_deadline_reminder(decision: Decision) -> list[int]:
    return _queue(
        decision.minutes.meeting,
        unit_addresses(decision),
        kind=Kind.DEADLINE,
        object_id=decision.pk,
    )


def _minutes_text(version: MinutesVersion) -> tuple[str, str]:
    subject = _("Minutes for your comments: %(title)s") % {"title": version.minutes.meeting.title}
    data = {
        "version": version,
        "minutes": version.minutes,
        "url": absolute_reverse("minutes-version", version.pk),
    }
    return subject, render_to_string("meetings/mail/minutes.txt", data)


def _deadline_text(decision: Decision) -> tuple[str, str]:
    subject = _("Decision deadline approaching: %(decision)s") % {"decision": decision}
    data = {"decision": decision, "url": absolute_reverse("decision-detail", decision.pk)}
    return subject, render_to_string("meetings/mail/deadline.txt", data)


def texts(deliveries: list[MailDelivery]) -> dict[tuple[str, int], tuple[str, str]]:
    """The subject and text of each minutes version or decision the deliveries are about,
    written once for all their recipients."""
    wanted = {(d.kind, d.object_id) for d in deliveries}
    versions = MinutesVersion.objects.select_related("minutes__meeting").filter(
        pk__in=[pk for kind, pk in wanted if kind == Kind.MINUTES]
    )
    decisions = Decision.objects.select_related("minutes__meeting").filter(
        pk__in=[pk for kind, pk in wanted if kind == Kind.DEADLINE]
    )
    with translation.override(MAIL_LANGUAGE):
        found = {(Kind.MINUTES, v.pk): _minutes_text(v) for v in versions}
        found.update({(Kind.DEADLINE, d.pk): _deadline_text(d) for d in decisions})
    return found


def prepare(deliveries: list[MailDelivery]):
    """The renderer of a batch of minutes mail (``meetings.delivery`` calls it)."""
    written = texts(deliveries)

    def render(delivery: MailDelivery) -> EmailMessage:
        if (delivery.kind, delivery.object_id) not in written:
            raise LookupError(f"{delivery.get_kind_display()} #{delivery.object_id} is gone.")
        subject, text = written[delivery.kind, delivery.object_id]
        return EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [delivery.recipient])

    return render


@background_task(name="meetings.minutes_mail.send_minutes_mail")
def send_minutes_mail(delivery_ids: list[int], kind: str = "", object_id: int = 0) -> None:
    """Kept for work queued under this name before ``meetings.delivery`` sent all mail."""
    MailDelivery.objects.filter(pk__in=delivery_ids, object_id__isnull=True).update(
        object_id=object_id
    )
    pipeline.send_deliveries.apply_async(args=[delivery_ids])


@background_task(name="meetings.minutes_mail.send_decision_reminders")
@once_a_day
def send_decision_reminders(days: int = 7) -> int:
    """The daily reminder job; see ``meetings.minutes.decisions.remind_decision_deadlines``."""
    # Imported here: the decisions module imports this one to queue its mails.
    from meetings.minutes import decisions

    return decisions.remind_decision_deadlines(days=days)
