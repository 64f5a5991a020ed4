"""Whom to invite: the organisations and people a bulk invitation reaches (reads only).

``resolve`` turns the choices of the invite page and of the API alike (the association, both
parties, a region, a sector, named organisations and people) into one ``Audience``; the
services invite exactly that."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from liaison.models import Membership, Organisation, Partnership, Person, Region, Sector


def association_members(partnership: Partnership) -> QuerySet[Organisation]:
    """The active members of the partnership's mutual-aid association."""
    return Organisation.objects.filter(
        memberships__association__partnership=partnership,
        memberships__status=Membership.Status.ACTIVE,
    ).distinct()


def parties(partnership: Partnership) -> QuerySet[Organisation]:
    """Both parties of the partnership (the Federation and Turpan's government)."""
    return Organisation.objects.filter(pk__in=[partnership.party_a_id, partnership.party_b_id])


def in_region(region: Region) -> QuerySet[Organisation]:
    """Organisations in the region or any region inside it."""
    return Organisation.objects.filter(region__in=region.with_descendants())


def in_sector(sector: Sector) -> QuerySet[Organisation]:
    return Organisation.objects.filter(sector=sector)


@dataclass(frozen=True)
class Audience:
    """Whom a bulk invitation reaches: organisations (each invited as a unit) and people by
    name, each once, in the order chosen."""

    organisations: tuple[Organisation, ...]
    people: tuple[Person, ...]

    def __bool__(self) -> bool:
        return bool(self.organisations or self.people)

    def already_invited(self, meeting) -> int:
        """How many of them the meeting has invited already (they are skipped)."""
        organisations = meeting.invitations.filter(
            person__isnull=True, organisation__in=[o.pk for o in self.organisations]
        ).count()
        people = meeting.invitations.filter(person__in=[p.pk for p in self.people]).count()
        return organisations + people


def _once(objects: Iterable) -> tuple:
    return tuple({obj.pk: obj for obj in objects}.values())


def resolve(
    partnership: Partnership,
    *,
    with_association: bool = False,
    with_parties: bool = False,
    region: Region | None = None,
    sector: Sector | None = None,
    organisations: Iterable[Organisation] = (),
    people: Iterable[Person] = (),
) -> Audience:
    """The audience of a bulk invitation, from every door's choices."""
    chosen = list(organisations)
    if with_association:
        chosen += association_members(partnership).order_by("name")
    if with_parties:
        chosen += parties(partnership)
    if region is not None:
        chosen += in_region(region).order_by("name")
    if sector is not None:
        chosen += in_sector(sector).order_by("name")
    return Audience(organisations=_once(chosen), people=_once(people))


def directory(query: str = "") -> QuerySet[Organisation]:
    """The organisations to pick from, by name, with their people (two queries). ``query``
    keeps those whose name or short name, or one of whose people's names, contains it."""
    organisations = Organisation.objects.order_by("name").prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("-is_liaison", "name"))
    )
    query = query.strip()
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(people__name__icontains=query)
        ).distinct()
    return organisations
