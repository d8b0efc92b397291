"""Tunables of the outbox, with defaults; any of them can be set in settings."""

from datetime import timedelta

from django.conf import settings


def max_attempts() -> int:
    """Attempts per SMS / e-mail before it is given up as failed (staff can resend it)."""
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, 4 min... capped.
    A provider outage usually lasts minutes; hammering it helps nobody."""
    base = getattr(settings, "NOTIFICATION_RETRY_BACKOFF", 30)
    cap = getattr(settings, "NOTIFICATION_RETRY_BACKOFF_MAX", 60 * 60)
    return int(min(base * 2 ** max(attempts - 1, 0), cap))


def sweep_after() -> timedelta:
    """A pending message this much past its due time was lost by the broker (or is stuck in a
    backlog): the sweeper enqueues it again. Sending twice is harmless, delivery is idempotent."""
    return timedelta(seconds=getattr(settings, "NOTIFICATION_SWEEP_AFTER_SECONDS", 60))


def sweep_batch() -> int:
    return getattr(settings, "NOTIFICATION_SWEEP_BATCH", 500)
