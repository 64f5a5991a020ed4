"""Minutes of a meeting (会议纪要), their versions, comments and approvals, and the decisions
(议定事项) they record with their follow-ups (督办).

Designated approvers: each minutes names one approver per party of the partnership
(``approver_a`` for ``party_a``, ``approver_b`` for ``party_b``): a user account of that party's
organisation. Both must approve a circulated version before it is published. Changes go
through ``meetings.minutes``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison import permissions
from liaison.models import Organisation, Person
from liaison.uploads import private_storage, private_upload_to
from meetings.models.meetings import Invitation, Meeting


def _liaison_of_parties(user):
    """A Q on Minutes: the user's person is the liaison person of one of the two parties."""
    return Exists(
        Person.objects.filter(user_id=user.pk, is_liaison=True).filter(
            Q(organisation_id=OuterRef("meeting__partnership__party_a_id"))
            | Q(organisation_id=OuterRef("meeting__partnership__party_b_id"))
        )
    )


class MinutesQuerySet(models.QuerySet):
    def reviewable_by(self, user):
        """Minutes whose drafts the user may read and comment: the secretariat, the designated
        approvers and the liaison persons of the two parties."""
        if permissions.is_secretariat(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(approver_a=user) | Q(approver_b=user) | _liaison_of_parties(user))

    def visible_to(self, user):
        """Reviewers see the minutes at every stage; other signed-in users once a version is
        published, except members whose organisation was not invited to the meeting."""
        if permissions.is_secretariat(user):
            return self
        if not permissions.can_read_directory(user):
            return self.none()
        published = Exists(
            MinutesVersion.objects.filter(
                minutes=OuterRef("pk"), status__in=MinutesVersion.PUBLIC_STATUSES
            )
        )
        reviewer = Q(approver_a=user) | Q(approver_b=user) | _liaison_of_parties(user)
        if permissions.is_member(user):
            org = user.organisation_id
            invited = Exists(
                Invitation.objects.filter(meeting=OuterRef("meeting")).filter(
                    Q(organisation_id=org) | Q(person__organisation_id=org)
                )
            )
            party = Q(meeting__partnership__party_a_id=org) | Q(
                meeting__partnership__party_b_id=org
            )
            return self.filter(reviewer | (published & (invited | party)))
        return self.filter(reviewer | published)

    def with_related(self):
        return self.select_related(
            "meeting__partnership__party_a",
            "meeting__partnership__party_b",
            "approver_a",
            "approver_b",
        )


class Minutes(models.Model):
    """The minutes of one meeting: its basic facts, its versions and its decisions."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("meeting")
    )
    year = models.PositiveSmallIntegerField(_("year of the document number"))
    serial = models.PositiveIntegerField(_("serial of the document number"))
    chairs = models.CharField(
        _("chair or co-chairs"), max_length=200, blank=True, help_text=_("Separated by 、")
    )
    recorder = models.CharField(_("recorder"), max_length=64, blank=True)
    approver_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver of the first party"),
    )
    approver_b = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver of the second party"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "serial"],
                name="minutes_unique_document_number",
                violation_error_message=_("This document number is already used this year."),
            ),
            models.CheckConstraint(condition=Q(serial__gte=1), name="minutes_serial_positive"),
            models.CheckConstraint(
                condition=Q(approver_a__isnull=True)
                | Q(approver_b__isnull=True)
                | ~Q(approver_a=models.F("approver_b")),
                name="minutes_two_approvers",
                violation_error_message=_("Each party needs its own approver."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting.title}纪要 {self.document_number}"

    @property
    def document_number(self) -> str:
        return f"〔{self.year}〕{self.serial}号"

    @property
    def chair_list(self) -> list[str]:
        return [name.strip() for name in self.chairs.replace(",", "、").split("、") if name.strip()]

    def parties(self) -> list[Organisation]:
        partnership = self.meeting.partnership
        return [partnership.party_a, partnership.party_b]

    def approver_for(self, party_id: int):
        partnership = self.meeting.partnership
        if party_id == partnership.party_a_id:
            return self.approver_a
        if party_id == partnership.party_b_id:
            return self.approver_b
        return None

    def clean(self) -> None:
        if not self.meeting_id:
            return
        partnership = self.meeting.partnership
        for name, party in (
            ("approver_a", partnership.party_a),
            ("approver_b", partnership.party_b),
        ):
            approver = getattr(self, name)
            if approver is not None and approver.organisation_id != party.pk:
                raise ValidationError(
                    {name: _("The approver must be a user of %(party)s.") % {"party": party}}
                )


class MinutesVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published (and superseded) versions of visible minutes; drafts for reviewers."""
        if permissions.is_secretariat(user):
            return self
        return self.filter(
            Q(minutes__in=Minutes.objects.reviewable_by(user))
            | Q(
                minutes__in=Minutes.objects.visible_to(user),
                status__in=MinutesVersion.PUBLIC_STATUSES,
            )
        )

    def with_related(self):
        return self.select_related(
            "minutes__meeting__partnership__party_a",
            "minutes__meeting__partnership__party_b",
            "minutes__approver_a",
            "minutes__approver_b",
            "created_by",
        )


