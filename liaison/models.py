"""The partnership core: regions, organisations, people, partnerships, mechanisms, the
association and its members, users with their roles, and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.uploads import private_storage, private_upload_to
from liaison.validators import (
    parse_rrule,
    validate_credit_code,
    validate_phone,
    validate_rrule,
)

# --- Regions ---------------------------------------------------------------------------------


class Region(models.Model):
    """An administrative region (province, prefecture-level city, county or district)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province-level")
        PREFECTURE = "prefecture", _("prefecture-level")
        COUNTY = "county", _("county-level")

    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        help_text=_("Administrative division code (GB/T 2260), such as 650400."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="region_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> str:
        """The region with its ancestors, such as 新疆维吾尔自治区 › 吐鲁番市 › 高昌区.

        Walks ``parent``: callers that show many paths select_related the parents first."""
        names, region, seen = [], self, set()
        while region is not None and region.pk not in seen:
            seen.add(region.pk)
            names.append(region.name)
            region = region.parent
        return " › ".join(reversed(names))

    def with_descendants(self) -> list[Region]:
        """This region and every region inside it (one query a level)."""
        found, level = [self], [self.pk]
        for _depth in range(len(self.Level.choices)):
            children = list(Region.objects.filter(parent_id__in=level))
            found.extend(children)
            level = [child.pk for child in children]
        return found

    def clean(self) -> None:
        region = self.parent
        while region is not None:
            if region.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A region cannot lie inside itself.")})
            region = region.parent


# --- Organisations and people ----------------------------------------------------------------


class Sector(models.Model):
    """An industry sector (产业类别), such as 现代农业 or 生物医药."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("industry sector")
        verbose_name_plural = _("industry sectors")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def for_directory(self):
        return self.select_related("region__parent__parent", "sector")

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(short_name__icontains=text)
            | Q(name_en__icontains=text)
            | Q(credit_code__iexact=text)
        )


class Organisation(models.Model):
    """A party, enterprise, park, association or unit that takes part in the cooperation."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government")
        FEDERATION = "federation", _("federation or chamber of commerce")
        ENTERPRISE = "enterprise", _("enterprise")
        PARK = "park", _("industrial park")
        ASSOCIATION = "association", _("association")
        CITY_UNIT = "city_unit", _("city-level unit")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=128, unique=True)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("region"),
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("industry sector"),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("Another organisation already has this credit code.")},
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative data"),
        default=False,
        help_text=_("Demo data that the source article does not state."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(credit_code=""), name="organisation_credit_code_null_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean_fields(self, exclude=None) -> None:
        # Before the validators run: a code typed in lower case or with spaces is still valid.
        # An empty code means "none": store NULL so that uniqueness only applies to real codes.
        if self.credit_code is not None:
            self.credit_code = self.credit_code.strip().upper() or None
        super().clean_fields(exclude)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        from liaison import permissions

        if permissions.can_read_all(user):
            return self
        if permissions.is_member(user):
            # Members see their own organisation's people and every organisation's liaison person.
            return self.filter(Q(organisation_id=user.organisation_id) | Q(is_liaison=True))
        return self.none()


class Person(models.Model):
    """A person of an organisation: a leader, a contact or its liaison person (联络员)."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=128, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    is_liaison = models.BooleanField(_("liaison person"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )
    is_illustrative = models.BooleanField(_("illustrative data"), default=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["organisation__name", "-is_liaison", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_liaison=True),
                name="person_one_liaison_per_organisation",
                violation_error_message=_("This organisation already has a liaison person."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="person_unique_name_in_organisation",
                violation_error_message=_("This organisation already has a person of this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation.display_name}）"

    def clean(self) -> None:
        if (
            self.user_id
            and self.organisation_id
            and self.user.organisation_id
            and self.user.organisation_id != self.organisation_id
        ):
            raise ValidationError({"user": _("This user account speaks for another organisation.")})


# --- Users and roles -------------------------------------------------------------------------


class User(AbstractUser):
    """A login. Its role decides what it may see and change (see ``liaison.permissions``)."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("secretariat")
        OFFICIAL = "official", _("official")
        MEMBER = "member", _("member enterprise")

    name = models.CharField(_("full name"), max_length=64, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
        help_text=_("The organisation a member user speaks for."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="member") | Q(organisation__isnull=False),
                name="user_member_has_organisation",
                violation_error_message=_("A member user must belong to an organisation."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    # The secretariat keeps the registry in the back office: its role grants every permission
    # on the project's own apps, so no separate group has to be kept in step with the role.
    SECRETARIAT_APPS = ("liaison", "meetings", "agreements")

    def has_perm(self, perm, obj=None) -> bool:
        if (
            self.is_active
            and self.role == self.Role.SECRETARIAT
            and perm.split(".", 1)[0] in self.SECRETARIAT_APPS
        ):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if (
            self.is_active
            and self.role == self.Role.SECRETARIAT
            and app_label in self.SECRETARIAT_APPS
        ):
            return True
        return super().has_module_perms(app_label)


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


# --- Audit trail -----------------------------------------------------------------------------


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        ).select_related("actor")


class AuditEntry(models.Model):
    """Who changed which object, when, and each field's old and new value.

    Written by ``liaison.audit`` from the services and the admin; never edited afterwards."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.object_repr} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class LoginThrottle(models.Model):
    """Failed login attempts for one user name or one client address."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return self.key


# --- Calendar subscriptions ------------------------------------------------------------------


def new_calendar_key() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """A user's secret calendar subscription link (订阅链接).

    Calendar apps (Google above all) cannot sign in, so the key in the URL is the only
    credential: regenerating it replaces the key and the old URL stops working at once."""

    class Reminder(models.IntegerChoices):
        MINUTES_30 = 30, _("30 minutes before")
        HOUR = 60, _("1 hour before")
        DAY = 1440, _("1 day before")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_calendar_key)
    reminder_minutes = models.PositiveIntegerField(
        _("meeting reminder"),
        choices=Reminder.choices,
        null=True,
        blank=True,
        help_text=_("Adds an alarm to each meeting of your own calendar feed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar subscription link")
        verbose_name_plural = _("calendar subscription links")

    def __str__(self) -> str:
        return str(self.user)


class PrivateFile(models.Model):
    """A PDF or image stored privately (``liaison.uploads``) under a random name; the
    uploaded name is kept for display and for the download. Subclasses set ``UPLOAD_FOLDER``."""

    file = models.FileField(
        _("file"), storage=private_storage, upload_to=private_upload_to, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class GeneratedReport(models.Model):
    """A report an official or the secretariat asked for: its kind and parameters, how far its
    generation has come, and, once done, its PDF and ``.xlsx`` kept for downloading again."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", _("agreements ledger")
        ANNUAL = "annual", _("annual work report")
        FOLLOW_UP = "follow_up", _("decision follow-up report")
        EVENT = "event", _("event report")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report", "queued")
        RUNNING = "running", pgettext_lazy("report", "being generated")
        DONE = "done", pgettext_lazy("report", "ready")
        FAILED = "failed", pgettext_lazy("report", "failed")

    PENDING = (Status.QUEUED, Status.RUNNING)
    UPLOAD_FOLDER = "reports"
    # A report still pending this long after it was asked for is taken as lost (its worker
    # stopped); it shows as failed and can be asked for again.
    STALE_AFTER = timedelta(minutes=30)

    kind = models.CharField(_("report"), max_length=16, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=private_upload_to, max_length=200, blank=True
    )
    xlsx = models.FileField(
        _("Excel workbook"),
        storage=private_storage,
        upload_to=private_upload_to,
        max_length=200,
        blank=True,
    )

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["kind", "status"], name="report_kind_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_progress_at_most_100"
            ),
            # The same report is made once at a time, however many times it is asked for.
            models.UniqueConstraint(
                fields=["kind", "parameters"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_pending_per_request",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_stale(self, now: datetime | None = None) -> bool:
        return self.status in self.PENDING and (
            (now or timezone.now()) - self.requested_at > self.STALE_AFTER
        )

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING and not self.is_stale()

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.pdf) and bool(self.xlsx)

    @property
    def parameters_text(self) -> str:
        """What the report covers, in words: its year or its event."""
        year = self.parameters.get("year")
        if self.kind == self.Kind.EVENT:
            return self.parameters.get("meeting_title", "—")
        if self.kind == self.Kind.FOLLOW_UP:
            return str(_("as of the time it was made"))
        if year:
            return str(_("year %(year)s")) % {"year": year}
        return str(_("all years"))

    @property
    def shown_status(self) -> str:
        """The status in words; a lost report says failed."""
        if self.is_stale():
            return str(self.Status.FAILED.label)
        return self.get_status_display()
