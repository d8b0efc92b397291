from django import forms
from django.utils.translation import gettext_lazy as _

from portal.signing.forms import SignatureField
from portal.verification.forms import SmsCodeField
from portal.verification.models import Purpose


class ConfirmForm(forms.Form):
    """确认提交: the SMS code sent to the applicant's phone (and, where the business asks for
    one, the handwritten signature)."""

    sms_code = SmsCodeField(purpose=Purpose.SUBMIT, phone_field=None)

    def __init__(self, *args, application, **kwargs):
        from applications.services import needs_signature

        self.application = application
        super().__init__(*args, **kwargs)
        if needs_signature(application):
            self.fields["signature"] = SignatureField(
                label=_("手写签名"),
                help_text=_("签名将用于本次申请的申请表及承诺书，与纸质签字具有同等效力"),
            )
            self.order_fields(["signature", "sms_code"])
