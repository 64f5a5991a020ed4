"""Load the demo cooperation of the source article (``manage.py seed_demo``).

Loads the Hunan Federation of Industry and Commerce – Turpan cooperation as the article
(``/work/shared/seed/source-article.zh.txt``) reports it: regions, industry sectors, the
organisations and people it names, the partnership with its two mechanisms (the annual joint
meeting and the biennial event with its five focus areas), the meetings, the mutual-aid
association with its members, the agreements and each kind's way to landing (the purchase's
deliveries, the park agreements' working mechanisms and introduced projects, the intentions, one
converted into a 34th project agreement signed in 2024), invitations, attendance and minutes, and
one demo user per role with a known password.

Idempotent: every row is looked up by its natural key (a region's division code, an
organisation's name, a person's organisation and name …) and written only when it is missing or
differs from the data of the modules of this package, so a second run changes nothing and
writes no audit entry. Writes go through ``liaison.services.save_object``
(``meetings.services.save_meeting`` for meetings) and the apps' services: validated with
``full_clean()`` and recorded in the audit trail with the note "seed_demo".

Everything the article does not state (exact dates, venues, liaison people, the association's
members and roles, the later meetings) is marked illustrative (``is_illustrative``, shown as 示例)
and the descriptions say which parts are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from demo.agreement_kinds import add_agreement_kinds
from demo.agreements import seed_agreements
from demo.attendance import seed_attendance
from demo.channels import seed_channels
from demo.directory import seed_organisations, seed_people, seed_regions, seed_sectors
from demo.invitations import seed_invitations
from demo.meetings import seed_meetings
from demo.minutes import seed_minutes
from demo.partnership import seed_association, seed_mechanisms, seed_partnership
from demo.seeder import Seeder
from demo.users import seed_users
from liaison.models import User


@dataclass
class DemoLoaded:
    """What a load did (rows created, updated, unchanged) and the demo users, in table order."""

    created: int
    updated: int
    unchanged: int
    users: list[User]


def load_demo(*, password: str) -> DemoLoaded:
    """Load (or bring back in line) the whole demo, in one transaction."""
    seeder = Seeder()
    with transaction.atomic():
        regions = seed_regions(seeder)
        sectors = seed_sectors(seeder)
        orgs = seed_organisations(seeder, regions, sectors)
        liaisons = seed_people(seeder, orgs)
        partnership = seed_partnership(seeder, orgs)
        mechanisms = seed_mechanisms(seeder, partnership)
        seed_meetings(seeder, partnership, mechanisms)
        seed_channels(seeder, partnership, liaisons)
        seed_association(seeder, partnership, orgs, liaisons)
        seed_agreements(seeder)
        add_agreement_kinds(seeder)
        users = seed_users(seeder, orgs, liaisons, password)
        seed_invitations(seeder)
        seed_attendance(seeder)
        users += seed_minutes(seeder, password)
    return DemoLoaded(seeder.created, seeder.updated, seeder.unchanged, users)
