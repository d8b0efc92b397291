"""The review form (好差评服务页面, seed 004): nothing preselected, required fields marked "*"."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluations.models import BAD_LEVELS, STAR_CHOICES, SUB_RATINGS, AppealReason, BadReason, Level
from portal.accounts.validators import MAINLAND_MOBILE
from portal.verification.forms import SmsCodeField, SmsCodeInput
from portal.verification.models import Purpose


class QrSmsCodeInput(SmsCodeInput):
    """The send button of a scanned code asks this code's own endpoint, which sends only while
    the code is live (an anonymous visitor may not ask the platform for review codes)."""

    def __init__(self, *, send_url: str, **kwargs):
        super().__init__(purpose=Purpose.REVIEW, phone_field="phone", **kwargs)
        self.send_url = send_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["send_url"] = self.send_url
        return context


class ReviewForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("满意程度"),
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度")},
    )
    comment = forms.CharField(
        label=_("评价内容"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("请写下您对本次服务的意见或建议（选填）")}),
    )
    bad_reason = forms.ChoiceField(
        label=_("差评原因类别"),
        required=False,
        choices=[("", _("请选择"))] + list(BadReason.choices),
        help_text=_("选择“不满意”或“非常不满意”时必填"),
    )
    bad_reason_text = forms.CharField(
        label=_("差评原因说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选择“不满意”或“非常不满意”时必填，我们将安排责任单位核实整改并答复您"),
    )

    def __init__(self, *args, phone: str | None = None, qr_token: str | None = None, **kwargs):
        """``phone``: the logged-in reviewer's own number (shown read-only). Without it the
        visitor types a number and confirms it with an SMS code sent by the QR code's endpoint."""
        super().__init__(*args, **kwargs)
        fields = {}
        for name, label in SUB_RATINGS:
            fields[name] = forms.TypedChoiceField(
                label=label,
                choices=STAR_CHOICES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "stars"}),
                error_messages={"required": _("请为“%(label)s”打分") % {"label": label}},
            )
        # Sub-ratings right after the level, as on the paper form.
        ordered = {"level": self.fields.pop("level"), **fields}
        if phone:
            ordered["phone"] = forms.CharField(
                label=_("手机号码"),
                initial=phone,
                disabled=True,
                required=True,
                help_text=_("使用您账号绑定的手机号码"),
            )
        else:
            ordered["phone"] = forms.CharField(
                label=_("手机号码"),
                max_length=11,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
                error_messages={"required": _("请输入手机号码")},
            )
            send_url = reverse("evaluations:qr_send_code", kwargs={"token": qr_token}) if qr_token else ""
            ordered["sms_code"] = SmsCodeField(purpose=Purpose.REVIEW)
            ordered["sms_code"].widget = QrSmsCodeInput(send_url=send_url)
        self.fields = {**ordered, **self.fields}
        self.anonymous = not phone

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        if self.anonymous and not MAINLAND_MOBILE.match(phone):
            raise forms.ValidationError(_("请输入正确的11位手机号码"))
        return phone

    def clean(self):
        data = super().clean()
        if data.get("level") in BAD_LEVELS:
            if not data.get("bad_reason"):
                self.add_error("bad_reason", _("差评请选择原因类别"))
            if not (data.get("bad_reason_text") or "").strip():
                self.add_error("bad_reason_text", _("差评请说明具体原因"))
        return data

    def ratings(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _label in SUB_RATINGS}


class FeedbackForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("您对整改答复是否满意"),
        choices=[("1", _("满意")), ("0", _("不满意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否满意")},
    )
    feedback = forms.CharField(
        label=_("补充意见"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseVerifyForm(forms.Form):
    verification_note = forms.CharField(
        label=_("核实情况"), widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": _("请填写核实情况")}
    )


class CaseReplyForm(forms.Form):
    rectification = forms.CharField(
        label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": _("请填写整改措施")}
    )
    reply = forms.CharField(
        label=_("答复评价人"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写给评价人的答复")},
    )


class AppealForm(forms.Form):
    reason = forms.ChoiceField(label=_("申诉类型"), choices=AppealReason.choices)
    statement = forms.CharField(
        label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": _("请填写申诉理由")}
    )


class AppealDecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("1", _("申诉成立，该评价不计入统计")), ("0", _("申诉不成立"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": _("请填写审核意见")}
    )
