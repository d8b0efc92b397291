from celery import shared_task

from applications.models import Application


@shared_task
def after_submit(application_id: int) -> None:
    """Slow work after a submission: the application form PDF and the notifications."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    # Wired to the PDF renderer and notify() once the platform lands (see lead's notes).


@shared_task
def notify_decision(application_id: int) -> None:
    """Tell the customer their application was accepted, returned or rejected."""
