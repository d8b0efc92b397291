"""Delivering one outbox message: idempotent, safe with several workers, bounded retries.

Runs only in Celery workers (``tasks.deliver``); never in a request.
"""

import enum
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.core.masking import mask_text
from portal.notifications import conf
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.registry import Channel
from portal.verification.sms import send_sms

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    SENT = "sent"
    SKIPPED = "skipped"  # already sent or given up, gone, or another worker holds it
    RETRY = "retry"
    FAILED = "failed"


@dataclass
class Result:
    outcome: Outcome
    retry_in: int | None = None


def _send_sms(message: OutboxMessage) -> None:
    notification = message.notification
    send_sms(
        phone=message.recipient,
        template="notification",
        params={"title": notification.title, "body": notification.body},
        idempotency_key=message.idempotency_key,
    )


def _send_email(message: OutboxMessage) -> None:
    notification = message.notification
    with override(settings.LANGUAGE_CODE):
        footer = _("本邮件由网上供电营业厅自动发送，请勿直接回复。登录网上供电营业厅可查看全部消息。")
    EmailMessage(
        subject=notification.title,
        body=f"{notification.body}\n\n——\n{footer}",
        to=[message.recipient],
        # The same Message-ID on every attempt lets mail servers drop a duplicate.
        headers={"Message-ID": f"<{message.idempotency_key}@{DNS_NAME}>"},
    ).send(fail_silently=False)


_SENDERS = {Channel.SMS: _send_sms, Channel.EMAIL: _send_email}


def attempt_delivery(outbox_id: int) -> Result:
    """Try to send one outbox message once and record what happened."""
    with transaction.atomic():
        # skip_locked: if another worker is sending this very message, let it; it will mark
        # the row, and this copy of the task has nothing to do.
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification")
            .filter(pk=outbox_id)
            .first()
        )
        if message is None or message.status != OutboxStatus.PENDING:
            return Result(Outcome.SKIPPED)
        now = timezone.now()
        message.attempts += 1
        try:
            # A savepoint: a database error inside a backend must not poison our transaction.
            with transaction.atomic():
                _SENDERS[message.channel](message)
        except Exception as exc:  # every backend raises its own errors; all count as a failure
            message.last_error = mask_text(f"{exc.__class__.__name__}: {exc}")[:2000]
            if message.attempts >= conf.max_attempts():
                message.status = OutboxStatus.FAILED
                result = Result(Outcome.FAILED)
                logger.error(
                    "Outbox message %s failed for good after %s attempts: %s",
                    message.pk,
                    message.attempts,
                    message.last_error,
                )
            else:
                delay = conf.retry_delay(message.attempts)
                message.next_attempt_at = now + timedelta(seconds=delay)
                result = Result(Outcome.RETRY, retry_in=delay)
                logger.warning(
                    "Outbox message %s attempt %s failed, retrying in %ss: %s",
                    message.pk,
                    message.attempts,
                    delay,
                    message.last_error,
                )
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return result
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.save(update_fields=["attempts", "status", "sent_at"])
        return Result(Outcome.SENT)
