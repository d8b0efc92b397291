"""Step forms shared by the businesses. Every step form is a ``StepForm``: it knows the
application and the user, and turns its cleaned data into JSON-able answers."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import selectors
from applications.models import CustomerKind, Identity, Region, SmallBusinessPark
from portal.accounts.models import IdType
from portal.accounts.validators import (
    resident_id_problem,
    uscc_check_passes,
    validate_uscc_shape,
)
from portal.core.masking import mask_id_number
from portal.wizard.forms import NoticeField, NoticeMixin, to_answer  # noqa: F401  (re-exported for declarations)
from portal.wizard.forms import StepForm as WizardStepForm


class StepForm(WizardStepForm):
    """Base of every step form of the catalog: the engine's step form (portal.wizard.forms),
    which also answers to ``application`` and ``business`` — the names the catalog uses for
    the draft and its declaration."""

    def __init__(self, *args, application=None, **kwargs):
        if application is not None:
            kwargs["draft"] = application
        super().__init__(*args, **kwargs)
        self.application = self.draft
        self.business = self.declaration


class _StreetsByDistrict(forms.models.ModelChoiceIterator):
    """Streets grouped under their district (<optgroup>), evaluated only when rendered."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for street in self.queryset.order_by("parent__code", "code"):
            groups.setdefault(street.parent.name if street.parent else "", []).append(self.choice(street))
        yield from groups.items()


class StreetChoiceField(forms.ModelChoiceField):
    """所在地区 / 街道 in one select, streets grouped under their district."""

    iterator = _StreetsByDistrict

    def describe_choices(self) -> list[dict[str, str]]:
        """For the API's field description (portal.wizard.describe): streets with their district."""
        return [
            {"value": str(street.pk), "label": street.name, "group": street.parent.name if street.parent else ""}
            for street in self.queryset.order_by("parent__code", "code")
        ]

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Region.objects.filter(kind=Region.Kind.STREET).select_related("parent"))
        kwargs.setdefault("label", _("所在地区/街道"))
        kwargs.setdefault("empty_label", _("请选择"))
        super().__init__(**kwargs)


class CapacityField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("min_value", Decimal("0.1"))
        kwargs.setdefault("max_value", Decimal("500000"))
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("容量请填写数字，例如 8 或 12.5"),
                "min_value": _("容量必须大于 0"),
                "max_value": _("容量超出可受理范围，请核对单位"),
                "max_decimal_places": _("容量最多保留 1 位小数"),
            },
        )
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}))
        super().__init__(**kwargs)


class LocationForm(NoticeMixin, StepForm):
    """Where the electricity is needed: street, detailed address, requested capacity."""

    street = StreetChoiceField()
    address = forms.CharField(label=_("详细地址"), max_length=150, help_text=_("例如：八一中路 8 号 3 单元 502 室"))
    capacity = CapacityField(label=_("申请容量（千瓦）"))

    def save_to(self, application) -> None:
        application.region = self.cleaned_data["street"]
        application.address = self.cleaned_data["address"]
        application.capacity = self.cleaned_data["capacity"]


class ParkMixin(forms.Form):
    """Non-residential connections may sit in a registered small-and-micro-enterprise park,
    where low voltage goes up to 300 kW instead of 160 kW (seed 002)."""

    park = forms.ModelChoiceField(
        label=_("所在小微企业园区"),
        queryset=SmallBusinessPark.objects.all(),
        required=False,
        empty_label=_("不在园区内"),
        help_text=_("登记的小微企业园区内，低压供电容量可放宽至 300 千瓦"),
    )


