"""Closing an account (SPEC 3 row 16 销户)."""

import re

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    BATCH_CLOSURE,
    Business,
    DocumentRule,
    Flow,
    Step,
    Trips,
)
from applications.catalog.businesses.common import (
    ID_PHOTOS,
    OWNER_ID_PHOTOS,
    POWER_OF_ATTORNEY,
    arrears_problem,
    subject_proof,
)
from applications.catalog.forms import (
    AccountApplicantForm,
    StepForm,
)
from applications.catalog.registry import register
from applications.models import AccountStatus

# --- 16 销户 --------------------------------------------------------------------------------------

CLOSURE_REASONS = [
    ("demolition", _("房屋拆迁")),
    ("relocation", _("搬迁")),
    ("bankruptcy", _("依法破产或停业")),
    ("no_longer", _("不再用电")),
    ("other", _("其他")),
]


def _closable(account) -> str | None:
    if account.status == AccountStatus.CLOSED:
        return str(_("该户号已销户"))
    return arrears_problem(account)


class ClosureForm(StepForm):
    """销户 (低压/高压 by the account): reason, final-reading consent, refund account when money
    is left on the account (seed 003: 需提供与身份证名称一致的银行帐号、开户行名称), batch closure."""

    closure_kind = forms.CharField(label=_("销户类型"), required=False, disabled=True)
    reason = forms.ChoiceField(label=_("销户原因"), choices=CLOSURE_REASONS)
    reason_detail = forms.CharField(
        label=_("原因说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    final_reading_consent = forms.BooleanField(
        label=_("我同意以拆表时的电能表示数作为最终结算依据，并结清全部电费"),
        error_messages={"required": _("请勾选同意以拆表示数作为最终结算依据")},
    )
    batch = forms.BooleanField(
        label=_("批量销户（房屋拆迁）"),
        required=False,
        help_text=_("因拆迁一次办理多户销户的，需上传拆迁许可证和拆迁清单"),
    )
    refund_bank = forms.CharField(label=_("退费开户银行"), max_length=100, required=False)
    refund_account_name = forms.CharField(label=_("退费账户户名"), max_length=100, required=False)
    refund_account_number = forms.CharField(
        label=_("退费银行账号"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    REFUND_FIELDS = ("refund_bank", "refund_account_name", "refund_account_number")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.application.service_account
        kind = ""
        if account is not None:
            kind = str(_("高压销户")) if account.is_high_voltage else str(_("低压销户"))
        self.fields["closure_kind"].initial = self.initial["closure_kind"] = kind
        if account is None or account.balance <= 0:
            for name in self.REFUND_FIELDS:
                del self.fields[name]
            return
        for name in self.REFUND_FIELDS:
            self.fields[name].required = True
        self.fields["refund_bank"].help_text = _("账户余额 %(amount)s 元，销户后退至以下银行账户") % {
            "amount": account.balance
        }
        # Help text is rendered as HTML: the registry's holder name is escaped.
        self.fields["refund_account_name"].help_text = _("须与户名“%(name)s”一致") % {
            "name": escape(account.holder_name)
        }

    def clean_refund_account_number(self):
        value = "".join(self.cleaned_data["refund_account_number"].split())
        if not re.fullmatch(r"\d{8,30}", value):
            raise forms.ValidationError(_("银行账号只能填写数字（8–30位）"))
        return value

    def clean(self):
        data = super().clean()
        account = self.application.service_account
        name = (data.get("refund_account_name") or "").strip()
        if "refund_account_name" in self.fields and name and account is not None and name != account.holder_name:
            self.add_error(
                "refund_account_name", _("退费账户户名须与户名“%(name)s”一致") % {"name": account.holder_name}
            )
        if data.get("batch") and data.get("reason") != "demolition":
            self.add_error("batch", _("批量销户仅适用于房屋拆迁"))
        if data.get("reason") == "other" and not (data.get("reason_detail") or "").strip():
            self.add_error("reason_detail", _("选择“其他”时请说明原因"))
        return data


CLOSURE = register(
    Business(
        code="closure",
        row=16,
        name=_("销户"),
        group="closure",
        voltage="LV/HV",
        trips=Trips.ONE,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("终止供用电关系（低压/高压）"),
        materials_intro=_(
            "销户适用于客户因房屋拆迁、搬迁、破产等原因终止用电。办理前请结清电费；账户有余额的，"
            "需提供与户名一致的银行账户用于退费。因拆迁批量销户的，需上传拆迁许可证和拆迁清单。"
        ),
        steps=[
            Step("closure", _("销户信息"), ClosureForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
        ],
        documents=[
            *ID_PHOTOS,
            *OWNER_ID_PHOTOS,
            subject_proof(),
            POWER_OF_ATTORNEY,
            DocumentRule(
                "demolition_permit", "demolition_permit", _("拆迁许可证或政府相关拆迁证明"), when=BATCH_CLOSURE
            ),
            DocumentRule(
                "demolition_list", "demolition_list", _("拆迁清单（含每户户号、表号、户名、地址）"), when=BATCH_CLOSURE
            ),
        ],
        notice_title=_("《销户业务办理须知》"),
        notice=_(
            "一、销户前须结清全部电费；销户后供用电关系终止，再次用电需重新办理新装。\n"
            "二、客户经理将与您联系并到现场拆除计量表计，以拆表时的示数作为最终结算依据。\n"
            "三、账户有余额的，退至与户名一致的银行账户。\n"
            "四、高压客户由用电检查人员现场勘查，确定设备拆除方案后拆表销户。"
        ),
        account_check=_closable,
        account_changes=lambda account, answers: {"status": AccountStatus.CLOSED},
    )
)
