"""Tariffs and billing (SPEC 3 rows 10 需量值变更, 11 基本电价计费方式变更, 14 峰谷电, 15 改类)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    ALWAYS,
    ENTERPRISE,
    Business,
    Flow,
    Step,
    Trips,
)
from applications.catalog.businesses.common import (
    AGENT_DOCUMENTS,
    ID_PHOTOS,
    INSPECTOR,
    POWER_OF_ATTORNEY,
    normal_account,
    property_proof,
    subject_proof,
)
from applications.catalog.forms import (
    AccountApplicantForm,
    AccountForm,
    ApplicantForm,
    CapacityField,
    NoticeMixin,
    StepForm,
)
from applications.catalog.registry import register
from applications.models import AccountStatus, BasicCharge, UsageNature


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
        account_form=PeakValleyForm,
        summary=_("居民峰谷分时电价开通或取消"),
        materials_intro=_("居民客户可申请开通或取消峰谷分时电价。输入户号后，系统显示当前执行情况。"),
        steps=[
            Step("applicant", _("申请人信息"), ApplicantForm),
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
        return str(
            _("申请需量值应不低于合同容量的40%%、不高于合同容量，即 %(low)s–%(high)s 千瓦（合同容量 %(cap)s %(unit)s）")
            % {"low": low, "high": high, "cap": account.capacity, "unit": account.capacity_unit}
        )
    return None


def _demand_account(account) -> str | None:
    if not account.is_high_voltage:
        return str(_("需量值变更仅适用于高压客户，该户号为低压供电"))
    if account.basic_charge != BasicCharge.DEMAND:
        return str(
            _(
                "该户号基本电费当前为“%(method)s”，需量值变更仅适用于按需量计费的客户；如需改为按需量计费，请办理“基本电价计费方式变更”"
            )
            % {"method": account.get_basic_charge_display()}
        )
    return normal_account(account)


def _billing_account(account) -> str | None:
    if not account.is_high_voltage or account.basic_charge not in (BasicCharge.CAPACITY, BasicCharge.DEMAND):
        return str(_("基本电价计费方式变更仅适用于执行两部制电价（按容量或按需量计收基本电费）的高压客户"))
    return normal_account(account)


class DemandField(CapacityField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("需量值请填写数字，例如 320 或 320.5"),
                "min_value": _("需量值必须大于 0"),
                "max_value": _("需量值超出可受理范围，请核对单位"),
                "max_decimal_places": _("需量值最多保留 1 位小数"),
            },
        )
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
                "low": (account.capacity * DEMAND_MIN_SHARE).quantize(Decimal("0.1")),
                "high": account.capacity,
                "rest": _("将于 %(day)s 起生效") % {"day": _ymd(self.effective_on)},
            }

    def clean_requested_demand(self):
        value = self.cleaned_data["requested_demand"]
        account = self.application.service_account
        if account is not None:
            if problem := demand_problem(value, account):
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
            Step("demand", _("申请需量值"), DemandForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
        ],
        confirm_title=_("信息确认"),
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
        label=_("变更后计费方式"),
        choices=[(BasicCharge.CAPACITY, BasicCharge.CAPACITY.label), (BasicCharge.DEMAND, BasicCharge.DEMAND.label)],
        required=False,
        disabled=True,
    )
    requested_demand = DemandField(label=_("申请需量值（千瓦）"), required=False, help_text=_("改为按需量计费时填写"))

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
            Step("billing", _("计费方式"), BillingForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
        ],
        confirm_title=_("信息确认"),
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


# --- 15 改类 --------------------------------------------------------------------------------------

TARIFF_CATEGORIES: dict[str, list[str]] = {
    UsageNature.RESIDENTIAL: ["居民生活用电（一户一表）", "居民生活用电（合表）"],
    UsageNature.COMMERCIAL: ["一般工商业用电（单一制）", "一般工商业用电（两部制）"],
    UsageNature.LARGE_INDUSTRY: ["大工业用电"],
    UsageNature.AGRICULTURE: ["农业生产用电"],
    UsageNature.EV_CHARGING: ["电动汽车充换电设施用电"],
}


class TariffChangeForm(StepForm):
    new_usage_nature = forms.ChoiceField(label=_("变更后用电性质"), choices=UsageNature.choices)
    new_tariff_category = forms.ChoiceField(
        label=_("变更后电价类别"),
        choices=[(str(UsageNature(k).label), [(c, c) for c in v]) for k, v in TARIFF_CATEGORIES.items()],
    )
    reason = forms.CharField(
        label=_("改类原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：店铺改为居住用途"),
    )

    def clean(self):
        data = super().clean()
        nature, category = data.get("new_usage_nature"), data.get("new_tariff_category")
        if nature and category and category not in TARIFF_CATEGORIES.get(nature, []):
            self.add_error(
                "new_tariff_category", _("所选电价类别不属于“%(nature)s”") % {"nature": UsageNature(nature).label}
            )
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
            Step("tariff", _("改类信息"), TariffChangeForm),
            Step("applicant", _("申请人信息"), AccountApplicantForm),
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
