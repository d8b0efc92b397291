from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.verification.backends import SmsDeliveryError
from portal.verification.models import SmsCode
from portal.verification.outbox import NOTICE_PREFIX, publish_code, unseal
from portal.verification.sms import send_sms

# A code not sent this long after it was asked for lost its task (broker or worker outage).
SWEEP_AFTER = timedelta(seconds=20)


@shared_task(bind=True, autoretry_for=(SmsDeliveryError,), retry_backoff=5, max_retries=3)
def deliver_code(self, sms_code_id: int, code: str | None = None) -> None:
    sms = SmsCode.objects.filter(pk=sms_code_id).first()
    # Already sent (a retried task), or replaced / expired meanwhile: sending now would only confuse.
    if sms is None or sms.sent_at or sms.voided_at or sms.used_at or sms.expires_at <= timezone.now():
        return
    code = code or unseal(sms.code_sealed)
    if not code:
        return
    if code.startswith(NOTICE_PREFIX):
        send_sms(
            phone=sms.phone,
            template="notification",
            params={"title": sms.get_purpose_display(), "body": code[len(NOTICE_PREFIX) :]},
            idempotency_key=f"sms-code-{sms.pk}",
        )
        SmsCode.objects.filter(pk=sms.pk, sent_at=None).update(sent_at=timezone.now(), code_sealed="")
        return
    send_sms(
        phone=sms.phone,
        template="verification_code",
        params={
            "code": code,
            "purpose": sms.get_purpose_display(),
            "minutes": int(settings.SMS_CODE_TTL.total_seconds() // 60),
        },
        idempotency_key=f"sms-code-{sms.pk}",
    )
    SmsCode.objects.filter(pk=sms.pk, sent_at=None).update(sent_at=timezone.now(), code_sealed="")


@shared_task(ignore_result=True)
def sweep_unsent_codes() -> int:
    """Publish again the codes still unsent after SWEEP_AFTER and still usable: their task was
    lost with a broker or worker outage. Scheduled every 15 s (CELERY_BEAT_SCHEDULE)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            SmsCode.objects.select_for_update(skip_locked=True)
            .filter(sent_at=None, used_at=None, voided_at=None, expires_at__gt=now, created_at__lte=now - SWEEP_AFTER)
            .exclude(code_sealed="")
            .order_by("created_at")
            .values_list("pk", flat=True)[:200]
        )
    published = 0
    for pk in ids:
        if not publish_code(pk):
            break
        published += 1
    return published
