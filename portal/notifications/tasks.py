from celery import shared_task
from django.db import transaction
from django.utils import timezone

from portal.notifications import conf
from portal.notifications.delivery import Outcome, attempt_delivery
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.queue import enqueue_deliveries


# max_retries=None: the outbox row counts the attempts (conf.max_attempts), so a message also
# re-enqueued by the sweeper is not given more tries than any other.
@shared_task(bind=True, max_retries=None, ignore_result=True)
def deliver(self, outbox_id: int) -> str:
    """Send one outbox message (SMS or e-mail); retried with backoff until it goes or fails."""
    result = attempt_delivery(outbox_id)
    if result.outcome is Outcome.RETRY:
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Re-enqueue pending messages overdue by more than a minute: their task was lost with a
    broker or worker outage, or never published. Scheduled every minute (CELERY_BEAT_SCHEDULE)."""
    now = timezone.now()
    overdue = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now - conf.sweep_after())
    with transaction.atomic():
        ids = list(
            overdue.select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[: conf.sweep_batch()]
        )
        # Moved forward before publishing, so the next sweep leaves them alone for a minute
        # instead of queueing a second copy while this one is still on its way.
        OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return enqueue_deliveries(ids)
