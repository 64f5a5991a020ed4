"""The partnership and its standing mechanisms (RFC 5545 cadences, with the occurrences they
expect), focus areas, and the mutual-aid association with its members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.models.directory import Organisation, Person
from liaison.validators import (
    parse_rrule,
    validate_rrule,
)

# --- Partnerships and their mechanisms -------------------------------------------------------


class Partnership(models.Model):
    """The cooperation between two parties, such as the Federation and Turpan's government."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        ENDED = "ended", _("ended")

    name = models.CharField(_("name"), max_length=128, unique=True)
    party_a = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnerships_as_a",
        verbose_name=_("first party"),
    )
    party_b = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnerships_as_b",
        verbose_name=_("second party"),
    )
    started_on = models.DateField(_("started on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["started_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(party_a=models.F("party_b")),
                name="partnership_two_parties",
                violation_error_message=_("A partnership needs two different parties."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Occurrence:
    """One expected occurrence of a mechanism and what happened to it."""

    date: date
    state: str  # one of Mechanism.OCCURRENCE_STATES
    meeting: object | None = None


class Mechanism(models.Model):
    """A standing mechanism of a partnership with its cadence, such as the annual joint meeting
    (联席会议, every year) or the biennial event (每两年举办一次)."""

    class Kind(models.TextChoices):
        JOINT_MEETING = "joint_meeting", _("joint meeting")
        EVENT = "event", _("event")
        OTHER = "other", _("other")

    # What became of an expected occurrence: a meeting of the mechanism held in its period,
    # one scheduled, none yet but still to come (due), or none and its period is over (missed).
    HELD, SCHEDULED, DUE, MISSED = "held", "scheduled", "due", "missed"
    OCCURRENCE_STATES = {
        HELD: _("held"),
        SCHEDULED: _("scheduled"),
        DUE: _("due"),
        MISSED: _("not held"),
    }

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="mechanisms",
        verbose_name=_("partnership"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=128)
    rrule = models.CharField(
        _("cadence"),
        max_length=200,
        validators=[validate_rrule],
        help_text=_("An RFC 5545 recurrence rule, such as FREQ=YEARLY;INTERVAL=2."),
    )
    first_date = models.DateField(_("first date"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")
        ordering = ["partnership", "first_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="mechanism_unique_name_in_partnership"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_yearly(self) -> bool:
        return "FREQ=YEARLY" in self.rrule.upper()

    def _rule(self):
        return parse_rrule(self.rrule, self.first_date)

    def expected_dates(self, start: date, end: date) -> list[date]:
        """The dates the cadence expects between start and end, both included."""
        begin = datetime.combine(max(start, self.first_date), time.min)
        return [
            moment.date()
            for moment in self._rule().between(begin, datetime.combine(end, time.min), inc=True)
        ]

    def _period(self, day: date) -> tuple[date, date]:
        """The days in which a meeting fulfils the occurrence expected on ``day``.

        Cadences stated in years (每年一次, 每两年一次) are fulfilled by a meeting any time in the
        occurrence's year or the years before the next one; others by one from the expected
        date to the next."""
        following = self._rule().after(datetime.combine(day, time.min))
        if self.is_yearly:
            return date(day.year, 1, 1), date(following.year, 1, 1) if following else date.max
        return day, following.date() if following else date.max

    def period(self, day: date) -> tuple[date, date]:
        """The days [first, last) in which a meeting fulfils the occurrence expected on ``day``
        (the calendar feeds attach meetings to their series occurrence by it)."""
        return self._period(day)

    def occurrences(
        self, start: date, end: date, *, today: date | None = None, meetings=None
    ) -> list[Occurrence]:
        """Each expected occurrence between start and end, matched to this mechanism's meetings:
        held, scheduled, still due, or missed (its period is over and no meeting was held).

        Pass ``meetings`` (this mechanism's meetings, e.g. from a prefetch) to avoid a query."""
        today = today or timezone.localdate()
        if meetings is None:
            meetings = list(self.meetings.all())
        result = []
        for day in self.expected_dates(start, end):
            period_start, period_end = self._period(day)
            in_period = [
                m
                for m in meetings
                if period_start <= timezone.localtime(m.start).date() < period_end
            ]
            held = [m for m in in_period if m.status == "held"]
            planned = [m for m in in_period if m.status in ("scheduled", "postponed")]
            if held:
                result.append(Occurrence(day, self.HELD, held[0]))
            elif planned:
                result.append(Occurrence(day, self.SCHEDULED, planned[0]))
            elif period_end <= today:
                result.append(Occurrence(day, self.MISSED))
            else:
                result.append(Occurrence(day, self.DUE))
        return result

    def due_occurrences(
        self, start: date, end: date, *, today: date | None = None, meetings=None
    ) -> list[Occurrence]:
        """The expected occurrences in the range that no meeting covers yet and are still due."""
        return [
            o
            for o in self.occurrences(start, end, today=today, meetings=meetings)
            if o.state == self.DUE
        ]

    def summary(self, *, today: date | None = None, meetings=None) -> dict:
        """Last held meeting and next due occurrence, for the partnership page."""
        today = today or timezone.localdate()
        occurrences = self.occurrences(
            self.first_date, date(today.year + 4, 12, 31), today=today, meetings=meetings
        )
        held = [o for o in occurrences if o.state == self.HELD]
        upcoming = [o for o in occurrences if o.state in (self.SCHEDULED, self.DUE)]
        return {
            "last_held": held[-1] if held else None,
            "next": upcoming[0] if upcoming else None,
            "missed": [o for o in occurrences if o.state == self.MISSED],
        }


# The statuses that decide an occurrence: a held meeting, else a planned one (scheduled or
# postponed). Each is sought on its own, so that each seek reads one entry of the meetings'
# (mechanism, status, start, id) index.
DECIDING_STATUSES = ("held", "scheduled", "postponed")
# Seeks per query: a long monthly history takes a few queries rather than one huge statement.
SEEKS_PER_QUERY = 300


def attach_deciding_meetings(mechanisms, meetings, *, end: date, newest_first: bool = False):
    """Give each mechanism ``deciding_meetings``: of ``meetings`` (a queryset of the meetings
    the reader may see), only those that decide an occurrence's state from the first date to
    ``end`` -- in each occurrence's period the first held meeting, the first scheduled one and
    the first postponed one, in start order (``newest_first``: latest first). ``occurrences``
    given these finds the same states and meetings as given every meeting of the mechanism.

    The database picks them by index seeks: per period and status, the first meeting in start
    order (``meeting_mech_status_start_idx``), all of them gathered in one query (a few for a
    long history). What is read does not grow with the meetings kept.

    Returns the mechanisms as a list."""
    mechanisms = list(mechanisms)
    order = ["-start", "-pk"] if newest_first else ["start", "pk"]
    seeks = []
    for mechanism in mechanisms:
        mechanism.deciding_meetings = []
        for day in mechanism.expected_dates(mechanism.first_date, end):
            first, last = mechanism._period(day)
            in_period = meetings.filter(
                mechanism_id=mechanism.pk, start__gte=_local_midnight(first)
            )
            if last != date.max:
                in_period = in_period.filter(start__lt=_local_midnight(last))
            seeks += [
                in_period.filter(status=status).order_by(*order).values("pk")[:1]
                for status in DECIDING_STATUSES
            ]
    if not seeks or meetings.query.is_empty():
        return mechanisms
    chosen = []
    for batch in range(0, len(seeks), SEEKS_PER_QUERY):
        picked = [Subquery(seek) for seek in seeks[batch : batch + SEEKS_PER_QUERY]]
        chosen += meetings.filter(pk__in=picked).order_by(*order)
    if len(seeks) > SEEKS_PER_QUERY:
        chosen.sort(key=lambda m: (m.start, m.pk), reverse=newest_first)
    by_mechanism = {m.pk: m for m in mechanisms}
    for meeting in chosen:
        by_mechanism[meeting.mechanism_id].deciding_meetings.append(meeting)
    return mechanisms


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class FocusArea(models.Model):
    """One of a mechanism's focus areas, such as 搭建交流合作平台."""

    mechanism = models.ForeignKey(
        Mechanism,
        on_delete=models.CASCADE,
        related_name="focus_areas",
        verbose_name=_("mechanism"),
    )
    name = models.CharField(_("name"), max_length=128)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["mechanism", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "name"], name="focus_area_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


# --- The mutual-aid association --------------------------------------------------------------


class Association(models.Model):
    """The mutual-aid association of private enterprises of both places (互助联谊会)."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="associations",
        verbose_name=_("partnership"),
    )
    name = models.CharField(_("name"), max_length=128, unique=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related(
            "association",
            "organisation__region__parent__parent",  # region paths walk up to the province
            "organisation__sector",
            "liaison",
        )

    def by_rank(self):
        """会长单位 first, then 副会长单位, 理事单位 and 会员单位; within a role by joining date."""
        rank = models.Case(
            *(
                models.When(role=role, then=position)
                for position, role in enumerate(Membership.Role.values)
            ),
            output_field=models.IntegerField(),
        )
        return self.alias(role_rank=rank).order_by("role_rank", "joined_on", "organisation__name")

    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)


class Membership(models.Model):
    """An organisation's membership of the association."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("membership", "active")
        SUSPENDED = "suspended", pgettext_lazy("membership", "suspended")
        LEFT = "left", pgettext_lazy("membership", "left")

    class Role(models.TextChoices):
        PRESIDENT = "president", _("president unit")
        VICE_PRESIDENT = "vice_president", _("vice-president unit")
        COUNCIL = "council", _("council unit")
        MEMBER = "member", _("member unit")

    association = models.ForeignKey(
        Association,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("association"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    joined_on = models.DateField(_("joined on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    liaison = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("liaison person"),
    )
    is_illustrative = models.BooleanField(_("illustrative data"), default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["association", "role", "joined_on", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "organisation"],
                name="membership_unique_organisation",
                violation_error_message=_("This organisation is already a member."),
            ),
            models.UniqueConstraint(
                fields=["association"],
                condition=Q(role="president", status="active"),
                name="membership_one_active_president",
                violation_error_message=_("The association already has an active president unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"

    def clean(self) -> None:
        if (
            self.liaison_id
            and self.organisation_id
            and self.liaison.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"liaison": _("The liaison person must belong to the member organisation.")}
            )