class MinutesVersion(models.Model):
    """One version of the minutes' text, stored as structured JSON (``content``):

    ``opening`` (text), ``present`` / ``excused`` / ``observers`` (出席/请假/列席, lines),
    ``agenda`` ([{title, summary}]), ``decisions`` ([{number, text, units, deadline}], the
    snapshot of the decisions as this version states them) and ``agreements``
    ([{id, title, parties, amount_label}]).

    draft → circulated → approved (both parties) → published; a published version never
    changes: a correction is a new version, and publishing it supersedes the old one."""

    UPLOAD_FOLDER = "minutes"

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CIRCULATED = "circulated", _("circulated")
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("superseded")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.SUPERSEDED)
    OPEN_STATUSES = (Status.DRAFT, Status.CIRCULATED, Status.APPROVED)

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="versions", verbose_name=_("minutes")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    content = models.JSONField(_("content"), default=dict, blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    circulated_at = models.DateTimeField(_("circulated at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=private_upload_to, max_length=200, blank=True
    )
    pdf_hash = models.CharField(_("PDF content hash"), max_length=64, blank=True)
    archival_pdf = models.FileField(
        _("archival PDF"),
        storage=private_storage,
        upload_to=private_upload_to,
        max_length=200,
        blank=True,
    )

    objects = MinutesVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"], name="minutes_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["minutes"],
                condition=Q(status="published"),
                name="minutes_one_published_version",
            ),
            models.UniqueConstraint(
                fields=["minutes"],
                condition=Q(status__in=["draft", "circulated", "approved"]),
                name="minutes_one_open_version",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "superseded"])
                | Q(published_at__isnull=False),
                name="minutes_version_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_reason=""),
                name="minutes_correction_has_reason",
                violation_error_message=_("A correction needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CIRCULATED)

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES


class Comment(models.Model):
    """A reviewer's comment on a version, with the passage of the text it refers to."""

    version = models.ForeignKey(
        MinutesVersion,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("version"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    quote = models.TextField(_("quoted text"), blank=True)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["version", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="minutes_comment_has_body"),
        ]

    def __str__(self) -> str:
        return self.body[:50]


class Approval(models.Model):
    """One party's approval (审定) of a circulated version; both parties' are needed."""

    version = models.ForeignKey(
        MinutesVersion,
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name=_("version"),
    )
    party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("party")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approver"),
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["version", "approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "party"],
                name="minutes_approval_once_per_party",
                violation_error_message=_("This party has already approved this version."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.party}"


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The decisions of the minutes the user may see."""
        if permissions.is_secretariat(user):
            return self
        return self.filter(minutes__in=Minutes.objects.visible_to(user))

    def with_related(self):
        return self.select_related("minutes__meeting").prefetch_related(
            "responsible_units",
            models.Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("recorded_by").order_by("-date", "-pk"),
            ),
        )

    def unfinished(self):
        return self.filter(status__in=Decision.UNFINISHED)

    def overdue(self, today=None):
        return self.unfinished().filter(deadline__lt=today or timezone.localdate())

    def for_unit(self, organisation_id):
        return self.filter(
            Exists(
                Decision.responsible_units.through.objects.filter(
                    decision_id=OuterRef("pk"), organisation_id=organisation_id
                )
            )
        )


class Decision(models.Model):
    """A decision (议定事项) of the minutes: numbered, with responsible units, a deadline and
    a status, followed up (督办) until done or dropped."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    UNFINISHED = (Status.OPEN, Status.IN_PROGRESS)

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("minutes")
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("decision", "number"))
    text = models.TextField(_("decision"))
    responsible_units = models.ManyToManyField(
        Organisation, related_name="decisions", verbose_name=_("responsible units")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    source_version = models.ForeignKey(
        MinutesVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created in version"),
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"],
                name="decision_unique_number",
                violation_error_message=_("The minutes already have a decision of this number."),
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(status_reason=""),
                name="decision_dropped_has_reason",
                violation_error_message=_("A dropped decision needs a reason."),
            ),
            models.CheckConstraint(condition=~Q(text=""), name="decision_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes.document_number} 第{self.number}项"

    def is_overdue(self, today=None) -> bool:
        return (
            self.status in self.UNFINISHED
            and self.deadline is not None
            and self.deadline < (today or timezone.localdate())
        )

    @property
    def latest_follow_up(self):
        """The newest follow-up (from the prefetched list, newest first, when there is one)."""
        return next(iter(self.follow_ups.all()), None)


class FollowUp(models.Model):
    """What happened about a decision, when, and who reported it."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("decision")
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"))
    reported_by = models.CharField(_("reported by"), max_length=128, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["decision", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="follow_up_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.date}"
