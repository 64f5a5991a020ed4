from django.core.management.base import BaseCommand

from liaison.channels import sending


class Command(BaseCommand):
    help = "Send the notices queued for group robots and SMS whose time has come."

    def handle(self, *args, **options):
        count = sending.send_due_deliveries()
        self.stdout.write(f"{count} sent or given up")
