"""``python manage.py seed_demo``: load the demo cooperation of the source article (see
``demo.loader``) and print the demo users."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import load_demo
from demo.users import DEFAULT_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo Hunan–Turpan cooperation of the source article and one demo user per "
        "role (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo users get a known password).",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or getattr(settings, "TESTING", False) or options["force"]):
            raise CommandError(
                "seed_demo creates users with a known password: run it with DEBUG=1, "
                "or pass --force."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        loaded = load_demo(password=password)

        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪 / demo data ready: {loaded.created} created, "
                f"{loaded.updated} updated, {loaded.unchanged} unchanged."
            )
        )
        self.stdout.write(f"\n演示账号 / demo users at {settings.SITE_URL}\n")
        rows = [("role", "user name", "password", "organisation")]
        rows += [
            (user.role, user.username, password, str(user.organisation or ""))
            for user in loaded.users
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for role, username, pw, org in rows:
            self.stdout.write(
                f"  {role:<{widths[0]}}  {username:<{widths[1]}}  {pw:<{widths[2]}}  {org}".rstrip()
            )
