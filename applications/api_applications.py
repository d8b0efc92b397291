"""REST API of the service catalog and of applications (tag "applications"), for the mobile app.

Thin views over the same services the pages call (applications.services): a step is validated
by the step's form exactly as on the page, documents go through save_documents, submit needs
the SMS code sent to the applicant's phone. Another user's application answers 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Count
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import services
from applications.catalog import registry
from applications.catalog.base import CONFIRM_STEP, DOCUMENTS_STEP, EFFECTIVE_RULES, GROUPS, Business
from applications.catalog.forms import StreetChoiceField
from applications.models import Application, ApplicationState
from applications.requirements import Requirement, requirements_for
from applications.selectors import my_application
from applications.summary import summarize
from portal.core.errors import DomainError
from portal.core.middleware import client_ip
from portal.documents.models import Document
from portal.verification.models import Purpose
from portal.verification.services import request_code

TAGS = ["applications"]
STEP_PAYLOAD_HELP = _(
    "该步骤的字段，按业务详情（GET catalog/{code}/）中此步骤列出的字段名提交：复选框为 true/false，"
    "单选为 choices 中的 value，日期为 YYYY-MM-DD，日期时间为 YYYY-MM-DDTHH:MM。"
)


# --- describing step forms -----------------------------------------------------------------------


def _field_type(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.DecimalField):  # before IntegerField, its base class
        return "decimal"
    if isinstance(field, forms.IntegerField):
        return "integer"
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.MultipleChoiceField):
        return "multiple_choice"
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return "choice"
    if isinstance(field.widget, forms.Textarea):
        return "text"
    return "string"


def _choices(field: forms.Field) -> list[dict[str, str]] | None:
    if isinstance(field, forms.ModelChoiceField):
        if field.queryset is None:
            return []
        if isinstance(field, StreetChoiceField):
            return [
                {"value": str(street.pk), "label": street.name, "group": street.parent.name if street.parent else ""}
                for street in field.queryset.order_by("parent__code", "code")
            ]
        return [{"value": str(obj.pk), "label": str(obj)} for obj in field.queryset]
    if isinstance(field, forms.ChoiceField):
        out = []
        for value, label in field.choices:
            if isinstance(label, (list, tuple)):  # an optgroup
                out += [{"value": str(v), "label": str(lbl), "group": str(value)} for v, lbl in label]
            elif value != "":
                out.append({"value": str(value), "label": str(label)})
        return out
    return None


def describe_fields(form_or_class, *, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The fields of a step: from the class for the catalog, from a built form (this user, this
    draft: derived identity, prefilled and read-only fields) for an application."""
    if isinstance(form_or_class, type):
        fields = dict(form_or_class.base_fields)
        order = getattr(form_or_class, "field_order", None) or []
        fields = {**{n: fields[n] for n in order if n in fields}, **fields}
    else:
        fields = form_or_class.fields
    described = []
    for name, field in fields.items():
        item = {
            "name": name,
            "label": str(field.label or name),
            "type": _field_type(field),
            "required": bool(field.required),
            "read_only": bool(field.disabled),
            "help_text": str(field.help_text or ""),
            "choices": _choices(field),
        }
        if values is not None:
            item["value"] = values.get(name)
        described.append(item)
    return described


def _form_values(form) -> dict[str, Any]:
    from applications.catalog.forms import to_answer

    return {name: to_answer(form[name].value()) for name in form.fields}


def _step_kind(key: str) -> str:
    return {DOCUMENTS_STEP: "documents", CONFIRM_STEP: "confirm"}.get(key, "form")


def _rule_doc_type(rule) -> str | None:
    return None if callable(rule.doc_type) else rule.doc_type


# --- serializers ---------------------------------------------------------------------------------


