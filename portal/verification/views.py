import re

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core.errors import DomainError
from portal.core.masking import mask_phone
from portal.core.middleware import client_ip
from portal.verification.forms import SendStatus
from portal.verification.models import SmsMessage
from portal.verification.services import request_code_for

_BUTTON_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,49}$")


def send_code_for_request(request: HttpRequest, *, purpose: str, phone: str | None) -> SendStatus:
    """Ask for a code on behalf of this request's user and IP; never raises a DomainError."""
    try:
        sms = request_code_for(purpose=purpose, phone=phone, user=request.user, ip=client_ip(request))
    except DomainError as exc:
        # Only the 60-second rule has a wait worth counting down on the button; the daily
        # caps last until tomorrow and their message says so.
        wait = exc.retry_after if exc.code == "resend_too_soon" else None
        return SendStatus(ok=False, message=str(exc.message), retry_after=wait)
    wait = int(settings.SMS_CODE_RESEND_AFTER.total_seconds())
    return SendStatus(ok=True, message=sent_message(sms), retry_after=wait)


def sent_message(sms) -> str:
    """What to tell the user: sent, or (the broker was down) waiting to be sent — never a false "sent"."""
    minutes = int(settings.SMS_CODE_TTL.total_seconds() // 60)
    if getattr(sms, "queued", None) is False:
        return _(
            "短信通道暂时繁忙，验证码将在恢复后自动发送至%(phone)s，%(minutes)s分钟内有效；如未收到，请稍后重新获取"
        ) % {"phone": mask_phone(sms.phone), "minutes": minutes}
    return _("验证码已发送至%(phone)s，%(minutes)s分钟内有效") % {"phone": mask_phone(sms.phone), "minutes": minutes}


def send_code_fallback(request: HttpRequest, form, *, purpose: str, field: str = "sms_code") -> SendStatus:
    """For a page's own view when its form was posted by the send button without JavaScript:
    send the code and put the answer under ``field``. The caller re-renders ``form`` (built
    unbound with the posted values as initial data, so nothing typed is lost and no error shows
    for fields the user has not finished yet)."""
    phone_field = form.fields[field].widget.phone_field
    status = send_code_for_request(
        request, purpose=purpose, phone=request.POST.get(phone_field) if phone_field else None
    )
    form.fields[field].widget.status = status
    return status


@require_POST
def send_code(request):
    """The "发送验证码" button of every page (htmx): answers the status fragment, which carries
    ``data-retry-after`` so the button counts down."""
    purpose = request.POST.get("purpose", "")
    button = request.POST.get("button", "")
    if not _BUTTON_ID.match(button):
        button = f"send-code-{purpose}" if _BUTTON_ID.match(f"send-code-{purpose}") else "send-code"
    status = send_code_for_request(request, purpose=purpose, phone=request.POST.get("phone"))
    context = {"status": status, "button_id": button}
    if request.htmx:
        # 200 even on a refusal: htmx swaps only successful responses, and the refusal is the
        # message the user must see.
        return render(request, "verification/_send_code_status.html", context)
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context["back_url"] = referer if safe else reverse("core:home")
    return render(request, "verification/send_code_result.html", context, status=200 if status.ok else 400)


@require_GET
def dev_sms(request):
    """The newest text messages, for a developer without a phone. Only with DEBUG and the
    database SMS backend: anywhere else it does not exist."""
    if not (settings.DEBUG and settings.SMS_BACKEND.endswith("DatabaseBackend")):
        raise Http404
    messages = SmsMessage.objects.order_by("-created_at", "-id")[:50]
    return render(request, "verification/dev_sms.html", {"sms_messages": messages})
