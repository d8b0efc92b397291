"""Slow or periodic work of the reviews module (Celery)."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.verification.backends import SmsDeliveryError
from portal.verification.sms import send_sms


@shared_task(bind=True, autoretry_for=(SmsDeliveryError,), retry_backoff=5, max_retries=3)
def text_reviewer(self, case_id: int) -> None:
    """Tell an anonymous (QR) reviewer by SMS that their bad review has a reply, with the link
    to read it and say whether they are satisfied."""
    from evaluations.models import RectificationCase
    from evaluations.services import public_link

    case = RectificationCase.objects.select_related("review").filter(pk=case_id, reviewer_notified_at=None).first()
    if case is None or not case.replied_at:
        return
    link = public_link(reverse("evaluations:feedback", kwargs={"token": case.review.access_token}))
    with override(settings.LANGUAGE_CODE):
        params = {
            "title": _("您的评价已收到整改答复"),
            "body": _("%(reply)s 请查看并确认是否满意：%(link)s") % {"reply": case.reply[:120], "link": link},
        }
    send_sms(
        phone=case.review.phone, template="notification", params=params, idempotency_key=f"review-case-reply-{case.pk}"
    )
    RectificationCase.objects.filter(pk=case.pk, reviewer_notified_at=None).update(reviewer_notified_at=timezone.now())


@shared_task
def flag_overdue_cases() -> int:
    """Daily: rectification cases past their deadline are flagged and escalated; replies whose
    SMS a broker outage lost are sent again."""
    from evaluations import services
    from evaluations.models import RectificationCase

    for case_id in RectificationCase.objects.filter(
        review__user=None, replied_at__isnull=False, reviewer_notified_at=None
    ).values_list("pk", flat=True):
        text_reviewer.delay(case_id)
    return services.flag_overdue_cases()
