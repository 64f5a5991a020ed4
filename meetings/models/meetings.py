"""Meetings of the partnership: joint meetings, events, signing ceremonies, visits."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison import permissions
from liaison.models import Mechanism, Organisation, Partnership, Person, PrivateFile


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if permissions.can_see_draft_meetings(user):
            return self
        if permissions.can_read_directory(user):
            return self.exclude(status=Meeting.Status.DRAFT)
        return self.none()

    def with_related(self):
        return self.select_related("partnership", "mechanism")

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start")


class Meeting(models.Model):
    """A meeting of the partnership. Invitations, answers and attendance hang off it."""

    class Kind(models.TextChoices):
        JOINT_MEETING = "joint_meeting", _("joint meeting")
        EVENT = "event", _("event")
        SIGNING = "signing", _("signing ceremony")
        PROMOTION = "promotion", _("investment promotion")
        VISIT = "visit", _("visit")
        ASSOCIATION = "association", _("association meeting")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")
        POSTPONED = "postponed", _("postponed")
        CLOSED = "closed", _("closed")

    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("partnership"),
    )
    mechanism = models.ForeignKey(
        Mechanism,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("mechanism"),
    )
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    status_reason = models.CharField(
        _("reason for the status"),
        max_length=200,
        blank=True,
        help_text=_("Why the meeting was cancelled or postponed; told to the invitees."),
    )
    description = models.TextField(_("description"), blank=True)
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        help_text=_("Raised on every change of time, place or status (calendar SEQUENCE)."),
    )
    answers_from_sequence = models.PositiveIntegerField(
        _("answers count from revision"),
        default=0,
        help_text=_(
            "The revision (SEQUENCE) of the last change of time or place that asked every "
            "answer again; answers and calendar replies for an earlier one are superseded."
        ),
    )
    number = models.PositiveIntegerField(
        pgettext_lazy("meeting", "number"),
        null=True,
        blank=True,
        help_text=_("The ordinal of a recurring meeting (the 3rd joint meeting: 3)."),
    )
    cohosts = models.ManyToManyField(
        Organisation, blank=True, related_name="cohosted_meetings", verbose_name=_("co-hosts")
    )
    rsvp_deadline = models.DateTimeField(
        _("RSVP deadline"),
        null=True,
        blank=True,
        help_text=_("Members may answer until then; without one, until the meeting starts."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Most people who can attend; later acceptances go to the waiting list."),
    )
    online_url = models.URLField(_("online meeting link"), blank=True)
    answer_fields = models.JSONField(
        _("answer form"),
        default=list,
        blank=True,
        help_text=_("What the answer form asks of each attendee besides the name."),
    )
    is_illustrative = models.BooleanField(_("illustrative data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class AnswerField(models.TextChoices):
        """What an answer form may ask of each attendee (the name is always asked)."""

        TITLE = "title", pgettext_lazy("person", "title")
        PHONE = "phone", _("phone")
        TRAVEL = "travel", _("arrival and departure")
        ACCOMMODATION = "accommodation", _("accommodation")
        DIETARY = "dietary", _("dietary needs")

    # The choices of list-valued fields, for the change history.
    LIST_CHOICES = {"answer_fields": AnswerField.choices}

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(rsvp_deadline__isnull=True) | Q(rsvp_deadline__lte=models.F("end")),
                name="meeting_rsvp_deadline_before_end",
                violation_error_message=_("The RSVP deadline must be before the meeting ends."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="meeting_capacity_positive",
                violation_error_message=_("The capacity must be at least one person."),
            ),
        ]
        # The feeds ask when a meeting last changed (all of them, or a partnership's): one
        # seek each, however many meetings there are (meetings.calendars.feeds.last_change).
        indexes = [
            models.Index(fields=["updated_at"], name="meeting_updated_idx"),
            models.Index(fields=["partnership", "updated_at"], name="meeting_partner_updated_idx"),
            # The partnership page and the dashboard ask, per period of a mechanism and per
            # status, for its first meeting in start order: one seek each, however many
            # meetings there are (liaison.models.attach_deciding_meetings).
            models.Index(
                fields=["mechanism", "status", "start", "id"], name="meeting_mech_status_start_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.mechanism_id
            and self.partnership_id
            and self.mechanism.partnership_id != self.partnership_id
        ):
            raise ValidationError({"mechanism": _("The mechanism belongs to another partnership.")})
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("A meeting must end after it starts.")})
        unknown = set(self.answer_fields or []) - set(self.AnswerField.values)
        if not isinstance(self.answer_fields, list) or unknown:
            raise ValidationError({"answer_fields": _("The answer form asks for unknown fields.")})

    @property
    def asked(self) -> set[str]:
        """The answer form's fields besides the name."""
        return set(self.answer_fields or [])

    @property
    def answers_close_at(self):
        """Until when members may give or change their answer."""
        return self.rsvp_deadline or self.start

    def answers_open(self, now=None) -> bool:
        return (
            self.status in (self.Status.SCHEDULED, self.Status.POSTPONED)
            and (now or timezone.now()) <= self.answers_close_at
        )


