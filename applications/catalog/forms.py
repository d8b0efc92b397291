"""Step forms shared by the businesses. Every step form is a ``StepForm``: it knows the
application and the user, and turns its cleaned data into JSON-able answers."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import AccountBinding, Identity, Region, ServiceAccount, SmallBusinessPark
from portal.accounts.models import IdType
from portal.accounts.validators import resident_id_problem


def to_answer(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_answer(v) for v in value]
    return value


class StepForm(forms.Form):
    """Base of every step form. Subclasses may define ``save_to(application)`` to copy facts
    to the application's columns (account, region, capacity...) when the step is completed."""


    def __init__(self, *args, application, user, **kwargs):
        self.application = application
        self.user = user
        self.business = application.business
        super().__init__(*args, **kwargs)

    def answers(self) -> dict[str, Any]:
        return {k: to_answer(v) for k, v in self.cleaned_data.items()}

    def save_to(self, application) -> None:
        pass


class NoticeField(forms.BooleanField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", True)
        kwargs.setdefault("error_messages", {"required": _("请先阅读并勾选确认业务办理须知")})
        super().__init__(**kwargs)


class NoticeMixin(forms.Form):
    """The business notice that must be read and confirmed (业务办理须知)."""

    notice_confirmed = NoticeField(label=_("我已阅读并确认业务办理须知"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        title = self.business.notice_title
        if title:
            self.fields["notice_confirmed"].label = _("我已阅读并确认%(title)s") % {"title": title}


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
        label=_("所在小微企业园区"), queryset=SmallBusinessPark.objects.all(), required=False,
        empty_label=_("不在园区内"), help_text=_("登记的小微企业园区内，低压供电容量可放宽至 300 千瓦"),
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
        label=_("用电户号"), max_length=13, help_text=_("输入后自动带出户名、地址等信息"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_account_number(self) -> str:
        number = self.cleaned_data["account_number"].strip()
        account = ServiceAccount.objects.filter(number=number).select_related("region__parent").first()
        if account is None:
            raise forms.ValidationError(_("户号不存在，请核对电费单上的10位户号"), code="not_found")
        if not AccountBinding.objects.filter(user=self.user, account=account).exists():
            raise forms.ValidationError(
                _("该户号尚未绑定到您的账号，请先在“我的户号”中绑定后再办理"), code="not_bound"
            )
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


class ApplicantForm(StepForm):
    """申请人信息: the applicant's identity is derived where it can be (SPEC 2); where it cannot,
    the user picks, agent by default. An agent names the owner they act for."""

    identity = forms.ChoiceField(
        label=_("申请人身份"), choices=[(Identity.OWNER, Identity.OWNER.label), (Identity.AGENT, Identity.AGENT.label)],
        widget=forms.RadioSelect, initial=Identity.AGENT,
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
