"""Pausing, reducing and restoring capacity (SPEC 3 rows 7 暂停, 8 减容, 9 容量恢复)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    PERMANENT,
    Business,
    DocumentRule,
    Flow,
    Step,
    Trips,
    Whose,
)
from applications.catalog.businesses.common import (
    ID_PHOTOS,
    INSPECTOR,
    POWER_OF_ATTORNEY,
    high_voltage_account,
    non_residential_account,
    subject_proof,
)
from applications.catalog.forms import (
    AccountApplicantForm,
    AccountForm,
    CapacityField,
    NoticeMixin,
    PlannedDateField,
    StepForm,
)
from applications.catalog.registry import register
from applications.models import AccountStatus

# --- 7 暂停 ---------------------------------------------------------------------------------------


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
                _("暂停容量不能超过合同容量 %(cap)s %(unit)s")
                % {"cap": account.capacity, "unit": account.capacity_unit}
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
            Step("pause", _("暂停信息"), PauseForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
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
            "status": AccountStatus.PAUSED,
            "paused_capacity": Decimal(answers["pause_capacity"]),
        },
    )
)


# --- 8 减容 ---------------------------------------------------------------------------------------

REDUCTION_METHODS = [
    ("whole_transformer", _("整台或整组变压器停止运行")),
    ("smaller_transformer", _("更换小容量变压器")),
]
REDUCTION_TERMS = [("temporary", _("临时性减容")), ("permanent", _("永久性减容"))]


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
            Step("reduction", _("减容信息"), ReductionForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
        ],
        documents=[
            *ID_PHOTOS,
            subject_proof(),
            POWER_OF_ATTORNEY,
            DocumentRule(
                "supply_contract_info",
                "supply_contract_info",
                _("新签供用电合同资料（营业执照、法人身份证复印件、开户行、税务及停送电联系人信息）"),
                when=PERMANENT,
                whose=Whose.SUBJECT,
            ),
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
    return str(
        _("该户号当前状态为“%(status)s”，没有暂停或减容的容量可以恢复") % {"status": account.get_status_display()}
    )


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
                "cap": account.paused_capacity,
                "unit": account.capacity_unit,
            }

    def clean(self):
        data = super().clean()
        account = self.application.service_account
        if not data.get("restore_kind"):
            self.add_error(None, _("该户号当前没有暂停或减容的容量可以恢复"))
        elif (
            account is not None and data.get("restore_capacity") and data["restore_capacity"] > account.paused_capacity
        ):
            self.add_error(
                "restore_capacity",
                _("恢复容量不能超过已%(what)s的 %(cap)s %(unit)s")
                % {
                    "what": _("暂停") if data["restore_kind"] == "pause_restore" else _("减容"),
                    "cap": account.paused_capacity,
                    "unit": account.capacity_unit,
                },
            )
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
        account_form=RestoreAccountForm,
        summary=_("暂停恢复或减容恢复"),
        materials_intro=_(
            "容量恢复适用于已办理暂停或减容的客户恢复用电。系统根据户号当前状态，自动进入暂停恢复或减容恢复。"
            "请准备营业执照及身份证件。"
        ),
        steps=[
            Step("restore", _("恢复信息"), RestoreForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
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
