"""Who takes part: regions, industry sectors, organisations, their people, and the users who
sign in, with their roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.fields import CreditCodeField
from liaison.validators import normalise_credit_code, validate_phone

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
    credit_code = CreditCodeField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
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
        # Before the validators run: a code typed full-width, in lower case or with spaces is
        # still valid. An empty code means "none": store NULL so that uniqueness only applies
        # to real codes.
        if self.credit_code is not None:
            self.credit_code = normalise_credit_code(self.credit_code) or None
        super().clean_fields(exclude)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Function-level: liaison.permissions imports these models.
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
    sms_opt_out = models.BooleanField(
        _("no SMS"), default=False, help_text=_("The person asked to receive no SMS notices.")
    )
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


class LiaisonUserManager(UserManager):
    """Users; a superuser is made for the secretariat, the role that needs no organisation."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.SECRETARIAT)
        return super().create_superuser(username, email, password, **extra_fields)


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

    objects = LiaisonUserManager()

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
