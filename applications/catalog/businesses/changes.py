"""Changes to an existing account (SPEC 3 rows 4, 7–16)."""

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    AGENT,
    ALWAYS,
    BATCH_CLOSURE,
    CONFIRM_STEP,
    DOCUMENTS_STEP,
    ENTERPRISE,
    PERMANENT,
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
    ID_PHOTOS,
    OWNER_ID_PHOTOS,
    POWER_OF_ATTORNEY,
    high_voltage_account,
    non_residential_account,
    normal_account,
    open_account,
    property_proof,
    subject_proof,
)
from applications.catalog.forms import (
    AccountApplicantForm,
    AccountForm,
    ApplicantForm,
    CapacityField,
    InvoiceMixin,
    LegalRepApplicantForm,
    NoticeMixin,
    PlannedDateField,
    StepForm,
    SubjectProofMixin,
    YesNoField,
    earlier_answers,
    id_number_problem,
)
from applications.catalog.registry import register
from applications.identity import DerivedIdentity
from applications.models import AccountStatus, BasicCharge, CustomerKind, Identity, UsageNature
from portal.accounts.models import IdType
from portal.accounts.roles import Role
from portal.accounts.validators import MAINLAND_MOBILE

AGENT_DOCUMENTS = [
    DocumentRule("power_of_attorney", "power_of_attorney", _("授权委托书"), when=AGENT),
    DocumentRule("agent_id_front", "id_card_front", _("经办人身份证人像面"), when=AGENT),
    DocumentRule("agent_id_back", "id_card_back", _("经办人身份证国徽面"), when=AGENT),
]


def _residential_normal(account) -> str | None:
    if account.usage_nature != UsageNature.RESIDENTIAL:
        return str(_("峰谷电价变更仅适用于居民生活用电户号"))
    if account.status != AccountStatus.NORMAL:
        return str(_("该户号当前状态为“%(status)s”，不能办理此业务") % {"status": account.get_status_display()})
    return None


class PeakValleyForm(NoticeMixin, AccountForm):
    """The action follows from the account: on when it is off, off when it is on (seed 000 §14)."""

    field_order = ["account_number", "notice_confirmed"]

    def answers(self):
        answers = super().answers()
        answers["peak_valley_target"] = not self.account.peak_valley
        return answers


