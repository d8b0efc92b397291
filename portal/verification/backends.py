"""Pluggable SMS delivery (setting SMS_BACKEND). Called only from Celery tasks.

Every send carries an idempotency key: the database backend stores one row per key and the
HTTP provider receives it as the message's out-id, so a task that runs twice sends once.
"""

import logging

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.sms")


class SmsDeliveryError(Exception):
    """The provider refused or could not be reached; the caller's task retries."""


class BaseSmsBackend:
    def send(self, *, phone: str, template: str, params: dict, text: str, idempotency_key: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Writes each message to the log (the phone is masked there by the logging filter)."""

    def send(self, *, phone, template, params, text, idempotency_key):
        logger.info("SMS to %s [%s]: %s", phone, idempotency_key, text)


class DatabaseBackend(BaseSmsBackend):
    """Keeps messages in the database; listed in the admin and, with DEBUG, at /dev/sms/."""

    def send(self, *, phone, template, params, text, idempotency_key):
        from portal.verification.models import SmsMessage

        SmsMessage.objects.get_or_create(
            idempotency_key=idempotency_key, defaults={"phone": phone, "template": template, "text": text}
        )


class HttpProviderBackend(BaseSmsBackend):
    """A template-based SMS gateway over HTTPS: POSTs JSON with the signature, the provider's
    template id for our template name, its parameters, and our idempotency key as out_id."""

    def send(self, *, phone, template, params, text, idempotency_key):
        template_id = settings.SMS_HTTP_TEMPLATES.get(template)
        if not settings.SMS_HTTP_URL or not template_id:
            raise SmsDeliveryError(f"SMS provider not configured for template {template!r}")
        payload = {
            "phone": phone,
            "sign_name": settings.SMS_HTTP_SIGNATURE,
            "template_id": template_id,
            "params": {k: str(v) for k, v in params.items()},
            "out_id": idempotency_key,
        }
        try:
            response = requests.post(
                settings.SMS_HTTP_URL,
                json=payload,
                headers={"Authorization": f"Bearer {settings.SMS_HTTP_KEY}"},
                timeout=settings.SMS_HTTP_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise SmsDeliveryError(f"SMS provider unreachable: {exc.__class__.__name__}") from exc
        if response.status_code >= 300:
            raise SmsDeliveryError(f"SMS provider answered {response.status_code}")


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
