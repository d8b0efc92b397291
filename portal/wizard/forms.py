"""Forms of the wizard engine: the base of every step form, the notice to confirm, and the
confirm step (SMS code, and the handwritten signature where one is needed)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.signing.forms import SignatureField
from portal.verification.forms import SmsCodeField
from portal.verification.models import Purpose


def to_answer(value: Any) -> Any:
    """A cleaned value as the draft's JSON keeps it."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_answer(v) for v in value]
    return value


class StepForm(forms.Form):
    """Base of every step form: it knows the draft, its declaration and the user, and turns its
    cleaned data into JSON-able answers. Subclasses may define ``save_to(draft)`` to copy facts
    to the draft's columns when the step is completed (and again at submit)."""

    def __init__(self, *args, draft, user, **kwargs):
        self.draft = draft
        self.user = user
        self.declaration = draft.wizard
        super().__init__(*args, **kwargs)

    def answers(self) -> dict[str, Any]:
        return {k: to_answer(v) for k, v in self.cleaned_data.items()}

    def save_to(self, draft) -> None:
        pass


class NoticeField(forms.BooleanField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", True)
        kwargs.setdefault("error_messages", {"required": _("请先阅读并勾选确认业务办理须知")})
        super().__init__(**kwargs)


class NoticeMixin(forms.Form):
    """The declaration's notice, which must be read and confirmed (业务办理须知)."""

    notice_confirmed = NoticeField(label=_("我已阅读并确认业务办理须知"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        title = self.declaration.notice_title
        if title:
            self.fields["notice_confirmed"].label = _("我已阅读并确认%(title)s") % {"title": title}


class ConfirmForm(forms.Form):
    """确认提交: the SMS code sent to the applicant's phone (and, where the declaration or a
    commitment letter asks for one, the handwritten signature)."""

    sms_code = SmsCodeField(purpose=Purpose.SUBMIT, phone_field=None)

    def __init__(self, *args, draft=None, application=None, **kwargs):
        from portal.wizard.engine import needs_signature

        self.draft = draft if draft is not None else application
        self.application = self.draft
        super().__init__(*args, **kwargs)
        if needs_signature(self.draft):
            self.fields["signature"] = SignatureField(
                label=_("手写签名"),
                help_text=_("签名将用于本次申请的申请表及承诺书，与纸质签字具有同等效力"),
            )
            self.order_fields(["signature", "sms_code"])
