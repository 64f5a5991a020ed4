"""Whom to invite: the organisations a bulk invitation can pick (reads only)."""

from __future__ import annotations

from django.db.models import QuerySet

from liaison.models import Membership, Organisation, Partnership, Region, Sector


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
