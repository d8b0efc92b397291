"""High-voltage businesses that start the e-assistant (SPEC 3 rows 17, 18)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    ALWAYS,
    Business,
    DocumentRule,
    Flow,
    Step,
    Trips,
    Whose,
)
from applications.catalog.businesses.common import (
    ID_PHOTOS,
    POWER_OF_ATTORNEY,
    SPECIAL_CUSTOMER_DOCUMENTS,
    high_voltage_account,
    property_proof,
)
from applications.catalog.forms import (
    CapacityField,
    EnterpriseMixin,
    EnterpriseNewApplicantForm,
    LegalRepMixin,
    NoticeMixin,
    SpecialCustomerMixin,
    StepForm,
    StreetChoiceField,
    YesNoField,
)
from applications.catalog.registry import register
from applications.models import CustomerKind
from applications.policy import LV_LIMIT_KW

# Seed 002: a customer under 160 kW who asks for high voltage may have it, with the request
# kept as evidence. The statement is the customer's own words, ticked on the form.
HV_STATEMENT = _("我已知晓160千瓦及以下可低压接入、零投资的政策，仍自愿申请高压供电")

HV_NOTICE = _(
    "一、高压新装/增容由专属客户经理“一对一”服务，通过办电e助手在线完成勘察预约、供电方案、设计审查、"
    "中间检查、竣工检验和合同签订，最多跑一次。\n"
    "二、容量在 160 千瓦及以下的，可由低压接入、供电企业投资至电能表（零投资）；仍申请高压供电的，须勾选说明。\n"
    "三、高危及重要客户、高耗能客户须提供项目立项批复等文件；矿山客户须提供采矿许可证、安全生产许可证。\n"
    "四、提交后，客户经理将在 3 个工作日内与您联系，约定现场勘察时间。"
)

HV_DOCUMENTS = [
    DocumentRule(
        "business_licence",
        "business_licence",
        _("营业执照"),
        when=ALWAYS,
        whose=Whose.SUBJECT,
        help=_("系统中已有且在有效期内的营业执照无需重复上传"),
    ),
    *ID_PHOTOS,
    property_proof(),
    POWER_OF_ATTORNEY,
    *SPECIAL_CUSTOMER_DOCUMENTS,
]


class HVStatementMixin(forms.Form):
    """安装变压器 (must be chosen) and, under 160, the statement that is kept as evidence."""

    transformer = YesNoField(label=_("安装变压器"), required_message=_("请选择是否安装变压器"))
    hv_statement = forms.BooleanField(
        label=HV_STATEMENT, required=False, help_text=_("申请容量低于 160 千伏安时必须勾选")
    )

    def total_capacity(self, data) -> Decimal | None:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        total = self.total_capacity(data)
        if total is not None and total < LV_LIMIT_KW and not data.get("hv_statement"):
            self.add_error(
                "hv_statement",
                _("申请容量 %(cap)s 千伏安，低于 160 千瓦可低压接入、零投资；仍申请高压供电请勾选上述说明")
                % {"cap": total},
            )
        return data

    def answers(self):
        answers = super().answers()
        if answers.get("hv_statement"):
            # The evidence of seed 002: the exact words and when they were confirmed (re-stamped
            # at submit, when every step is validated again).
            answers["hv_statement_text"] = str(HV_STATEMENT)
            answers["hv_statement_confirmed_at"] = timezone.now().isoformat()
        return answers


# --- 17 高压新装 ----------------------------------------------------------------------------------


class HVEnterpriseForm(LegalRepMixin, EnterpriseMixin, StepForm):
    """企业信息: the user's enterprise; its legal representative read-only (seed 003 §8)."""

    def legal_rep_enterprise(self):
        return self.current_enterprise()


class HVSiteForm(HVStatementMixin, SpecialCustomerMixin, NoticeMixin, StepForm):
    street = StreetChoiceField(label=_("用电地址所在地区/街道"), help_text=_("决定受理您申请的供电服务区域"))
    address = forms.CharField(label=_("用电地址"), max_length=150)
    capacity = CapacityField(label=_("申请容量（千伏安）"))

    field_order = [
        "street",
        "address",
        "capacity",
        "transformer",
        "hv_statement",
        "high_risk",
        "high_energy",
        "mine_type",
        "preferential_tariff",
        "notice_confirmed",
    ]

    def total_capacity(self, data):
        return data.get("capacity")

    def save_to(self, application) -> None:
        application.region = self.cleaned_data["street"]
        application.address = self.cleaned_data["address"]
        application.capacity = self.cleaned_data["capacity"]


HV_NEW = register(
    Business(
        code="hv_new",
        row=17,
        name=_("高压新装"),
        group="high_voltage",
        voltage="HV",
        trips=Trips.ONE,
        flow=Flow.HV_EASSISTANT,
        customer_kind=CustomerKind.ENTERPRISE,
        is_new_connection=True,
        summary=_("企业高压用电新装，办电e助手全程在线"),
        materials_intro=_(
            "高压新装适用于企业因投资办厂、新建项目需要高压用电。请先在“我的企业”中登记或绑定企业，准备营业执照、"
            "法定代表人身份证和产权证明；高危及重要客户、高耗能客户及矿山客户另需相关批复和许可证。"
        ),
        steps=[
            Step("enterprise", _("企业信息"), HVEnterpriseForm),
            Step("site", _("用电信息"), HVSiteForm),
            Step("applicant", _("申请人信息"), EnterpriseNewApplicantForm),
        ],
        documents=HV_DOCUMENTS,
        notice_title=_("《高压新装（增容）业务办理须知》"),
        notice=HV_NOTICE,
        contact_days=3,
        capacity_answer="capacity",
    )
)


# --- 18 高压增容 ----------------------------------------------------------------------------------


class HVIncreaseForm(HVStatementMixin, SpecialCustomerMixin, StepForm):
    added_capacity = CapacityField(label=_("新增容量（千伏安）"))

    field_order = [
        "added_capacity",
        "transformer",
        "hv_statement",
        "high_risk",
        "high_energy",
        "mine_type",
        "preferential_tariff",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.application.service_account
        if account is not None:
            self.fields["added_capacity"].help_text = _("当前合同容量 %(cap)s 千伏安") % {"cap": account.capacity}

    def total_capacity(self, data):
        account = self.application.service_account
        added = data.get("added_capacity")
        if added is None or account is None:
            return None
        return account.capacity + added

    def save_to(self, application) -> None:
        application.capacity = self.cleaned_data["added_capacity"]


HV_INCREASE = register(
    Business(
        code="hv_increase",
        row=18,
        name=_("高压增容"),
        group="high_voltage",
        voltage="HV",
        trips=Trips.ONE,
        flow=Flow.HV_EASSISTANT,
        needs_account=True,
        summary=_("高压客户扩大生产增加用电容量"),
        materials_intro=_(
            "高压增容适用于高压客户因扩大生产经营规模需要增加用电容量。输入户号后自动带出客户信息；"
            "前期已提供且在有效期内的资料无需再次提供。"
        ),
        steps=[
            Step("increase", _("增容信息"), HVIncreaseForm),
            Step("applicant", _("申请人信息"), EnterpriseNewApplicantForm),
        ],
        documents=HV_DOCUMENTS,
        notice_title=_("《高压新装（增容）业务办理须知》"),
        notice=HV_NOTICE,
        account_check=high_voltage_account,
        contact_days=3,
        capacity_answer="added_capacity",
        capacity_is_increase=True,
    )
)
