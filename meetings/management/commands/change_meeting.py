"""Reschedule, postpone or cancel a meeting from the command line, through the same lifecycle
service as the meeting page and the API (the invitees are told, unless --no-notify)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison.models import User
from meetings import services
from meetings.models import Meeting


def moment(text: str) -> datetime:
    """An ISO date and time; without an offset, Beijing time (as on the pages)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date and time (2027-03-02T10:00).") from error
    return value if value.tzinfo else timezone.make_aware(value)


class Command(BaseCommand):
    help = (
        "Reschedule (new time and/or place), postpone or cancel a meeting. Every invitee who "
        "has not declined is mailed, as from the meeting page; --no-notify corrects a mistake "
        "without mail (noted in the history, the calendar revision still rises)."
    )

    def add_arguments(self, parser):
        parser.add_argument("meeting", type=int, help="the meeting's id")
        parser.add_argument("action", choices=["reschedule", "postpone", "cancel"])
        parser.add_argument("--actor", required=True, help="user name of the secretariat member")
        parser.add_argument("--reason", default="", help="told to the invitees")
        parser.add_argument("--start", help="new start, ISO (Beijing time without an offset)")
        parser.add_argument("--end", help="new end (defaults to the same duration)")
        parser.add_argument("--venue", help="new venue (defaults to the current one)")
        parser.add_argument("--city", help="new city (defaults to the current one)")
        parser.add_argument("--no-notify", action="store_true", help="send no mail")

    def handle(self, *args, meeting, action, actor, reason, **options):
        user = User.objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"{actor!r} is not an active user.")
        found = Meeting.objects.filter(pk=meeting).first()
        if found is None:
            raise CommandError(f"No meeting {meeting}.")
        start = moment(options["start"]) if options["start"] else None
        end = moment(options["end"]) if options["end"] else None
        notify = not options["no_notify"]
        try:
            if action == "cancel":
                changed = services.cancel_meeting(found, reason=reason, actor=user, notify=notify)
            elif action == "postpone":
                changed = services.postpone_meeting(
                    found, reason=reason, new_start=start, new_end=end, actor=user, notify=notify
                )
            else:
                start = start or found.start
                changed = services.reschedule_meeting(
                    found,
                    start=start,
                    end=end or start + (found.end - found.start),
                    venue=found.venue if options["venue"] is None else options["venue"],
                    city=found.city if options["city"] is None else options["city"],
                    reason=reason,
                    actor=user,
                    notify=notify,
                )
        except PermissionDenied as error:
            raise CommandError(str(error) or "Not allowed.") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"{changed.title}: {changed.get_status_display()} · SEQUENCE {changed.sequence}"
        )
