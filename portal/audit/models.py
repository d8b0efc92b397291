import ipaddress

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.append_only import AppendOnlyModel


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


class AuditEvent(AppendOnlyModel):
    """Who did what to which object, when, from where; and who read whose personal data.

    Append-only (``portal.core.append_only``): rows are never updated, deleted or truncated.
    ``action`` is a code (the untranslated source string of its label), shown through ``label``
    in the reader's language."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=AuditKind.choices, default=AuditKind.CHANGE)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=100, help_text=_("操作当时的姓名与身份，系统任务为“系统”"))
    action = models.CharField(_("操作"), max_length=100)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    # Whose personal data this touched: what the customer's data-access log lists.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events_about_me",
        verbose_name=_("数据所属用户"),
    )
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    changes = models.JSONField(_("变更前后"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # For an action whose label names values (``查看%(type)s``): the label's source and the
    # values (``{"_template": "查看%(type)s", "type": "身份证人像面"}``), so that it reads in any
    # language; ``action`` then holds the Chinese sentence.
    params = models.JSONField(_("参数"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject", "kind", "at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_label} {self.label} {self.object_label}"

    @property
    def masked_ip(self) -> str:
        """The address with its last part hidden: enough to tell office from home, not to trace."""
        return mask_ip(self.ip)

    @property
    def label(self) -> str:
        """The action in the reader's language."""
        if not self.action:
            return ""
        template = (self.params or {}).get("_template")
        if not template:
            return gettext(self.action)
        values = {k: gettext(v) if isinstance(v, str) and v else v for k, v in self.params.items() if k != "_template"}
        try:
            return gettext(template) % values
        except (KeyError, TypeError, ValueError):
            return self.action
