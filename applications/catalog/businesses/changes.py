"""Changes to an account's holder and data (SPEC 3 rows 4 更名/过户, 12 增值税变更, 13 电能表校验)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    ALWAYS,
    ENTERPRISE,
    SPECIAL_VAT,
    Business,
    Condition,
    DocumentRule,
    Flow,
    Step,
    Trips,
    Whose,
)
from applications.catalog.businesses.common import (
    AGENT_DOCUMENTS,
    ID_PHOTOS,
    POWER_OF_ATTORNEY,
    arrears_problem,
    open_account,
    property_proof,
    subject_proof,
)
from applications.catalog.forms import (
    AccountApplicantForm,
    AccountForm,
    ApplicantForm,
    InvoiceMixin,
    LegalRepApplicantForm,
    NoticeMixin,
    StepForm,
    SubjectProofMixin,
    YesNoField,
    earlier_answers,
    id_number_problem,
)
from applications.catalog.registry import register
from applications.identity import DerivedIdentity
from applications.models import CustomerKind, Identity
from portal.accounts.models import IdType
from portal.accounts.validators import MAINLAND_MOBILE

# --- 4 更名/过户 ----------------------------------------------------------------------------------

CHANGE_KINDS = [("rename", _("更名")), ("transfer", _("过户"))]
TRANSFER_WITH_NEW_OWNER = Condition(
    _("过户且产权发生变更时必备"),
    lambda c: c.answers.get("change_kind") == "transfer" and c.answers.get("ownership_changed") == "yes",
)
NEW_HOLDER_IS_OTHER = Condition(_("新户主不是申请人本人时必备"), lambda c: not c.answers.get("new_holder_is_applicant"))
NEW_HOLDER_IS_APPLICANT = Condition(_("新户主本人办理时必备"), lambda c: bool(c.answers.get("new_holder_is_applicant")))


def _transfer_check(account) -> str | None:
    return open_account(account) or arrears_problem(account)


class TransferForm(StepForm):
    """办理业务: 更名 or 过户, the new holder (产权人姓名【新用户】) and their ID; a transfer says
    whether the property changed hands (seed 003 §2: 过户用户需对是否发生产权变更进行选择)."""

    change_kind = forms.ChoiceField(label=_("办理业务"), choices=CHANGE_KINDS, widget=forms.RadioSelect)
    new_holder_name = forms.CharField(label=_("产权人姓名（新用户）"), max_length=100)
    new_holder_id_type = forms.ChoiceField(
        label=_("新用户证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    new_holder_id_number = forms.CharField(label=_("新用户证件号码"), max_length=32)
    ownership_changed = YesNoField(
        label=_("是否发生产权变更"),
        required=False,
        help_text=_("房屋买卖、继承等产权人变化的选“是”；出租等产权未变的选“否”"),
    )

    def clean(self):
        data = super().clean()
        number = (data.get("new_holder_id_number") or "").strip().upper()
        if "new_holder_id_number" in data:
            problem = id_number_problem(data.get("new_holder_id_type", ""), number)
            if problem:
                self.add_error("new_holder_id_number", problem)
            data["new_holder_id_number"] = number
        if data.get("change_kind") == "transfer" and not data.get("ownership_changed"):
            self.add_error("ownership_changed", _("过户请选择是否发生产权变更"))
        account = self.application.service_account
        if (
            account is not None
            and number
            and number == account.holder_id_number.upper()
            and data.get("new_holder_name", "").strip() == account.holder_name
        ):
            self.add_error("new_holder_name", _("新用户信息与现户主相同，无需办理更名/过户"))
        return data

    def answers(self):
        answers = super().answers()
        answers["new_holder_is_applicant"] = bool(
            self.user.is_real_name_verified
            and self.user.id_number.upper() == answers["new_holder_id_number"]
            and self.user.name == answers["new_holder_name"].strip()
        )
        return answers


class TransferApplicantForm(AccountApplicantForm):
    """The new holder applying in person is the owner (产权人) even though the account still
    carries the old holder's identity."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.derived.decided and earlier_answers(self.application).get("new_holder_is_applicant"):
            self.derived = DerivedIdentity(Identity.OWNER, True)
            field = self.fields["identity"]
            field.choices = [(Identity.OWNER, Identity.OWNER.label)]
            field.initial = self.initial["identity"] = Identity.OWNER
            field.disabled = True
            for name in ("owner_name", "owner_id_type", "owner_id_number"):
                self.fields.pop(name, None)


def _transfer_changes(account, answers) -> dict:
    return {
        "holder_name": answers["new_holder_name"].strip(),
        "holder_id_type": answers["new_holder_id_type"],
        "holder_id_number": answers["new_holder_id_number"],
    }


