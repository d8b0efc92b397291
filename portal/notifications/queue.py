"""Publishing delivery tasks without letting a broker outage reach the caller.

The outbox row is committed before we publish, so a failed publish loses nothing: the sweeper
enqueues the row again once the broker is back. What must not happen is a request waiting for a
dead broker. ``CELERY_TASK_PUBLISH_RETRY = False`` stops retries of the publish itself, but
kombu still spends ``broker_connection_timeout`` (2 s here) re-trying the *connection* before it
gives up; we ask for a single connection attempt instead.
"""

import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)


def publish(task, *args) -> None:
    """Send ``task(*args)`` to the broker now, or raise at once if the broker is unreachable."""
    app = task.app
    if app.conf.task_always_eager:
        task.apply_async(args)
        return
    with app.producer_or_acquire() as producer:
        producer.connection.ensure_connection(max_retries=0)
        task.apply_async(args, producer=producer)


def enqueue_deliveries(outbox_ids: Iterable[int]) -> int:
    """Publish one delivery task per outbox row; return how many were published. Stops at the
    first broker error, since the next publish would fail the same way."""
    from portal.notifications.tasks import deliver

    published = 0
    for pk in outbox_ids:
        try:
            publish(deliver, pk)
        except Exception as exc:  # the broker's errors vary by transport; all mean "later"
            logger.warning(
                "Broker unavailable (%s: %s); outbox message %s stays pending for the sweeper",
                exc.__class__.__name__,
                exc,
                pk,
            )
            break
        published += 1
    return published
