"""Writing notifications: the inbox, the outbox and the user's channel choices.

Every business service raises an event the same way, inside its own transaction::

    from portal.notifications.services import notify

    with transaction.atomic():
        ...the business change...
        notify(order.customer, "order.accepted", {"number": order.number})

The inbox row and one outbox row per extra channel are written in that transaction; delivery
is enqueued only once it commits, so a rollback sends nothing.
"""

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.core.errors import DomainError
from portal.notifications.models import Notification, NotificationPreference, OutboxMessage, OutboxStatus
from portal.notifications.queue import enqueue_deliveries
from portal.notifications.registry import SWITCHABLE_CHANNELS, Channel, EventKind, all_events, get_event

_TITLE_MAX = cast(int, Notification._meta.get_field("title").max_length)


def enabled_channels(*, user, kind: EventKind) -> set[str]:
    """The extra channels (SMS, e-mail) this user receives this event on: their choice where
    they made one, the event's default where not."""
    chosen = dict(NotificationPreference.objects.filter(user=user, event=kind.code).values_list("channel", "enabled"))
    return {c for c in SWITCHABLE_CHANNELS if chosen.get(c, kind.default_enabled(c))}


def _recipient(user, channel: str) -> str:
    if channel == Channel.SMS:
        return user.phone or ""
    if channel == Channel.EMAIL:
        return user.email or ""
    return ""


def notify(user, event: str, context: Mapping[str, Any] | None = None) -> Notification:
    """Put event ``event`` in ``user``'s inbox and queue its SMS / e-mail as the user's
    preferences say. Call it inside the business transaction; it sends nothing unless that
    transaction commits. Raises ``UnknownEvent`` / ``MissingContext`` on programming errors."""
    kind = get_event(event)
    title, body, link = kind.render(context or {})
    if len(title) > _TITLE_MAX:
        title = title[: _TITLE_MAX - 1] + "…"
    with transaction.atomic():
        notification = Notification.objects.create(user=user, event=kind.code, title=title, body=body, link=link)
        outbox: list[OutboxMessage] = []
        # A deactivated account keeps its inbox but is not texted or mailed any more.
        if user.is_active:
            for channel in sorted(enabled_channels(user=user, kind=kind)):
                recipient = _recipient(user, channel)
                if recipient:
                    outbox.append(OutboxMessage(notification=notification, channel=channel, recipient=recipient))
        if outbox:
            OutboxMessage.objects.bulk_create(outbox)
            ids = [m.pk for m in outbox]
            transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return notification


def mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (keeping the first reading time)."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=now)
        notification.read_at = now
    return notification


def mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` read; return how many there were."""
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


def set_preferences(*, user, choices: Mapping[str, Iterable[str]]) -> None:
    """Store ``{event code: channels on}`` for the events given. Every switchable channel of
    those events gets an explicit row, so a later change of the default does not flip a choice
    the user made. Events not mentioned keep what they had."""
    known = {kind.code for kind in all_events()}
    unknown = sorted(set(choices) - known)
    if unknown:
        raise DomainError(
            _("未知的通知类型：%(codes)s") % {"codes": "、".join(unknown)}, code="unknown_event", field="events"
        )
    rows = []
    for code, channels in choices.items():
        channels = set(channels)
        bad = channels - set(SWITCHABLE_CHANNELS) - {Channel.IN_APP}
        if bad:
            raise DomainError(
                _("未知的通知渠道：%(channels)s") % {"channels": "、".join(sorted(bad))},
                code="unknown_channel",
                field="events",
            )
        rows += [
            NotificationPreference(user=user, event=code, channel=c, enabled=c in channels) for c in SWITCHABLE_CHANNELS
        ]
    with transaction.atomic():
        NotificationPreference.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["user", "event", "channel"], update_fields=["enabled"]
        )


def requeue_failed(*, messages: QuerySet[OutboxMessage], by) -> int:
    """Give failed SMS / e-mails a fresh set of attempts (the admin's "重新发送"). Only failed
    ones: a pending message is still on its way, a sent one must not go twice."""
    from portal.audit.services import record

    with transaction.atomic():
        rows = list(
            messages.select_for_update(of=("self",))
            .filter(status=OutboxStatus.FAILED)
            .select_related("notification__user")
        )
        now = timezone.now()
        for message in rows:
            message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, now
            record(actor=by, action=gettext_noop("重新发送通知"), obj=message, subject=message.notification.user)
        OutboxMessage.objects.bulk_update(rows, ["status", "attempts", "next_attempt_at"])
        ids = [m.pk for m in rows]
        if ids:
            transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return len(rows)
