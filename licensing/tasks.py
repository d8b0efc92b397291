"""Beat tasks of licensing: expiry reminders (90 / 60 / 30 days) and marking expired licences."""

from celery import shared_task


@shared_task
def licence_expiry() -> dict:
    from licensing.services import mark_expired, send_expiry_reminders

    return {"reminded": send_expiry_reminders(), "expired": mark_expired()}
