"""Record the answer in a calendar reply (iTIP REPLY) from a mail message or an .ics file."""

import sys

from django.core.management.base import BaseCommand, CommandError

from liaison import permissions
from liaison.models import User
from meetings.calendars.replies import ReplyRefused, import_reply


class Command(BaseCommand):
    help = (
        "Record the answer of a calendar reply (METHOD:REPLY). Reads a mail message (RFC 822 "
        "with a text/calendar part) or a bare .ics from PATH, or from standard input ('-')."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="file path, or - for stdin")
        parser.add_argument(
            "--actor",
            required=True,
            help="user name of the secretariat member recording the answer",
        )

    def handle(self, *args, path, actor, **options):
        user = User.objects.filter(username=actor, is_active=True).first()
        if user is None or not permissions.can_manage_invitations(user):
            raise CommandError(f"{actor!r} is not an active secretariat user.")
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError as error:
                raise CommandError(str(error)) from error
        try:
            result = import_reply(data, actor=user)
        except ReplyRefused as error:
            raise CommandError(" ".join(error.messages)) from error
        invitation = result.invitation
        self.stdout.write(
            f"{invitation.meeting.title} · {invitation.invitee} · {result.address}: "
            f"{invitation.get_status_display()}"
        )
