"""New connections and capacity increases at low voltage (SPEC 3 rows 1, 2, 3, 5, 6)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.catalog.base import (
    CONFIRM_STEP,
    DOCUMENTS_STEP,
    NEW_CONNECTION,
    Business,
    DocumentRule,
    Flow,
    Step,
    Trips,
    Whose,
)
from applications.catalog.forms import ApplicantForm, AppointmentMixin, LocationForm, StepForm
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
            Step(DOCUMENTS_STEP, _("上传材料")),
            Step(CONFIRM_STEP, _("确认提交")),
        ],
        documents=[
            DocumentRule("id_front", "id_card_front", _("身份证人像面"), when=NEW_CONNECTION),
            DocumentRule("id_back", "id_card_back", _("身份证国徽面"), when=NEW_CONNECTION),
            DocumentRule(
                "property_proof", "property_proof", _("产权证明"), whose=Whose.SUBJECT, deferrable=True,
                help=_("不动产权证书、房屋所有权证、购房合同，或村委会/街道办出具的产权说明"),
            ),
            DocumentRule(
                "meter_photo", "meter_location_photo", _("装表位置照片"),
                help=_("拍摄拟安装电能表的墙面或表箱位置"),
            ),
        ],
        notice_title=_("《新装业务办理须知》"),
        notice=NEW_CONNECTION_NOTICE,
        capacity_answer="capacity",
    )
)
