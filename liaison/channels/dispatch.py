"""Recording a notice on every channel that serves its audience, and in the inbox.

The caller (``meetings.notices``, the reports) writes the ``Message`` in Chinese and names the
``Audience``; ``notify`` picks the active channels that carry that kind of notice and serve
that audience, records one ``ChannelDelivery`` per channel and recipient in the caller's
transaction, the inbox ``Notice`` of each user concerned, and submits the sending after the
commit.

A group robot gets the link that leads to sign-in (the page itself), never a person's own
answer link; an SMS to a person may carry that person's own short link.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from liaison.channels import dingtalk, sms, wecom
from liaison.models import Channel, ChannelDelivery, Notice, Person, User

Status = ChannelDelivery.Status
NO_PHONE = "no phone number"


@dataclass
class Message:
    """What a notice says, whatever the channel: its title, an optional first line (a
    cancellation says so first), labelled facts, and the link that leads to sign-in."""

    kind: str
    title: str
    first_line: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    link: str = ""
    link_label: str = ""
    path: str = ""  # the inbox notice's link, on this site
    sms: dict = field(default_factory=dict)  # the SMS template's parameters but the link


@dataclass
class Audience:
    """Whom a notice concerns: the partnership's group, organisations, and people (each with
    their own short answer link, or "")."""

    partnership_id: int | None = None
    organisation_ids: set[int] = field(default_factory=set)
    people: dict[int, str] = field(default_factory=dict)
    organisation_links: dict[int, str] = field(default_factory=dict)  # for liaison persons
    meeting_ref: int | None = None
    users: set[int] = field(default_factory=set)


def markdown(message: Message) -> str:
    lines = []
    if message.first_line:
        lines.append(f"**{message.first_line}**")
    lines.append(f"**{message.title}**")
    lines += [f"> {label}：{value}" for label, value in message.facts if value]
    if message.link:
        lines.append(f"[{message.link_label or message.link}]({message.link})")
    return "\n".join(lines)


def _channels(kind: str, audience: Audience) -> list[Channel]:
    serves = Q(audience=Channel.Audience.PERSON, person_id__in=audience.people)
    if audience.partnership_id:
        serves |= Q(audience=Channel.Audience.PARTNERSHIP, partnership_id=audience.partnership_id)
    if audience.organisation_ids:
        serves |= Q(
            audience=Channel.Audience.ORGANISATION, organisation_id__in=audience.organisation_ids
        )
    found = Channel.objects.filter(serves, active=True).select_related("person").order_by("pk")
    return [channel for channel in found if channel.serves(kind)]


def _sms_people(channels: list[Channel], audience: Audience) -> dict[int, list[Person]]:
    """Each SMS channel's people: its person; else the people of the audience and the
    liaison persons of its organisations (of the organisation it serves)."""
    sms_channels = [c for c in channels if c.kind == Channel.Kind.SMS]
    if not sms_channels:
        return {}
    people = list(
        Person.objects.filter(
            Q(pk__in=audience.people)
            | Q(organisation_id__in=audience.organisation_ids, is_liaison=True)
        ).order_by("organisation_id", "pk")
    )
    found = {}
    for channel in sms_channels:
        if channel.audience == Channel.Audience.PERSON:
            found[channel.pk] = [channel.person]
        elif channel.audience == Channel.Audience.ORGANISATION:
            found[channel.pk] = [p for p in people if p.organisation_id == channel.organisation_id]
        else:
            found[channel.pk] = people
    return found


def _sms_delivery(channel, person, message, audience, now) -> ChannelDelivery:
    link = (
        audience.people.get(person.pk)
        or (person.is_liaison and audience.organisation_links.get(person.organisation_id))
        or message.link
    )
    params = {**message.sms, "first": message.sms.get("first", ""), "link": link}
    return ChannelDelivery(
        channel=channel,
        kind=message.kind,
        recipient=f"{person.name} {person.phone}".strip(),
        meeting_ref=audience.meeting_ref,
        payload={"phone": person.phone, "params": params, "text": sms.text(params)},
        status=Status.QUEUED if person.phone else Status.FAILED,
        error="" if person.phone else NO_PHONE,
        created_at=now,
        next_attempt_at=now,
    )


def _robot_payload(channel: Channel, message: Message) -> dict:
    text = markdown(message)
    if channel.kind == Channel.Kind.DINGTALK:
        return dingtalk.body(message.title, text)
    return wecom.body(text)


def _inbox(message: Message, audience: Audience, now) -> None:
    users = set(audience.users)
    if audience.people or audience.organisation_ids:
        users |= set(
            User.objects.filter(
                Q(person__pk__in=audience.people)
                | Q(organisation_id__in=audience.organisation_ids, role=User.Role.MEMBER)
            ).values_list("pk", flat=True)
        )
    body = "\n".join(
        [message.first_line] * bool(message.first_line)
        + [f"{label}：{value}" for label, value in message.facts if value]
    )
    Notice.objects.bulk_create(
        Notice(
            user_id=user_id,
            kind=message.kind,
            title=message.title[:200],
            body=body,
            url=message.path,
            created_at=now,
        )
        for user_id in sorted(users)
    )


def notify(message: Message, audience: Audience) -> list[ChannelDelivery]:
    """Record the notice on every channel serving ``audience`` and in the inbox of each user
    concerned; the channels' messages are sent after the commit."""
    # Function-level: sending imports the task module, which imports this one's callers.
    from liaison.channels import sending

    now = timezone.now()
    _inbox(message, audience, now)
    channels = _channels(message.kind, audience)
    people = _sms_people(channels, audience)
    deliveries = []
    for channel in channels:
        if channel.kind == Channel.Kind.SMS:
            deliveries += [
                _sms_delivery(channel, person, message, audience, now)
                for person in people[channel.pk]
                if not person.sms_opt_out
            ]
        else:
            deliveries.append(
                ChannelDelivery(
                    channel=channel,
                    kind=message.kind,
                    recipient=channel.name[:100],
                    meeting_ref=audience.meeting_ref,
                    payload=_robot_payload(channel, message),
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    deliveries = ChannelDelivery.objects.bulk_create(deliveries)
    sending.submit_deliveries([d.pk for d in deliveries if d.status == Status.QUEUED])
    return deliveries
