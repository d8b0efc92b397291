from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.masking import mask_phone
from portal.notifications.registry import Channel, event_label


class Notification(models.Model):
    """One message in a user's inbox. The text is rendered when the event happens, so the
    inbox still reads right after the event's wording or the user's data change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("用户")
    )
    event = models.CharField(_("事件"), max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox_idx"),
            # The header badge counts these on every page.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def event_label(self) -> str:
        return event_label(self.event)


class NotificationPreference(models.Model):
    """A user's explicit choice for one event kind and one channel; without a row the event's
    default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("用户"),
    )
    event = models.CharField(_("事件"), max_length=100)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("开启"))

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"], name="one_preference_per_event_channel"),
            # The inbox cannot be switched off, so there is nothing to store for it.
            models.CheckConstraint(condition=~Q(channel=Channel.IN_APP), name="preference_not_in_app"),
        ]


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboxMessage(models.Model):
    """One SMS or e-mail to deliver for a notification, written in the same transaction as the
    notification. Workers deliver it; the sweeper re-enqueues what a broker outage dropped."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="outbox", verbose_name=_("站内消息")
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    # The address at the time of the event: a later change of phone must not re-route old news.
    recipient = models.CharField(_("接收方"), max_length=254)
    status = models.CharField(_("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("计划发送时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_outbox_message_per_channel"),
            models.CheckConstraint(condition=~Q(channel=Channel.IN_APP), name="outbox_not_in_app"),
        ]
        indexes = [
            # What the sweeper scans every minute.
            models.Index(
                fields=["next_attempt_at"], condition=Q(status=OutboxStatus.PENDING), name="outbox_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.masked_recipient}"

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt: the SMS provider (and the database backend) send once."""
        return f"notification-{self.notification_id}-{self.channel}"

    @property
    def masked_recipient(self) -> str:
        if self.channel == Channel.SMS:
            return mask_phone(self.recipient)
        return mask_email(self.recipient)


def mask_email(address: str) -> str:
    """zhang.wei@example.com → z***@example.com."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return "*" * len(local)
    return f"{local[:1]}***@{domain}"
