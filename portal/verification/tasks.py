from celery import shared_task
from django.conf import settings
from django.utils import timezone

from portal.verification.backends import SmsDeliveryError
from portal.verification.models import SmsCode
from portal.verification.sms import send_sms


@shared_task(bind=True, autoretry_for=(SmsDeliveryError,), retry_backoff=5, max_retries=3)
def deliver_code(self, sms_code_id: int, code: str) -> None:
    sms = SmsCode.objects.filter(pk=sms_code_id).first()
    # Already sent (a retried task), or replaced / expired meanwhile: sending now would only confuse.
    if sms is None or sms.sent_at or sms.voided_at or sms.expires_at <= timezone.now():
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
    SmsCode.objects.filter(pk=sms.pk, sent_at=None).update(sent_at=timezone.now())
