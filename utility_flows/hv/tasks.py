"""Worker tasks of the HV e-assistant: signed copies are written outside the request."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(Exception,), max_retries=3, retry_backoff=True)
def make_signed_copy(pushed_id: int, seal_id: int | None = None) -> int | None:
    from utility_flows.hv.documents import make_signed_copy as make

    return make(pushed_id=pushed_id, seal_id=seal_id)


@shared_task
def warn_hv_limits() -> tuple[int, int]:
    """Daily: due-soon warnings to account managers, late notices to supervisors."""
    from utility_flows.hv.services import warn_limits

    return warn_limits()
