import ipaddress

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def mask_ip(ip: str | None) -> str:
    """``10.1.2.3`` → ``10.1.2.*``; an IPv6 address keeps its /64 network, the interface id is hidden."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "*"
    if address.version == 4:
        return str(address).rsplit(".", 1)[0] + ".*"
    groups = [g.lstrip("0") or "0" for g in address.exploded.split(":")[:4]]
    return ":".join(groups) + ":*"


class AuditKind(models.TextChoices):
    CHANGE = "change", _("修改")
    ACCESS = "access", _("查看敏感信息")
    SECURITY = "security", _("安全事件")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only")

    def delete(self):
        raise TypeError("The audit trail is append-only")


class AuditEvent(models.Model):
    """Who did what to which object, when, from where; and who read whose personal data.

    Append-only: rows are never updated or deleted (on PostgreSQL a trigger enforces it)."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=AuditKind.choices, default=AuditKind.CHANGE)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=100, help_text=_("操作当时的姓名与身份，系统任务为“系统”"))
    action = models.CharField(_("操作"), max_length=100)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    # Whose personal data this touched: what the customer's data-access log lists.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events_about_me",
        verbose_name=_("数据所属用户"),
    )
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    changes = models.JSONField(_("变更前后"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject", "kind", "at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    @property
    def masked_ip(self) -> str:
        """The address with its last part hidden: enough to tell office from home, not to trace."""
        return mask_ip(self.ip)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only")
