"""``manage.py axes_reset_username NAME…``: django-axes' unlock command, with user names read
as sign-in counts them (without regard to case), so that ``Member_A`` unlocks ``member_a``."""

from axes.management.commands.axes_reset_username import Command as AxesCommand
from axes.utils import reset

from liaison.auth import username_of


class Command(AxesCommand):
    def handle(self, *args, **options):
        names = {username_of(None, {"username": name}) for name in options["username"]}
        count = sum(reset(username=name) for name in names)
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
