"""Stored files: the private-file base."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.uploads import private_storage, private_upload_to


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
