"""New connections and capacity increases at low voltage (SPEC 3 rows 1, 2, 3, 5, 6)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    AGENT,
    ALWAYS,
    NEW_CONNECTION,
    NON_RESIDENT,
    NOT_AGENT,
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
    OLD_STYLE_SUBJECT_PROOF,
    OWNER_ID_PHOTOS,
    POWER_OF_ATTORNEY,
    SPECIAL_CUSTOMER_DOCUMENTS,
    low_voltage_account,
    property_proof,
    subject_proof,
)
from applications.catalog.forms import (
    ApplicantForm,
    AppointmentMixin,
    CapacityField,
    EnterpriseMixin,
    EnterpriseNewApplicantForm,
    InvoiceMixin,
    LegalRepApplicantForm,
    LocationForm,
    NoticeMixin,
    ParkMixin,
    SpecialCustomerMixin,
    StepForm,
    StreetChoiceField,
    SubjectProofMixin,
    earlier_answers,
)
from applications.catalog.registry import register
from applications.models import CustomerKind, Identity

PROPERTY_PROOF_TYPES = [
    ("real_estate_certificate", _("不动产权证书")),
    ("house_certificate", _("房屋所有权证")),
    ("purchase_contract", _("购房合同")),
    ("village_statement", _("村委会或街道办出具的产权说明")),
    ("other", _("其他产权证明文书")),
]

NEW_CONNECTION_NOTICE = _(
    "一、申请人应为用电地址房屋的产权人，请如实填写用电地址和申请容量。\n"
    "二、请准备有效身份证明、产权证明及装表位置照片；产权证明暂时无法提供的，可签署承诺书，"
    "在现场服务时补交（一证受理）。\n"
    "三、提交后，客户经理将在 1 个工作日内与您联系，并按预约时间上门勘察；具备装表条件的，"
    "现场装表接电，签订供用电合同及电费智能交费协议。\n"
    "四、低压新装实行“零投资”：供电企业投资建设至电能表，不向您收取任何费用。\n"
    "五、请保持手机畅通，办理进度可在“服务记录”中随时查询。"
)


class ResidentialLocationForm(AppointmentMixin, LocationForm):
    field_order = ["street", "address", "capacity", "appointment", "notice_confirmed"]


class PropertyForm(StepForm):
    property_proof_type = forms.ChoiceField(label=_("产权证明类型"), choices=PROPERTY_PROOF_TYPES)


RESIDENTIAL_NEW = register(
    Business(
        code="residential_new",
        row=1,
        name=_("个人新装"),
        group="connection",
        voltage="LV",
        trips=Trips.ZERO,
        flow=Flow.LV_CONNECTION,
        customer_kind=CustomerKind.RESIDENT,
        is_new_connection=True,
        fixed_identity=Identity.OWNER,
        summary=_("居民生活用电新装"),
        materials_intro=_("个人新装适用于自然人因新建、购置房屋需要用电。申请人为房屋产权人，全程网上办理。"),
        steps=[
            Step("location", _("用电信息"), ResidentialLocationForm),
            Step("property", _("产权信息"), PropertyForm),
            Step("applicant", _("申请人信息"), ApplicantForm),
        ],
        documents=[
            DocumentRule("id_front", "id_card_front", _("身份证人像面"), when=NEW_CONNECTION),
            DocumentRule("id_back", "id_card_back", _("身份证国徽面"), when=NEW_CONNECTION),
            DocumentRule(
                "property_proof",
                "property_proof",
                _("产权证明"),
                whose=Whose.SUBJECT,
                deferrable=True,
                help=_("不动产权证书、房屋所有权证、购房合同，或村委会/街道办出具的产权说明"),
            ),
            DocumentRule(
                "meter_photo",
                "meter_location_photo",
                _("装表位置照片"),
                help=_("拍摄拟安装电能表的墙面或表箱位置"),
            ),
        ],
        notice_title=_("《新装业务办理须知》"),
        notice=NEW_CONNECTION_NOTICE,
        capacity_answer="capacity",
    )
)


# --- 2 个体商户新装 -------------------------------------------------------------------------------


class IndividualBusinessLocationForm(AppointmentMixin, ParkMixin, LocationForm):
    field_order = ["street", "address", "capacity", "park", "appointment", "notice_confirmed"]


INDIVIDUAL_BUSINESS_NEW = register(
    Business(
        code="individual_business_new",
        row=2,
        name=_("个体商户新装"),
        group="connection",
        voltage="LV",
        trips=Trips.ZERO,
        flow=Flow.LV_CONNECTION,
        customer_kind=CustomerKind.INDIVIDUAL_BUSINESS,
        is_new_connection=True,
        fixed_identity=Identity.OWNER,
        summary=_("个体工商户店铺经营用电新装"),
        materials_intro=_(
            "个体商户新装适用于个体工商户因开设店铺等需要用电。申请人为经营场所产权人，"
            "除身份证明和产权证明外，另需上传个体工商户营业执照，全程网上办理。"
        ),
        steps=[
            Step("location", _("用电信息"), IndividualBusinessLocationForm),
            Step("property", _("产权信息"), PropertyForm),
            Step("applicant", _("申请人信息"), ApplicantForm),
        ],
        documents=[
            *RESIDENTIAL_NEW.documents,
            DocumentRule(
                "business_licence",
                "individual_business_licence",
                _("个体工商户营业执照"),
                when=NON_RESIDENT,
                help=_("营业执照正本或副本照片；系统中已有且在有效期内的无需重复上传"),
            ),
        ],
        notice_title=_("《新装业务办理须知》"),
        notice=NEW_CONNECTION_NOTICE,
        capacity_answer="capacity",
    )
)


# --- 3 企业新装 -----------------------------------------------------------------------------------


class EnterpriseLocationForm(ParkMixin, LocationForm):
    field_order = ["street", "address", "capacity", "park", "notice_confirmed"]


class EnterpriseSubjectForm(SubjectProofMixin, EnterpriseMixin, SpecialCustomerMixin, StepForm):
    """企业信息: the subject proof type, the enterprise (one of the user's), its certificate type
    and number taken from the enterprise, and the questions that decide extra documents."""

    # The enterprise is chosen on this very page: whether its licence is on file is settled by
    # the documents step, which reuses it (一证通办).
    hide_subject_proof_on_file = False

    certificate_type = forms.CharField(
        label=_("企业证件类型"), required=False, disabled=True, initial=_("统一社会信用代码证")
    )
    certificate_number = forms.CharField(label=_("企业证件号码"), required=False, disabled=True)

    field_order = [
        "subject_proof_type",
        "enterprise",
        "certificate_type",
        "certificate_number",
        "high_risk",
        "high_energy",
        "mine_type",
        "preferential_tariff",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.current_enterprise()
        number = enterprise.credit_code if enterprise is not None else ""
        self.fields["certificate_number"].initial = number
        self.initial["certificate_number"] = number
        self.initial["certificate_type"] = self.fields["certificate_type"].initial
        self.order_fields(self.field_order)


class EnterpriseInvoiceForm(InvoiceMixin, StepForm):
    """发票性质 and 发票信息, prefilled from the enterprise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoice_type"].label = _("发票性质")
        enterprise = self.application.enterprise
        if enterprise is not None and not self.is_bound and not self.initial:
            self.initial.update(
                vat_name=enterprise.name,
                vat_credit_code=enterprise.credit_code,
                vat_address=enterprise.registered_address,
            )


ENTERPRISE_NEW = register(
    Business(
        code="enterprise_new",
        row=3,
        name=_("企业新装"),
        group="connection",
        voltage="LV",
        trips=Trips.ZERO,
        flow=Flow.LV_CONNECTION,
        customer_kind=CustomerKind.ENTERPRISE,
        is_new_connection=True,
        summary=_("企业低压用电新装，160千瓦及以下零投资"),
        materials_intro=_(
            "企业新装适用于企业因投资办厂、新建房屋等需要低压用电。请先在“我的企业”中登记或绑定企业；"
            "法定代表人本人办理无需授权委托书，经办人办理需上传授权委托书。系统中已有且在有效期内的营业执照无需重复上传。"
        ),
        steps=[
            Step("location", _("用电信息"), EnterpriseLocationForm),
            Step("enterprise", _("企业信息"), EnterpriseSubjectForm),
            Step("applicant", _("申请人信息"), EnterpriseNewApplicantForm),
            Step("invoice", _("发票信息"), EnterpriseInvoiceForm),
        ],
        documents=[
            *ID_PHOTOS,
            subject_proof(when=ALWAYS, label=_("企业主体证明")),
            property_proof(),
            POWER_OF_ATTORNEY,
            DocumentRule(
                "tax_registration",
                "tax_registration",
                _("税务登记证复印件"),
                when=OLD_STYLE_SUBJECT_PROOF,
                whose=Whose.SUBJECT,
            ),
            DocumentRule(
                "general_taxpayer_proof",
                "general_taxpayer_proof",
                _("一般纳税人资格证明"),
                when=SPECIAL_VAT,
                whose=Whose.SUBJECT,
            ),
            *SPECIAL_CUSTOMER_DOCUMENTS,
        ],
        notice_title=_("《新装业务办理须知》"),
        notice=NEW_CONNECTION_NOTICE,
        capacity_answer="capacity",
    )
)


# --- 5 充电桩报装 ---------------------------------------------------------------------------------

PARKING_OWNERSHIP = [
    ("owned", _("自有产权车位")),
    ("leased", _("租赁车位")),
    ("assigned", _("单位或小区分配的固定车位")),
]
CHARGER_KINDS = [("ac", _("交流（慢充）")), ("dc", _("直流（快充）"))]


class ChargerForm(NoticeMixin, StepForm):
    """建桩信息 (seed 000 §6): where, on whose parking space, how many chargers of what power."""

    street = StreetChoiceField(label=_("建桩地区/街道"))
    address = forms.CharField(
        label=_("建桩地址"),
        max_length=150,
        help_text=_("小区或停车场名称及车位号，例如：海湖新区某小区地下车库 B2-136"),
    )
    parking_ownership = forms.ChoiceField(label=_("车位产权"), choices=PARKING_OWNERSHIP, widget=forms.RadioSelect)
    charger_count = forms.IntegerField(
        label=_("充电桩数量（台）"),
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={"min_value": _("充电桩数量至少为 1 台"), "max_value": _("一次最多申请 20 台，更多请分批申请")},
    )
    charger_power = CapacityField(
        label=_("单台充电功率（千瓦）"), max_value=Decimal("360"), help_text=_("家用交流桩一般为 7 千瓦")
    )
    charger_kind = forms.ChoiceField(label=_("交流/直流"), choices=CHARGER_KINDS, widget=forms.RadioSelect)

    field_order = [
        "street",
        "address",
        "parking_ownership",
        "charger_count",
        "charger_power",
        "charger_kind",
        "notice_confirmed",
    ]

    def total_capacity(self) -> Decimal:
        return self.cleaned_data["charger_count"] * self.cleaned_data["charger_power"]

    def answers(self):
        answers = super().answers()
        answers["capacity"] = str(self.total_capacity())  # what the 160 kW policy looks at
        return answers

    def save_to(self, application) -> None:
        application.region = self.cleaned_data["street"]
        application.address = self.cleaned_data["address"]
        application.capacity = self.total_capacity()


class ChargerApplicantForm(ApplicantForm):
    """办电信息: as 车主 or 经办人; the agent names the owner and adds their own ID photos."""

    _LABELS = {Identity.OWNER: _("车主"), Identity.AGENT: _("经办人")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["identity"]
        field.choices = [(value, self._LABELS.get(value, label)) for value, label in field.choices]
        for name, label in (
            ("owner_name", _("车主姓名")),
            ("owner_id_type", _("车主证件类型")),
            ("owner_id_number", _("车主证件号码")),
        ):
            if name in self.fields:
                self.fields[name].label = label


EV_CHARGER = register(
    Business(
        code="ev_charger",
        row=5,
        name=_("充电桩报装"),
        group="connection",
        voltage="LV",
        trips=Trips.ZERO,
        flow=Flow.LV_CONNECTION,
        customer_kind=CustomerKind.RESIDENT,
        is_new_connection=True,
        summary=_("个人电动汽车充电桩用电报装"),
        materials_intro=_(
            "充电桩报装适用于个人在自有或长期租用的固定车位安装电动汽车充电设施。请准备车主身份证、"
            "车位产权证明或租赁协议；经办人代办的，另需授权委托书和经办人身份证。提交后可签订智能交费协议。"
        ),
        steps=[
            Step("charger", _("建桩信息"), ChargerForm),
            Step("applicant", _("办电信息"), ChargerApplicantForm),
        ],
        documents=[
            DocumentRule("id_front", "id_card_front", _("车主身份证人像面"), when=NOT_AGENT),
            DocumentRule("id_back", "id_card_back", _("车主身份证国徽面"), when=NOT_AGENT),
            DocumentRule(
                "owner_id_front",
                "other_person_id_front",
                _("车主身份证件人像面"),
                when=AGENT,
                help=_("您所代办的车主的有效身份证件"),
            ),
            DocumentRule("owner_id_back", "other_person_id_back", _("车主身份证件国徽面"), when=AGENT),
            DocumentRule(
                "parking_space_proof",
                "parking_space_proof",
                _("车位产权证明或租赁协议"),
                deferrable=True,
                help=_("车位产权证明，或租期一年以上的车位租赁协议"),
            ),
            *AGENT_DOCUMENTS,
        ],
        notice_title=_("《充电桩报装业务办理须知》"),
        notice=_(
            "一、充电设施应安装在您拥有产权或长期租用的固定车位，并取得物业或车位产权人同意。\n"
            "二、供电企业投资建设至电能表，表后线路及充电桩由您自行委托具备资质的单位安装。\n"
            "三、提交后，客户经理将在 1 个工作日内与您联系，约定时间上门勘察、装表接电。\n"
            "四、充电桩用电执行电动汽车充换电设施电价，可签订智能交费协议，电费余额不足时及时提醒。"
        ),
        capacity_answer="capacity",
        completion_next="applications:smart_payment",
    )
)


# --- 6 增容 ---------------------------------------------------------------------------------------

USAGE_KINDS = [("enterprise", _("企业")), ("personal", _("个人"))]
ENTERPRISE_USE = Condition(_("企业用电必备"), lambda c: c.answers.get("usage_kind") == "enterprise")

NONRESIDENT_INCREASE_NOTICE = _(
    "非居民客户增容：请准备用电户主体证明（营业执照等，系统中已有且在有效期内的无需上传）和产权证明；"
    "低压供电容量放开至 160 千瓦（登记的小微企业园区内可至 300 千瓦），供电企业投资至电能表。"
)


class IncreaseForm(AppointmentMixin, ParkMixin, StepForm):
    """增容信息: 用电性质 (enterprise / personal), the capacity to add, the appointment."""

    usage_kind = forms.ChoiceField(label=_("用电性质"), choices=USAGE_KINDS, widget=forms.RadioSelect)
    added_capacity = CapacityField(label=_("新增容量（千瓦）"))
    nonresident_notice_confirmed = forms.BooleanField(
        label=_("已阅读并确认《低压非居民增容业务办理须知》"),
        required=False,
        help_text=NONRESIDENT_INCREASE_NOTICE,
    )

    field_order = ["usage_kind", "added_capacity", "park", "appointment", "nonresident_notice_confirmed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.application.service_account
        if account is not None:
            self.fields["usage_kind"].initial = (
                "personal" if account.customer_kind == CustomerKind.RESIDENT else "enterprise"
            )
            self.fields["added_capacity"].help_text = _(
                "当前合同容量 %(cap)s 千瓦；增容后总容量超过 160 千瓦（园区内 300 千瓦）的，客户经理将与您核实供电方式"
            ) % {"cap": account.capacity}

    def clean(self):
        data = super().clean()
        account = self.application.service_account
        kind = data.get("usage_kind")
        if account is not None and kind:
            if account.customer_kind == CustomerKind.ENTERPRISE and kind == "personal":
                self.add_error("usage_kind", _("该户号为企业户号，用电性质请选择“企业”"))
            elif account.customer_kind == CustomerKind.RESIDENT and kind == "enterprise":
                self.add_error("usage_kind", _("该户号为居民生活用电，用电性质请选择“个人”"))
        if kind == "enterprise" and not data.get("nonresident_notice_confirmed"):
            self.add_error("nonresident_notice_confirmed", _("请先阅读并勾选确认《低压非居民增容业务办理须知》"))
        return data

    def save_to(self, application) -> None:
        application.capacity = self.cleaned_data["added_capacity"]


class IncreaseSubjectForm(SubjectProofMixin, StepForm):
    """产权证明类型, and for enterprises the subject proof type — not shown when a valid one is
    on file (seed 000 §7)."""

    property_proof_type = forms.ChoiceField(label=_("产权证明类型"), choices=PROPERTY_PROOF_TYPES)

    def subject_kind(self) -> str:
        if earlier_answers(self.application).get("usage_kind") == "personal":
            return CustomerKind.RESIDENT  # a person proves themselves by their ID: no subject proof
        return super().subject_kind()


CAPACITY_INCREASE = register(
    Business(
        code="capacity_increase",
        row=6,
        name=_("增容"),
        group="connection",
        voltage="LV",
        trips=Trips.ZERO,
        flow=Flow.LV_CONNECTION,
        needs_account=True,
        summary=_("低压用户增加用电容量"),
        materials_intro=_(
            "增容适用于低压客户需要增加用电容量。输入户号后自动带出户主信息；企业用电需提供用电户主体证明和产权证明，"
            "个人用电需提供产权证明。系统中已有且在有效期内的资料无需重复提供。高压客户请办理“高压增容”。"
        ),
        steps=[
            Step("capacity", _("增容信息"), IncreaseForm),
            Step("subject", _("主体及产权证明"), IncreaseSubjectForm),
            Step("applicant", _("申请人信息"), LegalRepApplicantForm),
        ],
        documents=[
            subject_proof(when=ENTERPRISE_USE),
            property_proof(),
            *OWNER_ID_PHOTOS,
            *AGENT_DOCUMENTS,
        ],
        notice_title=_("《低压增容业务办理须知》"),
        notice=_(
            "一、增容申请人应为户号的产权人（企业为法定代表人），委托他人办理的需提供授权委托书。\n"
            "二、请如实填写新增容量；增容后总容量在 160 千瓦及以下的（小微企业园区内 300 千瓦），由低压供电且供电企业投资至电能表。\n"
            "三、提交后，客户经理将在 1 个工作日内与您联系，按预约时间上门勘察并答复供电方案。\n"
            "四、客户前期已提供、且在有效期以内的资料无需再次提供。"
        ),
        account_check=low_voltage_account,
        capacity_answer="added_capacity",
        capacity_is_increase=True,
    )
)


# --- 智能交费签约: where the EV charger's completion page leads (seed 000 §6) ----------------------

SMART_PAYMENT_AGREEMENT_VERSION = "2026-01"
SMART_PAYMENT_AGREEMENT_TITLE = _("《智能交费服务协议》")
SMART_PAYMENT_AGREEMENT = _(
    "一、智能交费是供电企业根据您的用电量和电价每日测算电费，并从预存电费中扣减的交费方式。\n"
    "二、预存电费余额低于预警金额时，我们通过短信和站内消息提醒您及时交费；余额不足且经提醒仍未交费的，"
    "可能按约定停止供电，交费后 24 小时内恢复供电。\n"
    "三、您可通过网上营业厅、手机客户端、银行等渠道交费，交费记录和电费明细可随时查询。\n"
    "四、本协议自签订之日起生效，与新装户号的供用电合同同时执行；如需解除，可在营业厅或线上申请。"
)