# --- Invitations and answers ------------------------------------------------------------------


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The secretariat and officials see every invitation; a member sees its organisation's
        invitations and those addressed to its own person, for meetings that are not drafts."""
        if permissions.can_read_all(user):
            return self
        if permissions.is_member(user):
            return self.filter(
                Q(organisation_id=user.organisation_id) | Q(person__user=user)
            ).exclude(meeting__status=Meeting.Status.DRAFT)
        return self.none()

    def with_related(self):
        return self.select_related(
            "meeting", "organisation", "person__organisation"
        ).prefetch_related("attendees")

    def by_invitee(self):
        return self.order_by("organisation__name", "person__name", "pk")

    def waiting(self):
        return self.filter(status=Invitation.Status.WAITLISTED).order_by("waitlist_position")

    def awaiting_answer(self, now=None):
        """Not answered yet (or to be confirmed after a change), for a meeting that still takes answers (the same rule as
        ``Meeting.answers_open``: scheduled or postponed, before the deadline or, without
        one, before the start); soonest meeting first."""
        now = now or timezone.now()
        return (
            self.filter(
                status__in=(Invitation.Status.PENDING, Invitation.Status.TO_CONFIRM),
                meeting__status__in=(Meeting.Status.SCHEDULED, Meeting.Status.POSTPONED),
            )
            .filter(
                Q(meeting__rsvp_deadline__gte=now)
                | Q(meeting__rsvp_deadline__isnull=True, meeting__start__gte=now)
            )
            .order_by("meeting__start", "pk")
        )

    def not_mailed(self):
        """Invitations whose invitation mail has not been sent (nor queued) yet."""
        mailed = MailDelivery.objects.filter(
            invitation=models.OuterRef("pk"), kind=MailDelivery.Kind.INVITATION
        )
        return self.exclude(models.Exists(mailed))

    def update(self, **kwargs):
        # Every write of an invitation moves its ``changed_at`` (the personal feeds' version).
        kwargs.setdefault("changed_at", timezone.now())
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        now = timezone.now()
        for invitation in objs:
            invitation.changed_at = now
        return super().bulk_update(objs, {*fields, "changed_at"}, batch_size=batch_size)


class Invitation(models.Model):
    """An invitation of an organisation or a person to a meeting, with its answer (回执).

    The answer is only ever changed by ``meetings.services.record_rsvp``, whatever the channel.
    An acceptance beyond the meeting's capacity is WAITLISTED, in ``waitlist_position`` order."""

    class Status(models.TextChoices):
        PENDING = "pending", _("not answered")
        ACCEPTED = "accepted", _("attending")
        DECLINED = "declined", _("not attending")
        TENTATIVE = "tentative", _("tentative")
        WAITLISTED = "waitlisted", _("on the waiting list")
        # An answer given for an earlier time or place: asked again (NEEDS-ACTION).
        TO_CONFIRM = "to_confirm", _("to be confirmed")

    class Channel(models.TextChoices):
        PAGE = "page", _("web page")
        LINK = "link", _("link in the invitation")
        API = "api", _("API")
        PHONE = "phone", _("by phone, recorded by the secretariat")
        CALENDAR = "calendar", _("calendar reply")
        WAITLIST = "waitlist", _("moved up from the waiting list")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("meeting")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("answer"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    waitlist_position = models.PositiveIntegerField(
        _("waiting list position"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_via = models.CharField(
        _("answered via"), max_length=16, choices=Channel.choices, blank=True
    )
    # Which answer is the newest (RFC 5546 2.1.5: SEQUENCE first, then DTSTAMP): the meeting's
    # SEQUENCE the current answer refers to, and when that answer was given.
    answer_sequence = models.PositiveIntegerField(
        _("answered version"),
        null=True,
        blank=True,
        help_text=_("The meeting's version (SEQUENCE) the current answer refers to."),
    )
    answer_stamp = models.DateTimeField(
        _("answer given at"),
        null=True,
        blank=True,
        help_text=_("When the current answer was given (a calendar reply's DTSTAMP)."),
    )
    delegate_name = models.CharField(_("delegate"), max_length=64, blank=True)
    delegate_title = models.CharField(_("delegate's title"), max_length=128, blank=True)
    delegate_phone = models.CharField(_("delegate's phone"), max_length=32, blank=True)
    reminded_at = models.DateTimeField(
        _("reminded at"),
        null=True,
        blank=True,
        help_text=_("When the last reminder to answer was sent."),
    )
    token_version = models.PositiveIntegerField(
        _("link version"),
        default=1,
        help_text=_("Raised to revoke the answer links sent so far."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When anything of the invitation last changed (the answer above all): the version of the
    # personal calendar feeds that show it, one index seek per subscriber however many other
    # invitations are answered. Written by every save, even of a few fields, and by update().
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "organisation__name", "person__name", "pk"]
        indexes = [
            models.Index(fields=["organisation", "changed_at"], name="invitation_org_changed_idx"),
            models.Index(fields=["person", "changed_at"], name="invitation_person_changed_idx"),
            # An answer counts the seats taken (accepted), looks for anyone waiting and the
            # last place on the waiting list: seeks, however many are invited.
            models.Index(
                fields=["meeting", "status", "waitlist_position"], name="invitation_answer_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                name="invitation_has_invitee",
                violation_error_message=_(
                    "An invitation is addressed to an organisation or a person."
                ),
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=Q(person__isnull=True),
                name="invitation_unique_organisation",
                violation_error_message=_("This organisation is already invited."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="invitation_unique_person",
                violation_error_message=_("This person is already invited."),
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="invitation_waitlist_position_when_waiting",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(answered_at__isnull=False),
                name="invitation_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.invitee}"

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = {*update_fields, "changed_at"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def invitee(self) -> str:
        if self.person_id:
            return str(self.person)
        return str(self.organisation)

    @property
    def invitee_organisation_id(self):
        return self.organisation_id or (self.person.organisation_id if self.person_id else None)

    @property
    def has_delegate(self) -> bool:
        return bool(self.delegate_name)

    def clean(self) -> None:
        if not (self.organisation_id or self.person_id):
            raise ValidationError(_("An invitation is addressed to an organisation or a person."))
        if (
            self.organisation_id
            and self.person_id
            and self.person.organisation_id != self.organisation_id
        ):
            raise ValidationError({"person": _("The person belongs to another organisation.")})


class Attendee(models.Model):
    """A person an invitation's answer says will come, with what the hosts must arrange.

    ``check_in_code`` stays the same while the answer is edited, so a QR code sent earlier
    still works at the door."""

    class Dietary(models.TextChoices):
        NONE = "none", _("no special needs")
        HALAL = "halal", _("halal")
        VEGETARIAN = "vegetarian", _("vegetarian")
        OTHER = "other", _("other")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("not recorded")
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        EXCUSED = "excused", _("excused")

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("invitation")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=128, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_transport = models.CharField(_("arrival flight or train"), max_length=32, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    departure_transport = models.CharField(
        _("departure flight or train"), max_length=32, blank=True
    )
    needs_accommodation = models.BooleanField(_("needs accommodation"), default=False)
    dietary = models.CharField(
        _("dietary needs"), max_length=16, choices=Dietary.choices, default=Dietary.NONE
    )
    dietary_note = models.CharField(_("dietary note"), max_length=200, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    check_in_code = models.UUIDField(
        _("check-in code"), default=uuid.uuid4, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        # By the invitation's id, not by "invitation": that would follow the invitation's
        # own ordering and join its meeting, organisation and person to every read of an
        # invitation's attendees. Lists across invitations say their own order.
        ordering = ["invitation_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrival_date__isnull=True)
                | Q(departure_date__isnull=True)
                | Q(departure_date__gte=models.F("arrival_date")),
                name="attendee_departs_after_arrival",
                violation_error_message=_("The departure cannot be before the arrival."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="attendee_has_name",
                violation_error_message=_("An attendee needs a name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgendaItem(models.Model):
    """One item of a meeting's agenda (议程), in order."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name=_("meeting"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(pgettext_lazy("agenda", "item"), max_length=200)
    presenter = models.CharField(_("presenter"), max_length=128, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0),
                name="agenda_item_positive_duration",
                violation_error_message=_("A duration must be at least one minute."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AgendaMaterial(PrivateFile):
    """A file for an agenda item (PDF or image), stored privately and served after a
    permission check (``liaison.uploads``)."""

    UPLOAD_FOLDER = "meeting-materials"

    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("agenda item"),
    )

    class Meta:
        verbose_name = _("meeting material")
        verbose_name_plural = _("meeting materials")
        ordering = ["item", "uploaded_at", "pk"]


class MailDelivery(models.Model):
    """One mail to one recipient about a meeting, and what became of it (``meetings.delivery``
    records and sends every kind)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        REMINDER = "reminder", _("reminder")
        UPDATE = "update", _("update")
        CANCELLATION = "cancellation", _("cancellation")
        WAITLIST = "waitlist", _("moved up from the waiting list")
        MINUTES = "minutes", _("minutes circulated")
        DEADLINE = "deadline", _("decision deadline reminder")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        # Claimed by a worker that is handing it to the mail server: no other worker sends
        # it, and a worker that died at this point leaves it here rather than mail it twice.
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="mail_deliveries",
        verbose_name=_("meeting"),
    )
    invitation = models.ForeignKey(
        "Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_deliveries",
        verbose_name=_("invitation"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(
        _("about"),
        null=True,
        blank=True,
        help_text=_("The minutes version or decision the mail is about, for those mails."),
    )
    recipient = models.EmailField(_("recipient"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times sending was tried.")
    )
    batch = models.UUIDField(_("batch"), default=uuid.uuid4, db_index=True)
    changes = models.JSONField(
        _("what changed"),
        default=dict,
        blank=True,
        help_text=_("For an update: the time and place before and after, as the mail shows them."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail delivery")
        verbose_name_plural = _("mail deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["meeting", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


def _invitation_count_fields() -> dict:
    statuses = Invitation.Status
    accepted = Q(status=statuses.ACCEPTED)
    return {
        "total": models.Count("pk", distinct=True),
        "headcount": models.Count("attendees", filter=accepted),
        **{
            status: models.Count("pk", distinct=True, filter=Q(status=status))
            for status in statuses.values
        },
    }


def invitation_counts(meeting: Meeting) -> dict[str, int]:
    """The live counts of a meeting's answers, and the headcount of those attending (one query).

    Keys: every Invitation.Status value, ``total`` and ``headcount`` (accepted attendees)."""
    return Invitation.objects.filter(meeting=meeting).aggregate(**_invitation_count_fields())


def invitation_counts_by_meeting(meetings) -> dict[int, dict[str, int]]:
    """``invitation_counts`` of several meetings in one query, keyed by meeting id; a meeting
    without invitations gets all zeros."""
    ids = [meeting.pk for meeting in meetings]
    fields = _invitation_count_fields()
    rows = (
        Invitation.objects.filter(meeting_id__in=ids)
        .order_by()
        .values("meeting_id")
        .annotate(**fields)
    )
    counts = {pk: dict.fromkeys(fields, 0) for pk in ids}
    for row in rows:
        counts[row.pop("meeting_id")] = row
    return counts
