from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmForm(forms.Form):
    """确认提交: the SMS code sent to the applicant's phone (and, where the business asks for
    one, the handwritten signature)."""

    sms_code = forms.CharField(
        label=_("短信验证码"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
        error_messages={"required": _("请输入短信验证码"), "min_length": _("验证码为6位数字")},
    )

    def __init__(self, *args, application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)

    def signature_document(self, user):
        return None