RENAME_TRANSFER = register(
    Business(
        code="rename_transfer",
        row=4,
        name=_("更名/过户"),
        group="change",
        voltage="LV/HV",
        trips=Trips.ZERO_LV_ONE_HV,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("户名变更或产权转移后的过户"),
        materials_intro=_(
            "更名适用于用电户名称变更（如企业更名、户籍变更）；过户适用于房屋买卖、出租、继承等原因变更用电户。"
            "输入户号后自动带出户主信息。请准备新用户的有效身份证件；产权发生变更的，另需产权证明；委托办理的需授权委托书。"
        ),
        steps=[
            Step("change", _("变更信息"), TransferForm),
            Step("applicant", _("申请人信息"), TransferApplicantForm),
        ],
        documents=[
            DocumentRule(
                "new_holder_id_front", "other_person_id_front", _("新用户身份证件人像面"), when=NEW_HOLDER_IS_OTHER
            ),
            DocumentRule(
                "new_holder_id_back", "other_person_id_back", _("新用户身份证件国徽面"), when=NEW_HOLDER_IS_OTHER
            ),
            DocumentRule("id_front", "id_card_front", _("新用户（本人）身份证人像面"), when=NEW_HOLDER_IS_APPLICANT),
            DocumentRule("id_back", "id_card_back", _("新用户（本人）身份证国徽面"), when=NEW_HOLDER_IS_APPLICANT),
            property_proof(when=TRANSFER_WITH_NEW_OWNER),
            subject_proof(when=ENTERPRISE),
            *AGENT_DOCUMENTS,
        ],
        notice_title=_("《更名/过户业务办理须知》"),
        notice=_(
            "一、办理更名或过户前，请结清全部电费。\n"
            "二、过户须选择是否发生产权变更；产权发生变更的，须提供新产权人的产权证明。\n"
            "三、低压客户全程网上办理；高压客户办理时，客户经理将与您约定签订新的供用电合同（最多跑一次）。\n"
            "四、办结后，户名和户主证件信息变更为新用户，原户主的电费余额可按需结转或退还。"
        ),
        account_check=_transfer_check,
        account_changes=_transfer_changes,
    )
)


# --- 12 增值税变更 --------------------------------------------------------------------------------

VAT_FIELDS = ["vat_name", "vat_credit_code", "vat_bank", "vat_bank_account", "vat_address", "vat_phone"]


def _vat_account(account) -> str | None:
    if account.customer_kind == CustomerKind.RESIDENT:
        return str(_("该户号为居民生活用电，不开具增值税专用发票，无需办理增值税变更"))
    return open_account(account)