PEAK_VALLEY = register(
    Business(
        code="peak_valley",
        row=14,
        name=_("开通/取消峰谷电"),
        group="tariff",
        voltage="LV",
        trips=Trips.ZERO,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("居民峰谷分时电价开通或取消"),
        materials_intro=_("居民客户可申请开通或取消峰谷分时电价。输入户号后，系统显示当前执行情况。"),
        steps=[
            Step("account", _("户号信息"), PeakValleyForm),
            Step("applicant", _("申请人信息"), ApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=AGENT_DOCUMENTS,
        notice_title=_("《居民峰谷变更业务办理须知》"),
        notice=_(
            "一、峰谷分时电价适用于执行居民生活电价的一户一表用户。\n"
            "二、峰段为 8:00–22:00，谷段为 22:00–次日 8:00，峰谷电价按省发展改革委核定的标准执行。\n"
            "三、开通或取消后，自下一个抄表周期起按新方式计费；一个年度内只能变更一次。\n"
            "四、需更换或调整电能表的，供电企业免费办理，无需您到营业厅。"
        ),
        account_check=_residential_normal,
        account_changes=lambda account, answers: {"peak_valley": bool(answers["peak_valley_target"])},
    )
)


def _ymd(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _arrears_problem(account) -> str | None:
    """Seed 003: 结清电费方可办理."""
    if account.balance < 0:
        return str(_("该户号欠费 %(amount)s 元，请结清电费后再办理") % {"amount": -account.balance})
    if account.bills.filter(paid_on=None).exists():
        return str(_("该户号尚有未缴清的电费账单，请结清电费后再办理"))
    return None


# --- 4 更名/过户 ----------------------------------------------------------------------------------

CHANGE_KINDS = [("rename", _("更名")), ("transfer", _("过户"))]
TRANSFER_WITH_NEW_OWNER = Condition(
    _("过户且产权发生变更时必备"),
    lambda c: c.answers.get("change_kind") == "transfer" and c.answers.get("ownership_changed") == "yes",
)
NEW_HOLDER_IS_OTHER = Condition(_("新户主不是申请人本人时必备"), lambda c: not c.answers.get("new_holder_is_applicant"))
NEW_HOLDER_IS_APPLICANT = Condition(_("新户主本人办理时必备"), lambda c: bool(c.answers.get("new_holder_is_applicant")))


def _transfer_check(account) -> str | None:
    return open_account(account) or _arrears_problem(account)


class TransferAccountForm(NoticeMixin, AccountForm):
    field_order = ["account_number", "notice_confirmed"]


class TransferForm(StepForm):
    """办理业务: 更名 or 过户, the new holder (产权人姓名【新用户】) and their ID; a transfer says
    whether the property changed hands (seed 003 §2: 过户用户需对是否发生产权变更进行选择)."""

    change_kind = forms.ChoiceField(label=_("办理业务"), choices=CHANGE_KINDS, widget=forms.RadioSelect)
    new_holder_name = forms.CharField(label=_("产权人姓名（新用户）"), max_length=100)
    new_holder_id_type = forms.ChoiceField(label=_("新用户证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    new_holder_id_number = forms.CharField(label=_("新用户证件号码"), max_length=32)
    ownership_changed = YesNoField(label=_("是否发生产权变更"), required=False,
                                   help_text=_("房屋买卖、继承等产权人变化的选“是”；出租等产权未变的选“否”"))

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
        if account is not None and number and number == account.holder_id_number.upper() and \
                data.get("new_holder_name", "").strip() == account.holder_name:
            self.add_error("new_holder_name", _("新用户信息与现户主相同，无需办理更名/过户"))
        return data

    def answers(self):
        answers = super().answers()
        answers["new_holder_is_applicant"] = bool(
            self.user.is_real_name_verified and self.user.id_number.upper() == answers["new_holder_id_number"]
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
            Step("account", _("户号信息"), TransferAccountForm),
            Step("change", _("变更信息"), TransferForm),
            Step("applicant", _("申请人信息"), TransferApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=[
            DocumentRule("new_holder_id_front", "other_person_id_front", _("新用户身份证件人像面"), when=NEW_HOLDER_IS_OTHER),
            DocumentRule("new_holder_id_back", "other_person_id_back", _("新用户身份证件国徽面"), when=NEW_HOLDER_IS_OTHER),
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


# --- 7 暂停 ---------------------------------------------------------------------------------------

INSPECTOR = Role.INSPECTOR.value  # seed 003: pause, reduction, restore and demand orders go to 用电检查人员


class PauseAccountForm(NoticeMixin, AccountForm):
    field_order = ["account_number", "notice_confirmed"]


class CapacityOfAccountMixin(forms.Form):
    """Capacity fields of a pause / reduction / restore, in the account's unit, capped by what
    the account holds."""

    capacity_field = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.application.service_account
        if account is not None:
            field = self.fields[self.capacity_field]
            unit = _("千伏安") if account.is_high_voltage else _("千瓦")
            field.label = f"{field.label}（{unit}）"

    def unit(self, account) -> str:
        return account.capacity_unit


class PauseForm(CapacityOfAccountMixin, StepForm):
    planned_date = PlannedDateField(label=_("计划停用日期"))
    pause_capacity = CapacityField(label=_("暂停容量"))

    capacity_field = "pause_capacity"

    def clean_pause_capacity(self):
        value = self.cleaned_data["pause_capacity"]
        account = self.application.service_account
        if account is not None and value > account.capacity:
            raise forms.ValidationError(
                _("暂停容量不能超过合同容量 %(cap)s %(unit)s") % {"cap": account.capacity, "unit": account.capacity_unit}
            )
        return value

    def save_to(self, application) -> None:
        application.capacity = self.cleaned_data["pause_capacity"]


PAUSE = register(
    Business(
        code="pause",
        row=7,
        name=_("暂停"),
        group="pause",
        voltage="LV/HV",
        trips=Trips.ZERO,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("暂时停止全部或部分受电设备用电"),
        materials_intro=_(
            "暂停适用于非居民客户暂时停止全部或部分受电设备的用电。请准备营业执照及身份证件；"
            "系统中已有且在有效期内的主体证明无需重复上传。"
        ),
        steps=[
            Step("account", _("户号信息"), PauseAccountForm),
            Step("pause", _("暂停信息"), PauseForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=[*ID_PHOTOS, subject_proof(), POWER_OF_ATTORNEY],
        notice_title=_("《暂停业务办理须知》"),
        notice=_(
            "一、暂停须提前申请，计划停用日期应在今天以后、一年以内。\n"
            "二、暂停容量不能超过合同容量；暂停期间，暂停部分免收基本电费。\n"
            "三、提交后，用电检查人员将在 1 个工作日内与您联系，在约定日期到现场对设备加封，请您签字确认。\n"
            "四、恢复用电请办理“容量恢复”（暂停恢复）。"
        ),
        account_check=non_residential_account,
        handler_role=INSPECTOR,
        contact_days=1,
        effective_answer="planned_date",
        account_changes=lambda account, answers: {
            "status": AccountStatus.PAUSED, "paused_capacity": Decimal(answers["pause_capacity"]),
        },
    )
)


# --- 8 减容 ---------------------------------------------------------------------------------------

REDUCTION_METHODS = [
    ("whole_transformer", _("整台或整组变压器停止运行")),
    ("smaller_transformer", _("更换小容量变压器")),
]
REDUCTION_TERMS = [("temporary", _("临时性减容")), ("permanent", _("永久性减容"))]


class ReductionAccountForm(NoticeMixin, AccountForm):
    field_order = ["account_number", "notice_confirmed"]


class ReductionForm(CapacityOfAccountMixin, StepForm):
    """减容方式 (seed 003: 减容必须是整台或整组变压器的停止或更换小容量变压器用电), date, capacity, term."""

    method = forms.ChoiceField(label=_("减容方式"), choices=REDUCTION_METHODS, widget=forms.RadioSelect)
    planned_date = PlannedDateField(label=_("计划停用日期"))
    reduce_capacity = CapacityField(label=_("减容容量"))
    term = forms.ChoiceField(label=_("减容性质"), choices=REDUCTION_TERMS, widget=forms.RadioSelect)

    capacity_field = "reduce_capacity"

    def clean_reduce_capacity(self):
        value = self.cleaned_data["reduce_capacity"]
        account = self.application.service_account
        if account is not None and value >= account.capacity:
            raise forms.ValidationError(
                _("减容容量应小于合同容量 %(cap)s %(unit)s；全部停止用电请办理暂停或销户")
                % {"cap": account.capacity, "unit": account.capacity_unit}
            )
        return value

    def answers(self):
        answers = super().answers()
        answers["temporary"] = answers.get("term") == "temporary"  # read by the PERMANENT condition
        return answers

    def save_to(self, application) -> None:
        application.capacity = self.cleaned_data["reduce_capacity"]


def _reduction_changes(account, answers) -> dict:
    reduced = Decimal(answers["reduce_capacity"])
    return {"status": AccountStatus.REDUCED, "capacity": account.capacity - reduced, "paused_capacity": reduced}


REDUCTION = register(
    Business(
        code="capacity_reduction",
        row=8,
        name=_("减容"),
        group="pause",
        voltage="HV",
        trips=Trips.ONE,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("高压客户整台变压器停用或换小"),
        materials_intro=_(
            "减容适用于高压客户整台或整组变压器停止运行，或更换小容量变压器。请准备营业执照及身份证件；"
            "永久性减容需提供新签供用电合同资料。"
        ),
        steps=[
            Step("account", _("户号信息"), ReductionAccountForm),
            Step("reduction", _("减容信息"), ReductionForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=[
            *ID_PHOTOS,
            subject_proof(),
            POWER_OF_ATTORNEY,
            DocumentRule("supply_contract_info", "supply_contract_info",
                         _("新签供用电合同资料（营业执照、法人身份证复印件、开户行、税务及停送电联系人信息）"),
                         when=PERMANENT, whose=Whose.SUBJECT),
        ],
        notice_title=_("《减容业务办理须知》"),
        notice=_(
            "一、减容必须是整台或整组变压器的停止运行，或更换小容量变压器。\n"
            "二、减容后应保留部分容量；全部停止用电请办理暂停或销户。\n"
            "三、提交后，用电检查人员将在 3 个工作日内与您联系，现场勘查并答复方案。\n"
            "四、恢复减容部分的容量请办理“容量恢复”（减容恢复）。"
        ),
        account_check=high_voltage_account,
        handler_role=INSPECTOR,
        contact_days=3,
        effective_answer="planned_date",
        account_changes=_reduction_changes,
    )
)


# --- 9 容量恢复 -----------------------------------------------------------------------------------

RESTORE_KINDS = [("pause_restore", _("暂停恢复")), ("reduction_restore", _("减容恢复"))]
_RESTORE_BY_STATUS = {AccountStatus.PAUSED: "pause_restore", AccountStatus.REDUCED: "reduction_restore"}


def _restorable(account) -> str | None:
    if account.status in _RESTORE_BY_STATUS:
        return None
    if account.status == AccountStatus.CLOSED:
        return str(_("该户号已销户，不能办理容量恢复"))
    return str(_("该户号当前状态为“%(status)s”，没有暂停或减容的容量可以恢复") % {"status": account.get_status_display()})


class RestoreAccountForm(NoticeMixin, AccountForm):
    """Which restore is offered follows from the account: paused → 暂停恢复, reduced → 减容恢复."""

    field_order = ["account_number", "notice_confirmed"]

    def answers(self):
        answers = super().answers()
        answers["restore_kind"] = _RESTORE_BY_STATUS[self.account.status]
        return answers


class RestoreForm(CapacityOfAccountMixin, StepForm):
    restore_kind = forms.ChoiceField(label=_("办理业务"), choices=RESTORE_KINDS, required=False, disabled=True)
    planned_date = PlannedDateField(label=_("计划恢复日期"))
    restore_capacity = CapacityField(label=_("恢复容量"))

    capacity_field = "restore_capacity"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.application.service_account
        kind = _RESTORE_BY_STATUS.get(account.status) if account is not None else None
        self.fields["restore_kind"].initial = self.initial["restore_kind"] = kind
        if account is not None and kind:
            self.fields["restore_capacity"].help_text = _("已%(what)s容量 %(cap)s %(unit)s") % {
                "what": _("暂停") if kind == "pause_restore" else _("减容"),
                "cap": account.paused_capacity, "unit": account.capacity_unit,
            }

    def clean(self):
        data = super().clean()
        account = self.application.service_account
        if not data.get("restore_kind"):
            self.add_error(None, _("该户号当前没有暂停或减容的容量可以恢复"))
        elif account is not None and data.get("restore_capacity") and data["restore_capacity"] > account.paused_capacity:
            self.add_error("restore_capacity", _("恢复容量不能超过已%(what)s的 %(cap)s %(unit)s") % {
                "what": _("暂停") if data["restore_kind"] == "pause_restore" else _("减容"),
                "cap": account.paused_capacity, "unit": account.capacity_unit,
            })
        return data

    def save_to(self, application) -> None:
        application.capacity = self.cleaned_data["restore_capacity"]


def _restore_changes(account, answers) -> dict:
    restored = Decimal(answers["restore_capacity"])
    remaining = max(account.paused_capacity - restored, Decimal("0"))
    changes: dict = {"paused_capacity": remaining}
    if account.status == AccountStatus.REDUCED:
        changes["capacity"] = account.capacity + restored
    # A partial restore leaves the rest paused / reduced.
    changes["status"] = AccountStatus.NORMAL if remaining == 0 else account.status
    return changes


RESTORE = register(
    Business(
        code="capacity_restore",
        row=9,
        name=_("容量恢复"),
        group="pause",
        voltage="LV/HV",
        trips=Trips.ZERO,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("暂停恢复或减容恢复"),
        materials_intro=_(
            "容量恢复适用于已办理暂停或减容的客户恢复用电。系统根据户号当前状态，自动进入暂停恢复或减容恢复。"
            "请准备营业执照及身份证件。"
        ),
        steps=[
            Step("account", _("户号信息"), RestoreAccountForm),
            Step("restore", _("恢复信息"), RestoreForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=[*ID_PHOTOS, subject_proof(), POWER_OF_ATTORNEY],
        notice_title=_("《容量恢复业务办理须知》"),
        notice=_(
            "一、恢复容量不能超过已暂停或已减容的容量。\n"
            "二、提交后，用电检查人员将与您联系，在约定日期到现场启封或恢复送电，请您签字确认。\n"
            "三、恢复后，自恢复之日起按恢复后的容量计收基本电费。"
        ),
        account_check=_restorable,
        handler_role=INSPECTOR,
        contact_days=1,
        effective_answer="planned_date",
        account_changes=_restore_changes,
    )
)


# --- 10 需量值变更 / 11 基本电价计费方式变更 --------------------------------------------------------

BILLING_NOTICE_TITLE = _("《基本电价计费方式变更业务办理须知》")
BILLING_NOTICE = _(
    "一、基本电价可按变压器容量或按最大需量计费，由您选择执行。\n"
    "二、计费方式变更按季调整：本季度只能变更下一季度的计费方式。\n"
    "三、需量值调整按月调整：本月只能调整下一个月的需量值；申请需量值不得低于合同容量的 40%，不得高于合同容量。\n"
    "四、提交后，用电检查人员将在 3 个工作日内与您联系确认。"
)
DEMAND_MIN_SHARE = Decimal("0.4")


def demand_problem(value: Decimal, account) -> str | None:
    low, high = (account.capacity * DEMAND_MIN_SHARE).quantize(Decimal("0.1")), account.capacity
    if value < low or value > high:
        return str(_("申请需量值应不低于合同容量的40%%、不高于合同容量，即 %(low)s–%(high)s 千瓦（合同容量 %(cap)s %(unit)s）")
                   % {"low": low, "high": high, "cap": account.capacity, "unit": account.capacity_unit})
    return None


def _demand_account(account) -> str | None:
    if not account.is_high_voltage:
        return str(_("需量值变更仅适用于高压客户，该户号为低压供电"))
    if account.basic_charge != BasicCharge.DEMAND:
        return str(_("该户号基本电费当前为“%(method)s”，需量值变更仅适用于按需量计费的客户；如需改为按需量计费，请办理“基本电价计费方式变更”")
                   % {"method": account.get_basic_charge_display()})
    return normal_account(account)


def _billing_account(account) -> str | None:
    if not account.is_high_voltage or account.basic_charge not in (BasicCharge.CAPACITY, BasicCharge.DEMAND):
        return str(_("基本电价计费方式变更仅适用于执行两部制电价（按容量或按需量计收基本电费）的高压客户"))
    return normal_account(account)


class BillingAccountForm(NoticeMixin, AccountForm):
    field_order = ["account_number", "notice_confirmed"]


class DemandField(CapacityField):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {
            "invalid": _("需量值请填写数字，例如 320 或 320.5"),
            "min_value": _("需量值必须大于 0"),
            "max_value": _("需量值超出可受理范围，请核对单位"),
            "max_decimal_places": _("需量值最多保留 1 位小数"),
        })
        super().__init__(**kwargs)


class EffectiveDateMixin(forms.Form):
    """Shows on the form the day the change will take effect (SPEC 3: 表单显示生效日期)."""

    effective_field = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        day = self.business.effective_date(timezone.localdate())
        self.effective_on = day
        if day is not None and self.effective_field in self.fields:
            field = self.fields[self.effective_field]
            note = _("将于 %(day)s 起生效") % {"day": _ymd(day)}
            field.help_text = f"{field.help_text}；{note}" if field.help_text else note


class DemandForm(EffectiveDateMixin, StepForm):
    requested_demand = DemandField(label=_("申请需量值（千瓦）"))

    effective_field = "requested_demand"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.application.service_account
        if account is not None:
            field = self.fields["requested_demand"]
            field.help_text = _("当前合同需量 %(demand)s 千瓦，可申请 %(low)s–%(high)s 千瓦；%(rest)s") % {
                "demand": account.contracted_demand or "—",
                "low": (account.capacity * DEMAND_MIN_SHARE).quantize(Decimal("0.1")), "high": account.capacity,
                "rest": _("将于 %(day)s 起生效") % {"day": _ymd(self.effective_on)},
            }

    def clean_requested_demand(self):
        value = self.cleaned_data["requested_demand"]
        account = self.application.service_account
        if account is not None:
            if (problem := demand_problem(value, account)):
                raise forms.ValidationError(problem)
            if account.contracted_demand is not None and value == account.contracted_demand:
                raise forms.ValidationError(_("申请需量值与当前合同需量相同，无需办理"))
        return value


DEMAND_VALUE_CHANGE = register(
    Business(
        code="demand_value_change",
        row=10,
        name=_("需量值变更"),
        group="tariff",
        voltage="HV",
        trips=Trips.ZERO,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("按需量计费客户调整合同需量值，次月生效"),
        materials_intro=_(
            "需量值变更适用于基本电价按最大需量计费的高压客户调整合同约定的需量值。需量值按月调整，本月申请、次月1日起生效。"
            "请准备用电户主体证明（营业执照等），提交前需手写签名确认。"
        ),
        steps=[
            Step("account", _("户号信息"), BillingAccountForm),
            Step("demand", _("申请需量值"), DemandForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("信息确认")),
        ],
        documents=[subject_proof(when=ALWAYS), *AGENT_DOCUMENTS],
        notice_title=BILLING_NOTICE_TITLE,
        notice=BILLING_NOTICE,
        account_check=_demand_account,
        requires_signature=True,
        effective_rule="next_month",
        handler_role=INSPECTOR,
        contact_days=3,
        account_changes=lambda account, answers: {"contracted_demand": Decimal(answers["requested_demand"])},
    )
)


class BillingForm(EffectiveDateMixin, StepForm):
    """Capacity ↔ demand: the target is the other method; switching to demand asks the value."""

    target_method = forms.ChoiceField(
        label=_("变更后计费方式"), choices=[(BasicCharge.CAPACITY, BasicCharge.CAPACITY.label),
                                     (BasicCharge.DEMAND, BasicCharge.DEMAND.label)],
        required=False, disabled=True,
    )
    requested_demand = DemandField(label=_("申请需量值（千瓦）"), required=False,
                                   help_text=_("改为按需量计费时填写"))

    effective_field = "target_method"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.application.service_account
        target = None
        if account is not None and account.basic_charge in (BasicCharge.CAPACITY, BasicCharge.DEMAND):
            target = BasicCharge.DEMAND if account.basic_charge == BasicCharge.CAPACITY else BasicCharge.CAPACITY
        self.fields["target_method"].initial = self.initial["target_method"] = target
        if target == BasicCharge.CAPACITY:
            del self.fields["requested_demand"]  # nothing to ask when leaving demand billing

    def clean(self):
        data = super().clean()
        account = self.application.service_account
        if not data.get("target_method"):
            self.add_error(None, _("该户号不执行两部制电价，不能变更基本电价计费方式"))
        elif data["target_method"] == BasicCharge.DEMAND and "requested_demand" not in self.errors:
            value = data.get("requested_demand")
            if value is None:
                self.add_error("requested_demand", _("改为按需量计费，请填写申请需量值"))
            elif account is not None and (problem := demand_problem(value, account)):
                self.add_error("requested_demand", problem)
        return data


def _billing_changes(account, answers) -> dict:
    target = answers["target_method"]
    demand = answers.get("requested_demand")
    return {
        "basic_charge": target,
        "contracted_demand": Decimal(demand) if target == BasicCharge.DEMAND and demand else None,
    }


BILLING_METHOD_CHANGE = register(
    Business(
        code="billing_method_change",
        row=11,
        name=_("基本电价计费方式变更"),
        group="tariff",
        voltage="HV",
        trips=Trips.ZERO,
        flow=Flow.CHANGE,
        needs_account=True,
        requires_real_name=True,
        summary=_("需量/容量计费方式互换，下季度生效"),
        materials_intro=_(
            "基本电价计费方式变更适用于执行两部制电价的高压客户，在按容量计费与按最大需量计费之间变更。"
            "按季调整，本季度申请、下季度首日起生效。未实名认证的客户需先完成实名认证；提交前需手写签名确认。"
        ),
        steps=[
            Step("account", _("户号信息"), BillingAccountForm),
            Step("billing", _("计费方式"), BillingForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("信息确认")),
        ],
        documents=[subject_proof(when=ALWAYS), *ID_PHOTOS, POWER_OF_ATTORNEY],
        notice_title=BILLING_NOTICE_TITLE,
        notice=BILLING_NOTICE,
        account_check=_billing_account,
        requires_signature=True,
        effective_rule="next_quarter",
        handler_role=INSPECTOR,
        contact_days=3,
        account_changes=_billing_changes,
    )
)


# --- 12 增值税变更 --------------------------------------------------------------------------------

VAT_FIELDS = ["vat_name", "vat_credit_code", "vat_bank", "vat_bank_account", "vat_address", "vat_phone"]


def _vat_account(account) -> str | None:
    if account.customer_kind == CustomerKind.RESIDENT:
        return str(_("该户号为居民生活用电，不开具增值税专用发票，无需办理增值税变更"))
    return open_account(account)


class VatAccountForm(AccountForm):
    pass


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

    legal_rep_id_type = forms.ChoiceField(label=_("法人代表身份证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    legal_rep_name = forms.CharField(label=_("法人代表姓名"), max_length=50)
    legal_rep_id_number = forms.CharField(label=_("法人代表身份证件号码"), max_length=32)
    legal_rep_phone = forms.CharField(label=_("法人代表手机号码"), max_length=11,
                                      widget=forms.TextInput(attrs={"inputmode": "tel"}))
    agent_name = forms.CharField(label=_("经办人姓名"), required=False, disabled=True)

    field_order = ["subject_proof_type", "identity", "owner_name", "owner_id_type", "owner_id_number",
                   "legal_rep_id_type", "legal_rep_name", "legal_rep_id_number", "legal_rep_phone", "agent_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.derived.enterprise or self.subject_enterprise()
        if enterprise is not None and not self.is_bound and "legal_rep_name" not in self.initial:
            self.initial.update(legal_rep_id_type=enterprise.legal_rep_id_type, legal_rep_name=enterprise.legal_rep_name,
                                legal_rep_id_number=enterprise.legal_rep_id_number)
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
            if (problem := id_number_problem(data.get("legal_rep_id_type", ""), number)):
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
        summary=_("开票名称、税号、开户行、地址电话变更"),
        materials_intro=_(
            "增值税变更适用于客户因开票名称、税号、地址、电话等信息变化，变更电费发票的增值税信息。"
            "请准备用电户主体证明和身份证件；开具增值税专用发票的，另需一般纳税人资格证明；经办人办理需授权委托书。"
        ),
        steps=[
            Step("account", _("户号信息"), VatAccountForm),
            Step("vat", _("增值税信息"), VatForm),
            Step("applicant", _("申请人信息"), VatApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("申请确认")),
        ],
        documents=[
            subject_proof(when=ALWAYS),
            *ID_PHOTOS,
            POWER_OF_ATTORNEY,
            DocumentRule("general_taxpayer_proof", "general_taxpayer_proof", _("一般纳税人资格证明"), when=SPECIAL_VAT,
                         whose=Whose.SUBJECT),
        ],
        notice_title=_("《增值税信息变更业务办理须知》"),
        notice=_(
            "一、增值税信息应与税务登记信息一致，统一社会信用代码即纳税人识别号。\n"
            "二、开具增值税专用发票的，须提供一般纳税人资格证明，并完整填写开户银行、银行账户、注册地址和联系电话。\n"
            "三、变更后开具的电费发票按新信息开具，已开具的发票不予重开。"
        ),
        account_check=_vat_account,
        account_changes=lambda account, answers: {
            "vat_invoice_type": answers["invoice_type"], **{name: answers.get(name, "") for name in VAT_FIELDS},
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
    description = forms.CharField(label=_("问题描述"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("例如：近两个月电量明显增加，家中用电习惯未变"))

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
        summary=_("对电能表计量有疑问时申请校验"),
        materials_intro=_("客户对电能表示数存在疑问时，可申请对电能表进行校验。请准备有效身份证件；委托办理的需授权委托书。"),
        steps=[
            Step("account", _("校验信息"), MeterTestForm),
            Step("applicant", _("申请人信息"), MeterTestApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
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


# --- 15 改类 --------------------------------------------------------------------------------------

TARIFF_CATEGORIES: dict[str, list[str]] = {
    UsageNature.RESIDENTIAL: ["居民生活用电（一户一表）", "居民生活用电（合表）"],
    UsageNature.COMMERCIAL: ["一般工商业用电（单一制）", "一般工商业用电（两部制）"],
    UsageNature.LARGE_INDUSTRY: ["大工业用电"],
    UsageNature.AGRICULTURE: ["农业生产用电"],
    UsageNature.EV_CHARGING: ["电动汽车充换电设施用电"],
}


class TariffAccountForm(NoticeMixin, AccountForm):
    field_order = ["account_number", "notice_confirmed"]


class TariffChangeForm(StepForm):
    new_usage_nature = forms.ChoiceField(label=_("变更后用电性质"), choices=UsageNature.choices)
    new_tariff_category = forms.ChoiceField(
        label=_("变更后电价类别"),
        choices=[(str(UsageNature(k).label), [(c, c) for c in v]) for k, v in TARIFF_CATEGORIES.items()],
    )
    reason = forms.CharField(label=_("改类原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("例如：店铺改为居住用途"))

    def clean(self):
        data = super().clean()
        nature, category = data.get("new_usage_nature"), data.get("new_tariff_category")
        if nature and category and category not in TARIFF_CATEGORIES.get(nature, []):
            self.add_error("new_tariff_category", _("所选电价类别不属于“%(nature)s”") % {"nature": UsageNature(nature).label})
        account = self.application.service_account
        if account is not None and nature == account.usage_nature and category == account.tariff_category:
            self.add_error("new_tariff_category", _("变更后的用电性质和电价类别与当前相同，无需办理改类"))
        return data


def _tariff_changes(account, answers) -> dict:
    changes = {"usage_nature": answers["new_usage_nature"], "tariff_category": answers["new_tariff_category"]}
    if answers["new_usage_nature"] != UsageNature.RESIDENTIAL and account.peak_valley:
        changes["peak_valley"] = False  # the residential peak-valley tariff ends with residential use
    return changes


TARIFF_CHANGE = register(
    Business(
        code="tariff_change",
        row=15,
        name=_("改类"),
        group="tariff",
        voltage="LV/HV",
        trips=Trips.ONE,
        flow=Flow.CHANGE,
        needs_account=True,
        summary=_("用电性质改变引起的电价变更"),
        materials_intro=_(
            "改类适用于用户因用电性质改变需要变更电价类别。请准备用电户主体证明（以单位名义办理时）、产权证明；"
            "系统中已有且在有效期内的无需重复提供。办结前请结清电费。"
        ),
        steps=[
            Step("account", _("户号信息"), TariffAccountForm),
            Step("tariff", _("改类信息"), TariffChangeForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=[subject_proof(when=ENTERPRISE), property_proof(), *AGENT_DOCUMENTS],
        notice_title=_("《改类业务办理须知》"),
        notice=_(
            "一、改类须与实际用电性质相符，供电企业将到现场核实。\n"
            "二、提交后，客户经理将在 3 个工作日内与您联系，确认变更信息并签订供用电合同（最多跑一次）。\n"
            "三、办结后自下一个抄表周期起按新的电价类别计费；改为非居民用电的，居民峰谷电价同时停止执行。"
        ),
        account_check=normal_account,
        contact_days=3,
        account_changes=_tariff_changes,
    )
)


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
    return _arrears_problem(account)


class ClosureAccountForm(NoticeMixin, AccountForm):
    field_order = ["account_number", "notice_confirmed"]


class ClosureForm(StepForm):
    """销户 (低压/高压 by the account): reason, final-reading consent, refund account when money
    is left on the account (seed 003: 需提供与身份证名称一致的银行帐号、开户行名称), batch closure."""

    closure_kind = forms.CharField(label=_("销户类型"), required=False, disabled=True)
    reason = forms.ChoiceField(label=_("销户原因"), choices=CLOSURE_REASONS)
    reason_detail = forms.CharField(label=_("原因说明"), max_length=300, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    final_reading_consent = forms.BooleanField(
        label=_("我同意以拆表时的电能表示数作为最终结算依据，并结清全部电费"),
        error_messages={"required": _("请勾选同意以拆表示数作为最终结算依据")},
    )
    batch = forms.BooleanField(label=_("批量销户（房屋拆迁）"), required=False,
                               help_text=_("因拆迁一次办理多户销户的，需上传拆迁许可证和拆迁清单"))
    refund_bank = forms.CharField(label=_("退费开户银行"), max_length=100, required=False)
    refund_account_name = forms.CharField(label=_("退费账户户名"), max_length=100, required=False)
    refund_account_number = forms.CharField(label=_("退费银行账号"), max_length=30, required=False,
                                            widget=forms.TextInput(attrs={"inputmode": "numeric"}))

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
        self.fields["refund_bank"].help_text = _(
            "账户余额 %(amount)s 元，销户后退至以下银行账户"
        ) % {"amount": account.balance}
        # Help text is rendered as HTML: the registry's holder name is escaped.
        self.fields["refund_account_name"].help_text = _("须与户名“%(name)s”一致") % {"name": escape(account.holder_name)}

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
            self.add_error("refund_account_name", _("退费账户户名须与户名“%(name)s”一致") % {"name": account.holder_name})
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
            Step("account", _("户号信息"), ClosureAccountForm),
            Step("closure", _("销户信息"), ClosureForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=[
            *ID_PHOTOS,
            *OWNER_ID_PHOTOS,
            subject_proof(),
            POWER_OF_ATTORNEY,
            DocumentRule("demolition_permit", "demolition_permit", _("拆迁许可证或政府相关拆迁证明"), when=BATCH_CLOSURE),
            DocumentRule("demolition_list", "demolition_list", _("拆迁清单（含每户户号、表号、户名、地址）"), when=BATCH_CLOSURE),
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
