"""Remind the responsible units of decisions whose deadline is near.

Run daily (cron, or Celery beat). Running it twice the same day sends nothing twice: a decision
reminded in the last 24 hours is skipped."""

from django.core.management.base import BaseCommand

from meetings.minutes import decisions


class Command(BaseCommand):
    help = "Mail the responsible units of every unfinished decision whose deadline is near."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=7,
            help="Remind for deadlines within this many days (default 7).",
        )

    def handle(self, *args, days: int, **options):
        count = decisions.remind_decision_deadlines(days=days)
        self.stdout.write(f"{count} decisions reminded.")
