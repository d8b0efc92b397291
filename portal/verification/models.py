from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.masking import mask_phone


class Purpose(models.TextChoices):
    """What a code may be used for; a code sent for one purpose never opens another."""

    REGISTER = "register", _("注册")
    LOGIN = "login", _("登录")
    RESET_PASSWORD = "reset_password", _("找回密码")
    SUBMIT = "submit", _("提交申请")
    BIND_ACCOUNT = "bind_account", _("绑定户号")
    WATCH_OUTAGE = "watch_outage", _("关注户号停电信息")
    REVIEW = "review", _("服务评价")
    CHAT_INVITE = "chat_invite", _("加入群聊")


class SmsCode(models.Model):
    """One verification code sent to one phone. Only a salted HMAC of the code is stored."""

    phone = models.CharField(_("手机号码"), max_length=11)
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    sent_at = models.DateTimeField(_("送达短信网关时间"), null=True, blank=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    requester_ip = models.GenericIPAddressField(_("请求IP"), null=True, blank=True)
    # The plain code sealed (Fernet, key derived from SECRET_KEY) until the SMS gateway took it:
    # the outbox that lets a code requested during a broker outage still go out once it is back.
    # Erased when sent, used or voided; checking always uses ``code_hash``.
    code_sealed = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["phone", "created_at"]),
            models.Index(fields=["requester_ip", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.get_purpose_display()}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class SmsMessage(models.Model):
    """A text message as the database SMS backend keeps it (development and staging)."""

    phone = models.CharField(_("手机号码"), max_length=11, db_index=True)
    template = models.CharField(_("模板"), max_length=50)
    text = models.TextField(_("内容"))
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.created_at:%Y-%m-%d %H:%M}"
