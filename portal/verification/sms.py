"""The one way the portal sends a text message (from a worker, never inside a request)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from portal.verification.backends import get_backend

# Template name → text. The HTTP provider gets the name's template id and the parameters; the
# console and database backends get this text.
TEMPLATES = {
    "verification_code": _("【{signature}】您的验证码为{code}，用于{purpose}，{minutes}分钟内有效。请勿泄露给他人。"),
    "notification": _("【{signature}】{title}：{body}"),
}


def render_sms(template: str, params: dict) -> str:
    with override(settings.LANGUAGE_CODE):  # texts go out in Chinese whatever the worker's locale
        return str(TEMPLATES[template]).format(signature=settings.SMS_HTTP_SIGNATURE, **params)


def send_sms(*, phone: str, template: str, params: dict, idempotency_key: str) -> None:
    get_backend().send(
        phone=phone,
        template=template,
        params=params,
        text=render_sms(template, params),
        idempotency_key=idempotency_key,
    )