class ChoiceOut(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField(required=False, help_text=_("分组（如街道所在区县）"))


class FieldOut(serializers.Serializer):
    name = serializers.CharField(help_text=_("提交时使用的字段名"))
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["string", "text", "boolean", "integer", "decimal", "date", "datetime",
                                            "choice", "multiple_choice"])
    required = serializers.BooleanField()
    read_only = serializers.BooleanField(help_text=_("只读：由系统带出（实名信息、户号、企业信息），提交的值被忽略"))
    help_text = serializers.CharField(allow_blank=True)
    choices = ChoiceOut(many=True, allow_null=True)
    value = serializers.JSONField(required=False, allow_null=True, help_text=_("草稿中保存的值或系统带出的值"))


class StepOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["form", "documents", "confirm"])
    fields = FieldOut(many=True)


class RuleOut(serializers.Serializer):
    key = serializers.CharField(help_text=_("上传时使用的材料项"))
    label = serializers.CharField()
    doc_type = serializers.CharField(allow_null=True, help_text=_("证照类型；为空表示随所选“企业主体证明类型”而定"))
    condition = serializers.CharField(help_text=_("何时必备"))
    deferrable = serializers.BooleanField(help_text=_("可签署承诺书后补交（一证受理）"))
    help_text = serializers.CharField(allow_blank=True)


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
        "code": business.code, "row": business.row, "name": str(business.name), "group": business.group,
        "group_label": str(GROUPS[business.group]), "voltage": business.voltage, "trips": business.trips,
        "trips_label": str(business.trips_label), "summary": str(business.summary),
        "requires_signature": business.requires_signature,
        "effective_label": str(business.effective_label) if business.effective_label else None,
        "my_drafts": None if drafts is None else drafts.get(business.code, 0),
    }


def rule_out(rule) -> dict[str, Any]:
    return {"key": rule.key, "label": str(rule.label), "doc_type": _rule_doc_type(rule), "condition": str(rule.when.label),
            "deferrable": rule.deferrable, "help_text": str(rule.help)}


class RequirementOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    doc_type = serializers.CharField()
    doc_type_name = serializers.CharField()
    condition = serializers.CharField()
    deferrable = serializers.BooleanField()
    # A plain string (not an enum) so the schema's enum names do not collide with Application.state.
    state = serializers.CharField(help_text=_("uploaded 本次上传 / reused 已有证照复用 / deferred 承诺后补 / missing 缺少"))
    due_on = serializers.DateField(allow_null=True, help_text=_("承诺补交期限"))
    document_id = serializers.IntegerField(allow_null=True)


def requirement_out(requirement: Requirement) -> dict[str, Any]:
    document = requirement.document
    return {
        "key": requirement.key, "label": str(requirement.rule.label), "doc_type": requirement.doc_type.code,
        "doc_type_name": requirement.doc_type.name, "condition": str(requirement.rule.when.label),
        "deferrable": requirement.rule.deferrable, "state": requirement.state,
        "due_on": requirement.attached.due_on if requirement.attached is not None else None,
        "document_id": document.pk if document is not None else None,
    }


class ApplicationListOut(serializers.ModelSerializer):
    business_name = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display")
    account_number = serializers.CharField(source="service_account.number", allow_null=True, default=None)

    class Meta:
        model = Application
        fields = ["id", "business_code", "business_name", "state", "state_label", "number", "current_step",
                  "account_number", "address", "capacity", "created_at", "updated_at", "submitted_at"]

    def get_business_name(self, obj: Application) -> str:
        return str(obj.business.name)


