"""Daily jobs of the work-order side. Schedules (CELERY_BEAT_SCHEDULE) are in settings."""

from celery import shared_task


@shared_task
def apply_due_account_changes() -> int:
    """Apply account changes whose effective date has come (demand value next month, billing
    method next quarter, any change dated ahead)."""
    from applications.services import apply_due_account_changes as apply_due

    return apply_due()


@shared_task
def flag_overdue_commitments() -> int:
    """List applications whose promised documents (一证受理) are overdue among abnormal orders."""
    from utility_flows.services import flag_overdue_commitments as flag

    return flag()


# The HV e-assistant's tasks, registered with the worker through this module.
from utility_flows.hv.tasks import make_signed_copy  # noqa: E402,F401
