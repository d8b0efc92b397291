from django import forms
from django.utils.translation import gettext_lazy as _

NUMBER_WIDGET = forms.TextInput(
    attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "13", "placeholder": _("10位数字，见电费单")}
)


class BindAccountForm(forms.Form):
    """我的户号 → 绑定户号. The code field is shown once the account turns out to need one."""

    number = forms.CharField(
        label=_("用电户号"), max_length=20, widget=NUMBER_WIDGET, error_messages={"required": _("请输入用电户号")}
    )
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


class OutageWatchForm(forms.Form):
    """停电信息 → 填写用电户号，确认添加. The code field is shown for a number not bound to the user."""

    number = forms.CharField(
        label=_("用电户号"), max_length=20, widget=NUMBER_WIDGET, error_messages={"required": _("请输入用电户号")}
    )
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


class BillAccountForm(forms.Form):
    """电量电费: which of my accounts to show."""

    account = forms.ChoiceField(label=_("用电户号"))

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.number, f"{a.number}（{a.region.name} {a.address}）") for a in accounts]