class LineOut(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class SectionOut(serializers.Serializer):
    title = serializers.CharField()
    lines = LineOut(many=True)


class StepStateOut(StepOut):
    done = serializers.BooleanField()


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
        fields = [*ApplicationListOut.Meta.fields, "identity", "enterprise_name", "effective_on", "reason",
                  "requires_signature", "smart_payment_signed_at", "steps", "summary", "requirements", "events"]

    def get_requires_signature(self, obj: Application) -> bool:
        return obj.business.requires_signature

    def get_smart_payment_signed_at(self, obj: Application) -> str | None:
        return (obj.data.get("smart_payment") or {}).get("agreed_at")

    @extend_schema_field(StepStateOut(many=True))
    def get_steps(self, obj: Application) -> list[dict]:
        done = set(obj.data.get("done", []))
        user = self.context["request"].user
        steps = []
        for step in obj.business.steps:
            fields: list = []
            if step.form is not None and obj.is_editable:
                form = services.build_step_form(obj, user, step.key)
                fields = describe_fields(form, values=_form_values(form))
            steps.append({"key": step.key, "title": str(step.title), "kind": _step_kind(step.key),
                          "done": step.key in done, "fields": fields})
        return steps

    @extend_schema_field(SectionOut(many=True))
    def get_summary(self, obj: Application) -> list[dict]:
        return [{"title": s.title, "lines": [{"label": ln.label, "value": ln.value} for ln in s.lines]}
                for s in summarize(obj)]

    @extend_schema_field(RequirementOut(many=True))
    def get_requirements(self, obj: Application) -> list[dict]:
        return [requirement_out(r) for r in requirements_for(obj)]

    @extend_schema_field(EventOut(many=True))
    def get_events(self, obj: Application) -> list[dict]:
        # Notes are codes plus what staff typed; shown in the language of the request.
        return [{"at": e.at, "from_state": e.from_state, "to_state": e.to_state, "note": e.text}
                for e in obj.events.order_by("at", "id")]


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
    defer_until = serializers.DateField(required=False, allow_null=True,
                                        help_text=_("承诺补交期限（一证受理）；传 null 取消承诺"))


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


# --- views ---------------------------------------------------------------------------------------


def _detail(request, application: Application, *, code: int = status.HTTP_200_OK) -> Response:
    application = my_application(user=request.user, pk=application.pk)
    return Response(ApplicationDetailOut(application, context={"request": request}).data, status=code)


class CatalogList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, summary="全部功能：业务目录", responses=CatalogItemOut(many=True),
                   description="所有业务，按 SPEC 3 的顺序；登录后附带每项业务未提交的草稿数。")
    def get(self, request):
        drafts = None
        if request.user.is_authenticated:
            drafts = dict(
                Application.objects.filter(applicant=request.user, state=ApplicationState.DRAFT)
                .values("business_code").annotate(n=Count("id")).values_list("business_code", "n")
            )
        return Response([catalog_item(b, drafts) for b in registry.all_businesses()])


class CatalogDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, summary="业务详情：准备材料、须知、步骤与字段", responses=CatalogDetailOut)
    def get(self, request, code: str):
        if not registry.exists(code):
            raise exceptions.NotFound(_("没有这项业务"))
        business = registry.get(code)
        item = catalog_item(business, None)
        item.update(
            materials_intro=str(business.materials_intro), notice_title=str(business.notice_title),
            notice=str(business.notice), needs_account=business.needs_account,
            is_new_connection=business.is_new_connection,
            steps=[{"key": s.key, "title": str(s.title), "kind": _step_kind(s.key),
                    "fields": describe_fields(s.form) if s.form is not None else []} for s in business.steps],
            documents=[rule_out(r) for r in business.documents],
        )
        return Response(item)


STATE_PARAM = OpenApiParameter("state", str, enum=list(ApplicationState.values), description="按状态筛选")


