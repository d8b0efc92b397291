"""REST API of the service catalog and of applications (tag "applications"), for the mobile app.

Thin views over the same services the pages call (applications.services): a step is validated
by the step's form exactly as on the page, documents go through save_documents, submit needs
the SMS code sent to the applicant's phone. Another user's application answers 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import services
from applications.api.serializers import (
    AgreementOut,
    ApplicationDetailOut,
    ApplicationListOut,
    CatalogDetailOut,
    CatalogItemOut,
    DocumentIn,
    SmsCodeOut,
    StartIn,
    StepResultOut,
    SubmitIn,
    catalog_item,
)
from applications.catalog import registry
from applications.models import Application, ApplicationState
from applications.requirements import requirements_for
from applications.selectors import my_application
from portal.core.errors import DomainError
from portal.core.middleware import client_ip
from portal.documents.models import Document
from portal.verification.models import Purpose
from portal.verification.services import request_code
from portal.wizard.describe import STEP_PAYLOAD_HELP, RequirementOut, describe_steps, requirement_out, rule_out

TAGS = ["applications"]


# --- views ---------------------------------------------------------------------------------------


def _detail(request, application: Application, *, code: int = status.HTTP_200_OK) -> Response:
    application = my_application(user=request.user, pk=application.pk)
    return Response(ApplicationDetailOut(application, context={"request": request}).data, status=code)


class CatalogList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary="全部功能：业务目录",
        responses=CatalogItemOut(many=True),
        description="所有业务，按 SPEC 3 的顺序；登录后附带每项业务未提交的草稿数。",
    )
    def get(self, request):
        drafts = None
        if request.user.is_authenticated:
            drafts = dict(
                Application.objects.filter(applicant=request.user, state=ApplicationState.DRAFT)
                .values("business_code")
                .annotate(n=Count("id"))
                .values_list("business_code", "n")
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
            materials_intro=str(business.materials_intro),
            notice_title=str(business.notice_title),
            notice=str(business.notice),
            needs_account=business.needs_account,
            is_new_connection=business.is_new_connection,
            steps=describe_steps(business),
            documents=[rule_out(r) for r in business.documents],
        )
        return Response(item)


STATE_PARAM = OpenApiParameter("state", str, enum=list(ApplicationState.values), description="按状态筛选")


class ApplicationListCreate(generics.ListAPIView):
    serializer_class = ApplicationListOut

    def get_queryset(self):
        qs = (
            Application.objects.filter(applicant=self.request.user)
            .select_related("service_account")
            .order_by("-created_at", "-id")
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
            return Response(
                {
                    "step": step,
                    "valid": None,
                    "next_step": None,
                    "answers": None,
                    "saved": application.data["raw"][step],
                }
            )
        form = services.complete_step(application=application, user=request.user, step_key=step, data=data)
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        return Response(
            {
                "step": step,
                "valid": True,
                "next_step": business.next_step(step),
                "answers": application.data["answers"][step],
                "saved": application.data["raw"][step],
            }
        )

    _doc = dict(
        tags=TAGS,
        request=OpenApiTypes.OBJECT,
        responses=StepResultOut,
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
        tags=TAGS,
        summary="上传材料，或承诺后补",
        request={"multipart/form-data": DocumentIn, "application/json": DocumentIn},
        responses=RequirementOut,
        description=(
            'multipart 上传 file；或 JSON {"defer_until": "YYYY-MM-DD"} 签署承诺书后补交（仅 deferrable 的材料）。'
        ),
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
            errors = services.save_documents(
                application=application, user=request.user, uploads={rule_key: upload}, deferrals={}
            )
            field = "file"
        elif "defer_until" in body:
            due_on = _parse_date(body["defer_until"])
            errors = services.save_documents(
                application=application, user=request.user, uploads={}, deferrals={rule_key: due_on}
            )
            field = "defer_until"
        else:
            raise DomainError(_("请选择要上传的文件，或填写承诺补交期限"), code="nothing_to_save", field="file")
        if errors.get(rule_key):
            raise DomainError(errors[rule_key], code="document_refused", field=field)
        requirement = next(r for r in requirements_for(application) if r.key == rule_key)
        return Response(requirement_out(requirement))


class ApplicationSmsCode(APIView):
    @extend_schema(
        tags=TAGS,
        summary="发送提交验证码到实名手机",
        request=None,
        responses={202: SmsCodeOut},
        description="过于频繁时返回 429 和 retry_after（秒）。",
    )
    def post(self, request, pk: int):
        application = my_application(user=request.user, pk=pk)
        if not application.is_editable:
            raise DomainError(
                _("申请已%(state)s，无需再获取验证码") % {"state": application.get_state_display()}, code="not_editable"
            )
        request_code(phone=request.user.phone, purpose=Purpose.SUBMIT, ip=client_ip(request))
        return Response(
            {
                "sent_to": request.user.masked_phone,
                "expires_in": int(settings.SMS_CODE_TTL.total_seconds()),
                "retry_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
            },
            status=status.HTTP_202_ACCEPTED,
        )


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
    @extend_schema(
        tags=TAGS,
        summary="提交申请（短信验证码）",
        request=SubmitIn,
        responses=ApplicationDetailOut,
        description="重复提交（双击、超时重试）返回同一个申请，状态码 200。",
    )
    def post(self, request, pk: int):
        application = my_application(user=request.user, pk=pk)
        data = SubmitIn(data=request.data)
        data.is_valid(raise_exception=True)
        submitted = services.submit_application(
            application=application,
            user=request.user,
            sms_code=data.validated_data["sms_code"],
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

        return {
            "title": str(SMART_PAYMENT_AGREEMENT_TITLE),
            "text": str(SMART_PAYMENT_AGREEMENT),
            "version": SMART_PAYMENT_AGREEMENT_VERSION,
            "signed_at": (application.data.get("smart_payment") or {}).get("agreed_at"),
        }

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
        application = services.sign_smart_payment_agreement(
            application=self._application(request, pk), user=request.user
        )
        return Response(self._out(application))
