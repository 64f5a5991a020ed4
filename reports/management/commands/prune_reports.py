"""Remove generated reports older than ``REPORTS_KEEP_DAYS`` days, with their files.

Run daily (cron, or Celery beat, which schedules it). Without ``REPORTS_KEEP_DAYS`` (or with 0)
every report is kept and this does nothing."""

from django.core.management.base import BaseCommand

from reports.generation import prune_reports


class Command(BaseCommand):
    help = "Remove generated reports older than REPORTS_KEEP_DAYS days, with their files."

    def handle(self, *args, **options):
        self.stdout.write(f"{prune_reports()} reports removed.")