class ApplicationListCreate(generics.ListAPIView):
    serializer_class = ApplicationListOut

    def get_queryset(self):
        qs = Application.objects.filter(applicant=self.request.user).select_related("service_account").order_by(
            "-created_at", "-id"
        )
        state = self.request.query_params.get("state")
        if state:
            if state not in ApplicationState.values:
                raise DomainError(_("没有这个状态：%(state)s") % {"state": state}, code="invalid_state", field="state")
            qs = qs.filter(state=state)
        return qs

    @extend_schema(tags=TAGS, summary="我的申请（含草稿）", parameters=[STATE_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAGS, summary="开始办理：创建草稿", request=StartIn, responses={201: ApplicationDetailOut})
    def post(self, request):
        data = StartIn(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.start_application(user=request.user, business_code=data.validated_data["business"])
        return _detail(request, application, code=status.HTTP_201_CREATED)


class ApplicationDetail(APIView):
    @extend_schema(tags=TAGS, summary="申请详情：状态、步骤、填写内容、材料、记录", responses=ApplicationDetailOut)
    def get(self, request, pk: int):
        return _detail(request, my_application(user=request.user, pk=pk))


def _plain(data) -> dict[str, Any]:
    if isinstance(data, QueryDict):
        return {k: (v if len(v) > 1 else v[0]) for k, v in data.lists()}
    if not isinstance(data, dict):
        raise DomainError(_("请提交一个 JSON 对象"), code="invalid_payload")
    return dict(data)


def _form_errors(form) -> dict[str, list[str]]:
    return {("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()}


class ApplicationStep(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _save(self, request, pk: int, step: str, *, partial: bool) -> Response:
        application = my_application(user=request.user, pk=pk)
        business = application.business
        if step not in business.step_keys or business.step(step).form is None:
            raise exceptions.NotFound(_("没有这个步骤"))
        data = _plain(request.data)
        if partial:
            data = {**application.data.get("raw", {}).get(step, {}), **data}
        if request.query_params.get("autosave") in ("1", "true"):
            services.autosave_step(application=application, user=request.user, step_key=step, data=data)
            return Response({"step": step, "valid": None, "next_step": None, "answers": None,
                             "saved": application.data["raw"][step]})
        form = services.complete_step(application=application, user=request.user, step_key=step, data=data)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        return Response({"step": step, "valid": True, "next_step": business.next_step(step),
                         "answers": application.data["answers"][step], "saved": application.data["raw"][step]})

    _doc = dict(
        tags=TAGS, request=OpenApiTypes.OBJECT, responses=StepResultOut,
        parameters=[OpenApiParameter("autosave", bool, description="为 1 时只保存草稿、不校验（停顿自动保存）")],
        description=str(STEP_PAYLOAD_HELP),
    )

    @extend_schema(summary="填写一步（整体提交）", **_doc)
    def put(self, request, pk: int, step: str):
        return self._save(request, pk, step, partial=False)

    @extend_schema(summary="填写一步（只提交改动的字段）", **_doc)
    def patch(self, request, pk: int, step: str):
        return self._save(request, pk, step, partial=True)


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("日期格式应为 YYYY-MM-DD"), code="invalid_date", field="defer_until") from None


class ApplicationDocumentUpload(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS, summary="上传材料，或承诺后补",
        request={"multipart/form-data": DocumentIn, "application/json": DocumentIn}, responses=RequirementOut,
        description="multipart 上传 file；或 JSON {\"defer_until\": \"YYYY-MM-DD\"} 签署承诺书后补交（仅 deferrable 的材料）。",
    )
    def post(self, request, pk: int, rule_key: str):
        application = my_application(user=request.user, pk=pk)
        if rule_key not in {r.key for r in application.business.documents}:
            raise exceptions.NotFound(_("该业务没有这项材料"))
        if rule_key not in {r.key for r in requirements_for(application)}:
            raise DomainError(_("按您目前填写的内容，本次无需提供这项材料"), code="not_required", field=rule_key)
        upload = request.FILES.get("file")
        body = _plain(request.data) if upload is None else {}
        if upload is not None:
            errors = services.save_documents(application=application, user=request.user,
                                             uploads={rule_key: upload}, deferrals={})
            field = "file"
        elif "defer_until" in body:
            due_on = _parse_date(body["defer_until"])
            errors = services.save_documents(application=application, user=request.user,
                                             uploads={}, deferrals={rule_key: due_on})
            field = "defer_until"
        else:
            raise DomainError(_("请选择要上传的文件，或填写承诺补交期限"), code="nothing_to_save", field="file")
        if errors.get(rule_key):
            raise DomainError(errors[rule_key], code="document_refused", field=field)
        requirement = next(r for r in requirements_for(application) if r.key == rule_key)
        return Response(requirement_out(requirement))


class ApplicationSmsCode(APIView):
    @extend_schema(tags=TAGS, summary="发送提交验证码到实名手机", request=None, responses={202: SmsCodeOut},
                   description="过于频繁时返回 429 和 retry_after（秒）。")
    def post(self, request, pk: int):
        application = my_application(user=request.user, pk=pk)
        if not application.is_editable:
            raise DomainError(
                _("申请已%(state)s，无需再获取验证码") % {"state": application.get_state_display()}, code="not_editable"
            )
        request_code(phone=request.user.phone, purpose=Purpose.SUBMIT, ip=client_ip(request))
        return Response({"sent_to": request.user.masked_phone,
                         "expires_in": int(settings.SMS_CODE_TTL.total_seconds()),
                         "retry_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds())},
                        status=status.HTTP_202_ACCEPTED)


def signature_for_submit(user, document_id: int | None) -> Document | None:
    """The handwritten signature a submit carries: the ``document_id`` that the signing API
    (POST /api/v1/signatures/, portal.signing) answers, which must be the user's own image."""
    if document_id is None:
        return None
    document = Document.objects.filter(pk=document_id, owner_user=user).first()
    if document is None or not document.is_image:
        raise DomainError(_("签名文件不存在，请重新签名"), code="signature_missing", field="signature_document")
    return document


class ApplicationSubmit(APIView):
    @extend_schema(tags=TAGS, summary="提交申请（短信验证码）", request=SubmitIn, responses=ApplicationDetailOut,
                   description="重复提交（双击、超时重试）返回同一个申请，状态码 200。")
    def post(self, request, pk: int):
        application = my_application(user=request.user, pk=pk)
        data = SubmitIn(data=request.data)
        data.is_valid(raise_exception=True)
        submitted = services.submit_application(
            application=application, user=request.user, sms_code=data.validated_data["sms_code"],
            signature=signature_for_submit(request.user, data.validated_data.get("signature_document")),
        )
        return _detail(request, submitted)


class ApplicationWithdraw(APIView):
    @extend_schema(tags=TAGS, summary="撤回申请", request=None, responses=ApplicationDetailOut)
    def post(self, request, pk: int):
        application = my_application(user=request.user, pk=pk)
        return _detail(request, services.withdraw_application(application=application, user=request.user))


class ApplicationSmartPayment(APIView):
    def _out(self, application: Application) -> dict[str, Any]:
        from applications.catalog.businesses.connections import (
            SMART_PAYMENT_AGREEMENT,
            SMART_PAYMENT_AGREEMENT_TITLE,
            SMART_PAYMENT_AGREEMENT_VERSION,
        )

        return {"title": str(SMART_PAYMENT_AGREEMENT_TITLE), "text": str(SMART_PAYMENT_AGREEMENT),
                "version": SMART_PAYMENT_AGREEMENT_VERSION,
                "signed_at": (application.data.get("smart_payment") or {}).get("agreed_at")}

    def _application(self, request, pk: int) -> Application:
        application = my_application(user=request.user, pk=pk)
        if application.business.completion_next != "applications:smart_payment":
            raise exceptions.NotFound(_("该业务无需签订智能交费协议"))
        return application

    @extend_schema(tags=TAGS, summary="智能交费协议", responses=AgreementOut)
    def get(self, request, pk: int):
        return Response(self._out(self._application(request, pk)))

    @extend_schema(tags=TAGS, summary="同意并签约（智能交费）", request=None, responses=AgreementOut)
    def post(self, request, pk: int):
        application = services.sign_smart_payment_agreement(application=self._application(request, pk), user=request.user)
        return Response(self._out(application))
