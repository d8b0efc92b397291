"""The one table shape the engine needs from an app: how each document rule of a draft is
covered. An app subclasses ``AbstractDraftDocument`` with a foreign key to its draft model whose
``related_name`` is ``"documents"`` (see ``applications.ApplicationDocument``)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentHow(models.TextChoices):
    UPLOADED = "uploaded", _("本次上传")
    REUSED = "reused", _("已有证照复用")
    DEFERRED = "deferred", _("承诺后补")


# Every concrete subclass carries this check (CheckConstraint names must be unique per table,
# so subclasses list it in their own Meta with their own name).
DEFERRED_HAS_DEADLINE_OTHERS_A_FILE = Q(how="deferred", due_on__isnull=False) | (
    ~Q(how="deferred") & Q(document__isnull=False)
)


class AbstractDraftDocument(models.Model):
    """A document attached to a draft for one of its declaration's document rules: uploaded
    now, reused from file (一证通办), or deferred under a commitment (一证受理)."""

    How = DocumentHow

    requirement = models.CharField(_("材料项"), max_length=50)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("文件")
    )
    how = models.CharField(_("提供方式"), max_length=10, choices=DocumentHow.choices)
    due_on = models.DateField(_("承诺补交期限"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("补交时间"), null=True, blank=True)

    class Meta:
        abstract = True