class AppointmentMixin(forms.Form):
    appointment = forms.DateTimeField(
        label=_("服务预约时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("客户经理上门勘察的时间，工作日 8:30–17:30"),
    )

    def clean_appointment(self):
        value = self.cleaned_data["appointment"]
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        now = timezone.localtime()
        if local <= now + datetime.timedelta(hours=2):
            raise forms.ValidationError(_("预约时间请选择至少 2 小时以后"))
        if local > now + datetime.timedelta(days=30):
            raise forms.ValidationError(_("只能预约 30 天以内的时间"))
        if not (datetime.time(8, 30) <= local.time() <= datetime.time(17, 30)):
            raise forms.ValidationError(_("请选择 8:30–17:30 之间的时间"))
        return value


class AccountForm(StepForm):
    """户号: the account the business is about. It must be bound to the user, and fit the business."""

    account_number = forms.CharField(
        label=_("用电户号"),
        max_length=13,
        help_text=_("输入后自动带出户名、地址等信息"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_account_number(self) -> str:
        number = self.cleaned_data["account_number"].strip()
        account = selectors.account_by_number(number)
        if account is None:
            raise forms.ValidationError(_("户号不存在，请核对电费单上的10位户号"), code="not_found")
        if not selectors.is_bound(user=self.user, account=account):
            raise forms.ValidationError(_("该户号尚未绑定到您的账号，请先在“我的户号”中绑定后再办理"), code="not_bound")
        if self.business.account_check:
            problem = self.business.account_check(account)
            if problem:
                raise forms.ValidationError(problem, code="not_applicable")
        self.account = account
        return number

    def save_to(self, application) -> None:
        application.service_account = self.account
        application.region = self.account.region
        application.address = self.account.address


class AccountNoticeForm(NoticeMixin, AccountForm):
    """The first step of a business that needs an account: the account, and the notice confirmed
    (Business.account_form's default)."""

    field_order = ["account_number", "notice_confirmed"]


class ApplicantForm(StepForm):
    """申请人信息: the applicant's identity is derived where it can be (SPEC 2); where it cannot,
    the user picks, agent by default. An agent names the owner they act for."""

    identity = forms.ChoiceField(
        label=_("申请人身份"),
        choices=[(Identity.OWNER, Identity.OWNER.label), (Identity.AGENT, Identity.AGENT.label)],
        widget=forms.RadioSelect,
        initial=Identity.AGENT,
    )
    owner_name = forms.CharField(label=_("产权人姓名"), max_length=50, required=False)
    owner_id_type = forms.ChoiceField(label=_("产权人证件类型"), choices=IdType.choices, required=False)
    owner_id_number = forms.CharField(label=_("产权人证件号码"), max_length=32, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from applications.identity import derive_identity

        self.derived = derive_identity(application=self.application, user=self.user)
        if self.derived.decided:
            # Nothing to choose: the field stays for the record but is fixed.
            self.fields["identity"].choices = [(self.derived.identity, Identity(self.derived.identity).label)]
            self.fields["identity"].initial = self.derived.identity
            self.fields["identity"].disabled = True
        account = self.application.service_account
        if account is not None and not self.is_bound:
            self.fields["owner_name"].initial = account.holder_name
        if self.derived.decided and self.derived.identity != Identity.AGENT or self.derived.enterprise is not None:
            for name in ("owner_name", "owner_id_type", "owner_id_number"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("identity") == Identity.AGENT and "owner_name" in self.fields:
            if not data.get("owner_name"):
                self.add_error("owner_name", _("经办人办理时请填写产权人姓名"))
            if not data.get("owner_id_type"):
                self.add_error("owner_id_type", _("请选择产权人证件类型"))
            number = (data.get("owner_id_number") or "").strip().upper()
            if not number:
                self.add_error("owner_id_number", _("请填写产权人证件号码"))
            elif data.get("owner_id_type") == IdType.RESIDENT_ID and (problem := resident_id_problem(number)):
                self.add_error("owner_id_number", problem)
            data["owner_id_number"] = number
        return data

    def save_to(self, application) -> None:
        application.identity = self.cleaned_data["identity"]
        if self.derived.enterprise is not None:
            application.enterprise = self.derived.enterprise


# --- shared by the businesses of SPEC 3 rows 2–18 ------------------------------------------------

ENTERPRISE_SUBJECT_PROOFS = [
    ("business_licence", _("营业执照")),
    ("org_code_certificate", _("组织机构代码证")),
    ("institution_certificate", _("事业单位法人证书")),
    ("social_org_certificate", _("社会团体法人登记证书")),
    ("religious_venue_certificate", _("宗教活动场所登记证")),
    ("military_proof", _("军队、武警出具的办理用电业务证明")),
]
INDIVIDUAL_SUBJECT_PROOFS = [("individual_business_licence", _("个体工商户营业执照"))]
SUBJECT_PROOF_CODES = [code for code, _label in ENTERPRISE_SUBJECT_PROOFS + INDIVIDUAL_SUBJECT_PROOFS]
ENTERPRISE_SUBJECT_PROOF_CODES = {code for code, _label in ENTERPRISE_SUBJECT_PROOFS}

INVOICE_TYPES = [("ordinary", _("增值税普通发票")), ("special", _("增值税专用发票"))]

_OTHER_ID = re.compile(r"^[0-9A-Z()（）\-]{5,32}$")
_BANK_ACCOUNT = re.compile(r"^\d{8,30}$")
_PHONE_OR_LANDLINE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def id_number_problem(id_type: str, number: str) -> str | None:
    """Why an ID number cannot be right for its type: GB 11643 for resident IDs, a plain shape
    check for the others (their formats differ too much to check more)."""
    number = (number or "").strip().upper()
    if not number:
        return str(_("请填写证件号码"))
    if id_type == IdType.RESIDENT_ID:
        return resident_id_problem(number)
    if not _OTHER_ID.match(number):
        return str(_("证件号码格式不正确，只能包含数字、字母和括号"))
    return None


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlannedDateField(DateField):
    """A date the customer plans (停用/恢复日期): after today and at most a year ahead."""

    def __init__(self, **kwargs):
        self.max_days = kwargs.pop("max_days", 365)
        kwargs.setdefault("error_messages", {"invalid": _("请选择正确的日期")})
        super().__init__(**kwargs)

    def clean(self, value):
        day = super().clean(value)
        today = timezone.localdate()
        if day is not None and day <= today:
            raise forms.ValidationError(_("计划日期请选择今天以后的日期"), code="not_future")
        if day is not None and day > today + datetime.timedelta(days=self.max_days):
            raise forms.ValidationError(_("计划日期不能超过一年以后"), code="too_far")
        return day


def enterprises_page_link() -> str:
    """Help text pointing to 我的企业 (the identity pages own that URL)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.html import format_html

    try:
        url = reverse("accounts:enterprises")
    except NoReverseMatch:  # the identity pages are not installed: say it without a link
        return str(_("您还没有绑定企业，请先在“我的企业”中登记或绑定。"))
    return format_html('{} <a href="{}">{}</a>', _("您还没有绑定企业。"), url, _("去“我的企业”登记或绑定"))


NO_ENTERPRISE = _("您还没有绑定企业，请先在“我的企业”中登记或绑定企业，再回来办理")


class EnterpriseMixin(forms.Form):
    """企业名称: one of the user's enterprises (EnterpriseMembership). With none, the field says
    where to register one."""

    enterprise = forms.ModelChoiceField(
        label=_("企业名称"),
        queryset=None,
        empty_label=_("请选择企业"),
        error_messages={"invalid_choice": _("只能选择您已绑定的企业")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        field.queryset = selectors.enterprises_of(self.user)
        mine = list(field.queryset[:2])
        if not mine:
            field.help_text = enterprises_page_link()
            field.error_messages["required"] = NO_ENTERPRISE
        else:
            field.error_messages["required"] = _("请选择办理业务的企业")
            if len(mine) == 1 and not self.is_bound:
                field.initial = mine[0].pk
        self._my_enterprises = {e.pk: e for e in mine} if len(mine) < 2 else None

    def current_enterprise(self):
        """The enterprise chosen (bound data) or about to be shown (initial)."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix("enterprise"))
        else:
            raw = self.initial.get("enterprise") or self.fields["enterprise"].initial or self.application.enterprise_id
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            return None
        if self._my_enterprises is not None:
            return self._my_enterprises.get(pk)
        return self.fields["enterprise"].queryset.filter(pk=pk).first()

    def save_to(self, application) -> None:
        super().save_to(application)
        application.enterprise = self.cleaned_data["enterprise"]


class LegalRepMixin(forms.Form):
    """The legal representative, read-only from the enterprise data (seed 003: 法人姓名及身份证号码)."""

    legal_rep_name = forms.CharField(label=_("法定代表人姓名"), required=False, disabled=True)
    legal_rep_id_number = forms.CharField(label=_("法定代表人身份证号码"), required=False, disabled=True)

    def legal_rep_enterprise(self):
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.legal_rep_enterprise()
        if enterprise is None:
            del self.fields["legal_rep_name"], self.fields["legal_rep_id_number"]
            return
        # Shown masked: an agent sees the form too, and the full number stays on the enterprise.
        values = {
            "legal_rep_name": enterprise.legal_rep_name,
            "legal_rep_id_number": mask_id_number(enterprise.legal_rep_id_number),
        }
        for name, value in values.items():
            self.fields[name].initial = value
            self.initial[name] = value


class SubjectProofMixin(forms.Form):
    """企业主体证明类型: which document proves the customer as a legal subject. The document rule's
    type follows this choice; the question is not shown when a valid one is on file (seed 000 §7:
    如从智能档案系统可获取到有效期内企业主体证明资料，无需重复上传，不展示该数据项)."""

    subject_proof_type = forms.ChoiceField(label=_("企业主体证明类型"), choices=ENTERPRISE_SUBJECT_PROOFS)
    hide_subject_proof_on_file = True

    def subject_enterprise(self):
        account = self.application.service_account
        if account is not None and account.holder_enterprise_id:
            return account.holder_enterprise
        return self.application.enterprise

    def subject_kind(self) -> str:
        account = self.application.service_account
        return account.customer_kind if account is not None else (self.business.customer_kind or "enterprise")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_proof_on_file = None
        kind = self.subject_kind()
        if kind == CustomerKind.RESIDENT:
            del self.fields["subject_proof_type"]  # a resident proves themselves by their ID
            return
        field = self.fields["subject_proof_type"]
        if kind == CustomerKind.INDIVIDUAL_BUSINESS:
            field.choices = INDIVIDUAL_SUBJECT_PROOFS
            field.initial = INDIVIDUAL_SUBJECT_PROOFS[0][0]
            codes = ["individual_business_licence"]
        else:
            field.initial = "business_licence"
            codes = sorted(ENTERPRISE_SUBJECT_PROOF_CODES)
        if self.hide_subject_proof_on_file:
            enterprise = self.subject_enterprise()
            if enterprise is not None or kind == CustomerKind.INDIVIDUAL_BUSINESS:
                self.subject_proof_on_file = selectors.on_file_subject_proof(
                    enterprise=enterprise, user=self.user, codes=codes
                )
            if self.subject_proof_on_file is not None:
                del self.fields["subject_proof_type"]

    def clean(self):
        data = super().clean()
        chosen = data.get("subject_proof_type")
        enterprise = data.get("enterprise") or self.subject_enterprise()
        if chosen in ENTERPRISE_SUBJECT_PROOF_CODES and enterprise is None:
            self.add_error(
                "subject_proof_type",
                _("该户号尚未关联企业信息，无法提交企业证照；请先在“我的企业”中绑定户主企业，或联系客户经理"),
            )
        return data

    def answers(self):
        answers = super().answers()
        if self.subject_proof_on_file is not None:
            answers["subject_proof_type"] = self.subject_proof_on_file.doc_type.code
        return answers


class LegalRepApplicantForm(ApplicantForm):
    """申请人信息 where an enterprise may be involved: the identity from comparing the real name
    with the account and its enterprise (legal representative recognised → the page comes
    prefilled with the legal representative, read-only); an agent of a person names the owner."""

    legal_rep_name = forms.CharField(label=_("法定代表人姓名"), required=False, disabled=True)
    legal_rep_id_number = forms.CharField(label=_("法定代表人身份证号码"), required=False, disabled=True)

    field_order = [
        "identity",
        "legal_rep_name",
        "legal_rep_id_number",
        "owner_name",
        "owner_id_type",
        "owner_id_number",
        "subject_proof_type",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.derived.enterprise
        if enterprise is None:
            del self.fields["legal_rep_name"], self.fields["legal_rep_id_number"]
        else:
            # Masked: an agent sees this page too; the full number stays on the enterprise.
            values = {
                "legal_rep_name": enterprise.legal_rep_name,
                "legal_rep_id_number": mask_id_number(enterprise.legal_rep_id_number),
            }
            for name, value in values.items():
                self.fields[name].initial = value
                self.initial[name] = value
        self.order_fields(self.field_order)


class EnterpriseNewApplicantForm(LegalRepApplicantForm):
    """申请人: legal representative (recognised from the binding or the real name) or agent; the
    ID type and number are the real-name ones, read-only."""

    applicant_id_type = forms.CharField(label=_("身份证件类型"), required=False, disabled=True)
    applicant_id_number = forms.CharField(label=_("身份证件号码"), required=False, disabled=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = {
            "applicant_id_type": IdType(self.user.id_type).label if self.user.id_type else "",
            "applicant_id_number": mask_id_number(self.user.id_number),
        }
        for name, value in values.items():
            self.fields[name].initial = value
            self.initial[name] = value


class AccountApplicantForm(SubjectProofMixin, LegalRepApplicantForm):
    """The applicant page of an account business, with the subject proof type unless a valid
    one is on file (seed 000 §8: 根据申请人身份及是否获取到有效期内主体证明，分别进入对应的申请人信息填写界面)."""


class InvoiceMixin(forms.Form):
    """增值税发票信息 (seed 000 §3 发票性质 + 发票信息, §12 增值税变更). A special VAT invoice needs
    every field; an ordinary one the name and the tax number."""

    invoice_type = forms.ChoiceField(
        label=_("增值税发票类型"),
        choices=INVOICE_TYPES,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择发票类型")},
    )
    vat_name = forms.CharField(label=_("增值税名"), max_length=100, help_text=_("与税务登记一致的单位名称"))
    vat_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, help_text=_("即纳税人识别号，18位"))
    vat_bank = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    vat_bank_account = forms.CharField(
        label=_("银行账户"), max_length=40, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    vat_address = forms.CharField(label=_("注册地址"), max_length=200, required=False)
    vat_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def clean_vat_credit_code(self) -> str:
        value = self.cleaned_data["vat_credit_code"].strip().upper()
        # The shape is a hard rule; a failing check character is accepted (SPEC 2: some early
        # codes fail it) and noted for staff in the answers.
        validate_uscc_shape(value)
        return value

    def clean_vat_bank_account(self) -> str:
        value = "".join(self.cleaned_data["vat_bank_account"].split())
        if value and not _BANK_ACCOUNT.match(value):
            raise forms.ValidationError(_("银行账户只能填写数字（8–30位）"), code="invalid_account")
        return value

    def clean_vat_phone(self) -> str:
        value = self.cleaned_data["vat_phone"].strip().replace(" ", "")
        if value and not _PHONE_OR_LANDLINE.match(value):
            raise forms.ValidationError(_("请填写手机号码或带区号的固定电话，例如 0971-8123456"), code="invalid_phone")
        return value

    def clean(self):
        data = super().clean()
        if data.get("invoice_type") == "special":
            required = {
                "vat_bank": _("开具增值税专用发票须填写开户银行"),
                "vat_bank_account": _("开具增值税专用发票须填写银行账户"),
                "vat_address": _("开具增值税专用发票须填写注册地址"),
                "vat_phone": _("开具增值税专用发票须填写联系电话"),
            }
            for name, message in required.items():
                if name not in self.errors and not data.get(name):
                    self.add_error(name, message)
        return data

    def answers(self):
        answers = super().answers()
        if answers.get("vat_credit_code"):
            answers["vat_credit_code_check_passed"] = uscc_check_passes(answers["vat_credit_code"])
        return answers


class YesNoField(forms.ChoiceField):
    """A yes/no question answered by a radio with no default: it must be chosen. The answer is
    "yes" or "no" (what the radio posts), so drafts, summaries and the API read it alike."""

    def __init__(self, *, required_message=None, **kwargs):
        kwargs.setdefault("choices", [("yes", _("是")), ("no", _("否"))])
        kwargs.setdefault("widget", forms.RadioSelect)
        if required_message:
            kwargs.setdefault("error_messages", {"required": required_message})
        super().__init__(**kwargs)


class SpecialCustomerMixin(forms.Form):
    """Questions that decide the extra documents of seed 003 §8 (高危及重要客户, 高耗能客户,
    煤矿 / 非煤矿山, 国家优待电价)."""

    high_risk = forms.BooleanField(label=_("属于高危及重要客户（如医院、化工、矿山等）"), required=False)
    high_energy = forms.BooleanField(label=_("属于高耗能客户"), required=False)
    mine_type = forms.ChoiceField(
        label=_("是否为矿山客户"),
        choices=[("none", _("否")), ("coal", _("煤矿")), ("non_coal", _("非煤矿山"))],
        initial="none",
        widget=forms.RadioSelect,
    )
    preferential_tariff = forms.BooleanField(label=_("申请享受国家优待电价"), required=False)


def earlier_answers(application) -> dict[str, Any]:
    """The answers of the steps completed so far, merged (a later step reads an earlier choice)."""
    from portal.wizard.engine import merged_answers

    return merged_answers(application)
