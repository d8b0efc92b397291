"""The SMS-code field every page with a "发送验证码" button uses.

    class SubmitForm(forms.Form):
        sms_code = SmsCodeField(purpose=Purpose.SUBMIT, phone_field=None)  # own phone

renders the code input, the send button and a live status line. With JavaScript the button
posts by htmx to ``verification:send_code`` and the status line shows the answer and counts the
button down; without JavaScript the button submits the page's own form with
``send_code=<purpose>``: the page view then calls ``send_code_fallback`` and re-renders the form
with what the user typed (see ``portal.accounts.views`` for examples).
"""

from dataclasses import dataclass

from django import forms
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SendStatus:
    """The answer to one press of "发送验证码"."""

    ok: bool
    message: str
    retry_after: int | None = None


class SmsCodeInput(forms.TextInput):
    template_name = "verification/widgets/sms_code.html"

    def __init__(self, *, purpose: str, phone_field: str | None = "phone", attrs=None):
        base = {
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "pattern": r"\d{6}",
            "maxlength": "6",
            "class": "sms-code-input",
        }
        super().__init__(attrs={**base, **(attrs or {})})
        self.purpose = purpose
        self.phone_field = phone_field
        self.status: SendStatus | None = None  # set by send_code_fallback on a no-JS send

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.update(
            purpose=self.purpose,
            phone_field=self.phone_field,
            send_url=reverse("verification:send_code"),
            button_id=f"send-code-{self.purpose}",
            status_id=f"sms-status-{self.purpose}",
            status=self.status,
        )
        return context


class SmsCodeField(forms.CharField):
    """Six digits; the send button beside it asks for a code of ``purpose`` for the phone typed
    in ``phone_field`` (``None``: the logged-in user's own phone)."""

    def __init__(self, *, purpose: str, phone_field: str | None = "phone", **kwargs):
        kwargs.setdefault("label", _("短信验证码"))
        kwargs.setdefault(
            "validators", [RegexValidator(r"^\d{6}$", _("请输入短信中的6位数字验证码"), code="invalid_code")]
        )
        kwargs.setdefault("error_messages", {"required": _("请输入短信验证码")})
        super().__init__(widget=SmsCodeInput(purpose=purpose, phone_field=phone_field), **kwargs)

    def to_python(self, value):
        return super().to_python(value).replace(" ", "")
