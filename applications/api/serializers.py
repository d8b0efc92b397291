"""Serializers of the applications API (tag "applications"). The step, field and document
descriptions are the wizard engine's (portal.wizard.describe)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.catalog import registry
from applications.catalog.base import GROUPS, Business
from applications.models import Application
from applications.requirements import requirements_for
from applications.summary import summarize
from portal.wizard.describe import (
    RequirementOut,
    RuleOut,
    StepOut,
    StepStateOut,
    describe_draft_steps,
    requirement_out,
)

# --- serializers ---------------------------------------------------------------------------------


class CatalogItemOut(serializers.Serializer):
    code = serializers.CharField()
    row = serializers.IntegerField()
    name = serializers.CharField()
    group = serializers.CharField()
    group_label = serializers.CharField()
    voltage = serializers.ChoiceField(choices=["LV", "HV", "LV/HV"])
    trips = serializers.CharField()
    trips_label = serializers.CharField()
    summary = serializers.CharField()
    requires_signature = serializers.BooleanField()
    effective_label = serializers.CharField(allow_null=True)
    my_drafts = serializers.IntegerField(allow_null=True, help_text=_("当前用户此业务未提交的草稿数；未登录为空"))


class CatalogDetailOut(CatalogItemOut):
    materials_intro = serializers.CharField()
    notice_title = serializers.CharField()
    notice = serializers.CharField()
    needs_account = serializers.BooleanField()
    is_new_connection = serializers.BooleanField()
    steps = StepOut(many=True)
    documents = RuleOut(many=True)


def catalog_item(business: Business, drafts: dict[str, int] | None) -> dict[str, Any]:
    return {
        "code": business.code,
        "row": business.row,
        "name": str(business.name),
        "group": business.group,
        "group_label": str(GROUPS[business.group]),
        "voltage": business.voltage,
        "trips": business.trips,
        "trips_label": str(business.trips_label),
        "summary": str(business.summary),
        "requires_signature": business.requires_signature,
        "effective_label": str(business.effective_label) if business.effective_label else None,
        "my_drafts": None if drafts is None else drafts.get(business.code, 0),
    }


class ApplicationListOut(serializers.ModelSerializer):
    business_name = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display")
    account_number = serializers.CharField(source="service_account.number", allow_null=True, default=None)

    class Meta:
        model = Application
        fields = [
            "id",
            "business_code",
            "business_name",
            "state",
            "state_label",
            "number",
            "current_step",
            "account_number",
            "address",
            "capacity",
            "created_at",
            "updated_at",
            "submitted_at",
        ]

    def get_business_name(self, obj: Application) -> str:
        return str(obj.business.name)


class LineOut(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class SectionOut(serializers.Serializer):
    title = serializers.CharField()
    lines = LineOut(many=True)


class EventOut(serializers.Serializer):
    at = serializers.DateTimeField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class ApplicationDetailOut(ApplicationListOut):
    identity = serializers.CharField()
    enterprise_name = serializers.CharField(source="enterprise.name", allow_null=True, default=None)
    effective_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField(allow_blank=True, help_text=_("退回补正或不予受理的原因"))
    requires_signature = serializers.SerializerMethodField()
    smart_payment_signed_at = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    requirements = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(ApplicationListOut.Meta):
        fields = [
            *ApplicationListOut.Meta.fields,
            "identity",
            "enterprise_name",
            "effective_on",
            "reason",
            "requires_signature",
            "smart_payment_signed_at",
            "steps",
            "summary",
            "requirements",
            "events",
        ]

    def get_requires_signature(self, obj: Application) -> bool:
        return obj.business.requires_signature

    def get_smart_payment_signed_at(self, obj: Application) -> str | None:
        return (obj.data.get("smart_payment") or {}).get("agreed_at")

    @extend_schema_field(StepStateOut(many=True))
    def get_steps(self, obj: Application) -> list[dict]:
        return describe_draft_steps(obj, self.context["request"].user)

    @extend_schema_field(SectionOut(many=True))
    def get_summary(self, obj: Application) -> list[dict]:
        return [
            {"title": s.title, "lines": [{"label": ln.label, "value": ln.value} for ln in s.lines]}
            for s in summarize(obj)
        ]

    @extend_schema_field(RequirementOut(many=True))
    def get_requirements(self, obj: Application) -> list[dict]:
        return [requirement_out(r) for r in requirements_for(obj)]

    @extend_schema_field(EventOut(many=True))
    def get_events(self, obj: Application) -> list[dict]:
        # Notes are codes plus what staff typed; shown in the language of the request.
        return [
            {"at": e.at, "from_state": e.from_state, "to_state": e.to_state, "note": e.text}
            for e in obj.events.order_by("at", "id")
        ]


class StartIn(serializers.Serializer):
    business = serializers.CharField(help_text=_("业务代码，见 catalog/"))

    def validate_business(self, value: str) -> str:
        if not registry.exists(value):
            raise serializers.ValidationError(_("没有这项业务"))
        return value


class StepResultOut(serializers.Serializer):
    step = serializers.CharField()
    valid = serializers.BooleanField(allow_null=True, help_text=_("自动保存时不校验，为空"))
    next_step = serializers.CharField(allow_null=True)
    answers = serializers.DictField(allow_null=True, help_text=_("校验通过后保存的答案"))
    saved = serializers.DictField(help_text=_("草稿中保存的原始输入"))


class DocumentIn(serializers.Serializer):
    file = serializers.FileField(required=False, help_text=_("JPG、PNG 或 PDF；服务器按文件内容判断格式"))
    defer_until = serializers.DateField(
        required=False, allow_null=True, help_text=_("承诺补交期限（一证受理）；传 null 取消承诺")
    )


class SmsCodeOut(serializers.Serializer):
    sent_to = serializers.CharField(help_text=_("接收验证码的实名手机号（脱敏）"))
    expires_in = serializers.IntegerField(help_text=_("验证码有效秒数"))
    retry_after = serializers.IntegerField(help_text=_("多少秒后可重新获取"))


class SubmitIn(serializers.Serializer):
    sms_code = serializers.RegexField(r"^\d{6}$", error_messages={"invalid": _("验证码为6位数字")})
    signature_document = serializers.IntegerField(
        required=False,
        help_text=_("手写签名的证照编号（POST signatures/ 返回的 document_id；需量值变更、基本电价计费方式变更必填）"),
    )


class AgreementOut(serializers.Serializer):
    title = serializers.CharField()
    text = serializers.CharField()
    version = serializers.CharField()
    signed_at = serializers.CharField(allow_null=True)