class VatForm(InvoiceMixin, NoticeMixin, StepForm):
    """增值税信息, prefilled with what the account has now."""

    field_order = ["invoice_type", *VAT_FIELDS, "notice_confirmed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.application.service_account
        if account is not None and not self.is_bound and not self.initial:
            self.initial.update({name: getattr(account, name) for name in VAT_FIELDS})
            if account.vat_invoice_type:
                self.initial["invoice_type"] = account.vat_invoice_type
        self.order_fields(self.field_order)


class VatApplicantForm(SubjectProofMixin, ApplicantForm):
    """Seed 000 §12: 企业主体证明类型, 申请人身份, 法人代表身份证件类型 / 姓名 / 身份证件号码 / 手机号码,
    经办人姓名 — prefilled from the enterprise where the portal knows it."""

    legal_rep_id_type = forms.ChoiceField(
        label=_("法人代表身份证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    legal_rep_name = forms.CharField(label=_("法人代表姓名"), max_length=50)
    legal_rep_id_number = forms.CharField(label=_("法人代表身份证件号码"), max_length=32)
    legal_rep_phone = forms.CharField(
        label=_("法人代表手机号码"), max_length=11, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    agent_name = forms.CharField(label=_("经办人姓名"), required=False, disabled=True)

    field_order = [
        "subject_proof_type",
        "identity",
        "owner_name",
        "owner_id_type",
        "owner_id_number",
        "legal_rep_id_type",
        "legal_rep_name",
        "legal_rep_id_number",
        "legal_rep_phone",
        "agent_name",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.derived.enterprise or self.subject_enterprise()
        if enterprise is not None and not self.is_bound and "legal_rep_name" not in self.initial:
            self.initial.update(
                legal_rep_id_type=enterprise.legal_rep_id_type,
                legal_rep_name=enterprise.legal_rep_name,
                legal_rep_id_number=enterprise.legal_rep_id_number,
            )
        if self.derived.decided and self.derived.identity == Identity.LEGAL_REPRESENTATIVE:
            del self.fields["agent_name"]
            if not self.is_bound and "legal_rep_phone" not in self.initial:
                self.initial["legal_rep_phone"] = self.user.phone
        else:
            self.fields["agent_name"].initial = self.initial["agent_name"] = self.user.name
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        if "legal_rep_id_number" in data:
            number = data["legal_rep_id_number"].strip().upper()
            if problem := id_number_problem(data.get("legal_rep_id_type", ""), number):
                self.add_error("legal_rep_id_number", problem)
            data["legal_rep_id_number"] = number
        phone = (data.get("legal_rep_phone") or "").strip()
        if phone and not MAINLAND_MOBILE.match(phone):
            self.add_error("legal_rep_phone", _("请输入正确的11位手机号码"))
        return data


VAT_CHANGE = register(
    Business(
        code="vat_change",
        row=12,
        name=_("增值税变更"),
        group="change",
        voltage="LV/HV",
        trips=Trips.ZERO,
        flow=Flow.CHANGE,
        needs_account=True,
        account_form=AccountForm,
        summary=_("开票名称、税号、开户行、地址电话变更"),
        materials_intro=_(
            "增值税变更适用于客户因开票名称、税号、地址、电话等信息变化，变更电费发票的增值税信息。"
            "请准备用电户主体证明和身份证件；开具增值税专用发票的，另需一般纳税人资格证明；经办人办理需授权委托书。"
        ),
        steps=[
            Step("vat", _("增值税信息"), VatForm),
            Step("applicant", _("申请人信息"), VatApplicantForm),
        ],
        confirm_title=_("申请确认"),
        documents=[
            subject_proof(when=ALWAYS),
            *ID_PHOTOS,
            POWER_OF_ATTORNEY,
            DocumentRule(
                "general_taxpayer_proof",
                "general_taxpayer_proof",
                _("一般纳税人资格证明"),
                when=SPECIAL_VAT,
                whose=Whose.SUBJECT,
            ),
        ],
        notice_title=_("《增值税信息变更业务办理须知》"),
        notice=_(
            "一、增值税信息应与税务登记信息一致，统一社会信用代码即纳税人识别号。\n"
            "二、开具增值税专用发票的，须提供一般纳税人资格证明，并完整填写开户银行、银行账户、注册地址和联系电话。\n"
            "三、变更后开具的电费发票按新信息开具，已开具的发票不予重开。"
        ),
        account_check=_vat_account,
        account_changes=lambda account, answers: {
            "vat_invoice_type": answers["invoice_type"],
            **{name: answers.get(name, "") for name in VAT_FIELDS},
        },
    )
)


# --- 13 电能表校验 --------------------------------------------------------------------------------

METER_TEST_REASONS = [
    ("fast", _("电能表走快")),
    ("abnormal", _("电能表不走字或走字异常")),
    ("display", _("显示异常或黑屏")),
    ("doubt", _("对计量准确性有疑问")),
    ("other", _("其他")),
]


class MeterTestForm(AccountForm):
    reason = forms.ChoiceField(label=_("校验原因"), choices=METER_TEST_REASONS, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("问题描述"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：近两个月电量明显增加，家中用电习惯未变"),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not (data.get("description") or "").strip():
            self.add_error("description", _("选择“其他”时请描述问题"))
        return data


class MeterTestApplicantForm(NoticeMixin, LegalRepApplicantForm):
    """Seed 000 §13: the notice is read on the identity page."""


METER_TEST = register(
    Business(
        code="meter_test",
        row=13,
        name=_("电能表校验"),
        group="change",
        voltage="LV/HV",
        trips=Trips.ZERO,
        flow=Flow.CHANGE,
        needs_account=True,
        account_form=MeterTestForm,
        account_title=_("校验信息"),
        summary=_("对电能表计量有疑问时申请校验"),
        materials_intro=_(
            "客户对电能表示数存在疑问时，可申请对电能表进行校验。请准备有效身份证件；委托办理的需授权委托书。"
        ),
        steps=[
            Step("applicant", _("申请人信息"), MeterTestApplicantForm),
        ],
        documents=[*ID_PHOTOS, POWER_OF_ATTORNEY],
        notice_title=_("《电能表校验业务办理须知》"),
        notice=_(
            "一、提交后，客户经理将在 1 个工作日内与您联系，了解校验原因，确需校验的约定时间上门。\n"
            "二、校验期间将拆回原电能表并安装临时电能表计量，拆表前请结清旧表电费。\n"
            "三、根据检定结果对原电能表的电量电费进行追退；检定合格的，按规定收取校验费。"
        ),
        account_check=open_account,
        # Nothing changes on the account: the order's check records the test result.
        account_changes=None,
    )
)
