"""Changes to the partnership registry. Every write from a page, the API or a command goes
through here: validated, atomic, and recorded in the audit trail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from liaison import audit
from liaison.models import AuditEntry, CalendarToken, new_calendar_key


def save_object(obj: models.Model, *, actor, note: str = "") -> AuditEntry | None:
    """Validate ``obj`` (fields, ``clean()`` and constraints), save it and audit the change.

    Raises ValidationError, translated, and changes nothing when the object is invalid."""
    before = audit.stored_snapshot(obj)
    obj.full_clean()
    try:
        with transaction.atomic():
            return audit.save_audited(obj, actor=actor, note=note, before=before)
    except IntegrityError as exc:
        # A concurrent writer took a unique value between the check above and the save.
        raise ValidationError(
            _(
                "This conflicts with a record that was just saved by someone "
                "else. Reload and try again."
            )
        ) from exc


def delete_object(obj: models.Model, *, actor, note: str = "") -> None:
    """Delete ``obj`` and audit it; refuse, changing nothing, while other records use it."""
    try:
        with transaction.atomic():
            audit.delete_audited(obj, actor=actor, note=note)
    except (ProtectedError, RestrictedError) as exc:
        users = sorted(
            {str(o._meta.verbose_name) for o in exc.protected_objects}
            if isinstance(exc, ProtectedError)
            else {str(o._meta.verbose_name) for o in exc.restricted_objects}
        )
        raise ValidationError(
            _("“%(object)s” cannot be deleted while %(users)s refer to it.")
            % {"object": obj, "users": "、".join(users)}
        ) from exc


# --- Calendar subscription links --------------------------------------------------------------


def calendar_token_for(user):
    """The user's calendar subscription link, created on first use."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


def regenerate_calendar_token(user, *, actor):
    """Give the user a new secret link; the old URL stops working at once (revoked).

    The audit entry records that it happened, never the key itself."""
    with transaction.atomic():
        token, created = CalendarToken.objects.select_for_update().get_or_create(user=user)
        if not created:
            token.key = new_calendar_key()
            token.save(update_fields=["key", "updated_at"])
        audit.record(
            token, actor=actor, action=AuditEntry.Action.UPDATE, note=_("calendar link renewed")
        )
    return token


def set_calendar_reminder(user, *, minutes: int | None, actor):
    """Switch the reminder (VALARM) of the user's own feed on (minutes before) or off (None)."""
    if minutes is not None and minutes not in CalendarToken.Reminder.values:
        raise ValidationError({"reminder_minutes": _("Choose one of the offered reminders.")})
    with transaction.atomic():
        token, _created = CalendarToken.objects.select_for_update().get_or_create(user=user)
        if token.reminder_minutes != minutes:
            token.reminder_minutes = minutes
            token.save(update_fields=["reminder_minutes", "updated_at"])
            audit.record(
                token,
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                note=_("calendar reminder: %(value)s")
                % {"value": token.get_reminder_minutes_display() or _("off")},
            )
    return token
