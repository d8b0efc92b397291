from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Signature(models.Model):
    """A handwritten signature a person drew on the signing pad. The PNG itself is a Document
    (type ``signature``) so it is stored, served and access-checked like every other file."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("签名人")
    )
    image = models.OneToOneField(
        "documents.Document", on_delete=models.PROTECT, related_name="signature", verbose_name=_("签名图片")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("签名时间"), default=timezone.now)

    class Meta:
        verbose_name = _("手写签名")
        verbose_name_plural = _("手写签名")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
