"""Remind the invitees who have not answered, some days before the RSVP deadline.

Run daily (cron, or Celery beat: CELERY_BEAT_SCHEDULE in settings). Running it twice the same
day sends nothing twice: an invitation reminded in the last 24 hours is skipped."""

from django.core.management.base import BaseCommand

from meetings import services


class Command(BaseCommand):
    help = "Mail a reminder to every unanswered invitation whose RSVP deadline is near."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=3,
            help="Remind for deadlines within this many days (default 3).",
        )

    def handle(self, *args, days: int, **options):
        count = services.remind_pending(days=days)
        self.stdout.write(f"{count} reminders queued.")
