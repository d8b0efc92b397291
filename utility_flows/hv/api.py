"""REST API of the HV e-assistant (tag "hv"): everything the customer does in the pages, for
the mobile app, through the same services and forms. Another customer's order, document, seal
or chat answers 404."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.middleware import client_ip
from portal.signing import seals
from utility_flows.hv import chat, selectors
from utility_flows.hv import services as hv
from utility_flows.hv.chat_views import InviteForm, JoinForm, MessageForm
from utility_flows.hv.clock import limit_table
from utility_flows.hv.forms import STAGE_FORMS, ScanForm, SealForm, SignForm, SurveyForm
from utility_flows.hv.models import HVStage, PushedDocument, Side, Submission

TAGS = ["hv"]


def _valid(form):
    if not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data


# --- output ----------------------------------------------------------------------------------------------


class HVStageOutput(serializers.Serializer):
    number = serializers.IntegerField()
    label = serializers.CharField()
    side = serializers.ChoiceField(choices=Side.choices)
    status = serializers.ChoiceField(choices=["done", "now", "next", "skipped"])
    at = serializers.DateTimeField(allow_null=True, help_text=_("完成时间（实际时间）"))
    due_on = serializers.DateField(allow_null=True, help_text=_("当前环节的办理时限"))
    loops = serializers.IntegerField(help_text=_("退回整改次数"))


class HVManagerOutput(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    organization = serializers.CharField(source="staff_profile.organization", default="")
    employee_number = serializers.CharField(source="staff_profile.employee_number", default="")
    service_motto = serializers.CharField(source="staff_profile.service_motto", default="")
    photo_id = serializers.IntegerField(source="staff_profile.photo_id", default=None, allow_null=True)


class HVDocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PushedDocument.Kind.choices)
    label = serializers.CharField(source="get_kind_display")
    passed = serializers.BooleanField()
    outcome = serializers.CharField()
    unsigned_document_id = serializers.IntegerField(
        source="unsigned_id", allow_null=True, help_text=_("待签 PDF（/api/v1/documents/{id}/）；生成中为 null")
    )
    signed_document_id = serializers.IntegerField(source="signed_id", allow_null=True)
    signed_sha256 = serializers.CharField()
    signed_how = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)


class HVLogOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    name = serializers.CharField()
    label = serializers.CharField()
    side = serializers.CharField()
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    by = serializers.CharField(source="by.name", default="")
    reason = serializers.CharField()


class HVSubmissionOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Submission.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    at = serializers.DateTimeField()
    licence_status = serializers.CharField(
        help_text=_("中间检查：许可证核验结果（valid、unknown 等；空：本环节无需核验）")
    )
    licence_summary = serializers.CharField(help_text=_("核验结果的说明：持证企业、许可范围、有效期"))


class HVOrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    business = serializers.CharField(source="business.name")
    stage = serializers.ChoiceField(choices=HVStage.choices, source="hv.stage")
    stage_label = serializers.CharField(source="hv.get_stage_display")
    due_on = serializers.DateField(source="hv.due_on", allow_null=True)
    suspended = serializers.SerializerMethodField()

    def get_suspended(self, order) -> bool:
        return order.hv.suspended_at is not None


class HVOrderDetailOutput(HVOrderOutput):
    timeline = HVStageOutput(many=True)
    manager = HVManagerOutput(source="assignee", allow_null=True)
    expected_visit_at = serializers.DateTimeField(source="hv.expected_visit_at", allow_null=True)
    survey_at = serializers.DateTimeField(source="hv.survey_at", allow_null=True)
    design_needed = serializers.BooleanField(source="hv.design_needed")
    mid_needed = serializers.BooleanField(source="hv.mid_needed")
    documents = HVDocumentOutput(many=True, source="hv.documents.all")
    log = HVLogOutput(many=True, source="hv.log.all")
    submissions = HVSubmissionOutput(many=True, source="hv.submissions.all")
    actions = serializers.ListField(child=serializers.CharField(), help_text=_("客户现在可以执行的操作"))
    chat_open = serializers.BooleanField()


def _order(request, pk):
    return selectors.hv_order_for(user=request.user, pk=pk)


def _detail(request, order):
    order.timeline = selectors.timeline(order, table=limit_table())
    order.actions = [n for n, _l, _r in hv.available(order.hv, request.user, side=Side.CUSTOMER)]
    order.chat_open = chat.chat_open(order.hv)
    return HVOrderDetailOutput(order).data


@extend_schema(tags=TAGS, summary="我的高压办电工单", responses={200: HVOrderOutput(many=True)})
class HVOrderListApi(APIView):
    def get(self, request):
        return Response(HVOrderOutput(selectors.my_hv_orders(user=request.user)[:500], many=True).data)


@extend_schema(
    tags=TAGS, summary="进度详情（20 个环节、客户经理、推送文件、办理记录）", responses={200: HVOrderDetailOutput}
)
class HVOrderDetailApi(APIView):
    def get(self, request, pk: int):
        return Response(_detail(request, _order(request, pk)))


class HVSurveyInput(serializers.Serializer):
    survey_at = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True)


@extend_schema(
    tags=TAGS, summary="预约勘察时间 / 勘察时间变更", request=HVSurveyInput, responses={200: HVOrderDetailOutput}
)
class HVSurveyApi(APIView):
    def post(self, request, pk: int):
        order = _order(request, pk)
        data = _valid(SurveyForm(request.data))
        if order.hv.stage == HVStage.MANAGER_ASSIGNED:
            hv.book_survey(process=order.hv, by=request.user, survey_at=data["survey_at"], note=data["note"])
        else:
            hv.change_survey(process=order.hv, by=request.user, survey_at=data["survey_at"], note=data["note"])
        return Response(_detail(request, _order(request, pk)))


@extend_schema(
    tags=TAGS,
    summary="环节提交：设计文件送审 / 中间检查 / 竣工报验",
    description="multipart/form-data，字段与页面表单一致（kind = design / mid / completion）。",
    request={"multipart/form-data": {"type": "object"}},
    responses={200: HVOrderDetailOutput},
)
class HVSubmitApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, pk: int, kind: str):
        if kind not in STAGE_FORMS:
            raise ValidationError({"kind": [str(_("没有这个环节"))]})
        order = _order(request, pk)
        kwargs = {"large_industry": hv.is_large_industry(order.hv)} if kind == "completion" else {}
        form = STAGE_FORMS[kind](request.data, request.FILES, **kwargs)
        _valid(form)
        data, files = form.data_and_files()
        hv.submit_stage(
            process=order.hv,
            kind=kind,
            by=request.user,
            data=data,
            files=files,
            signature=form.cleaned_data.get("signature", ""),
        )
        return Response(_detail(request, _order(request, pk)))


class HVSignInput(serializers.Serializer):
    signature = serializers.CharField(help_text=_("签名板 PNG 的 data URL"))


@extend_schema(tags=TAGS, summary="签署推送文件（手写签名）", request=HVSignInput, responses={200: HVDocumentOutput})
class HVSignApi(APIView):
    def post(self, request, pk: int, kind: str):
        order = _order(request, pk)
        data = _valid(SignForm(request.data))
        pushed = hv.sign_document(
            process=order.hv, kind=kind, by=request.user, signature=data["signature"], ip=client_ip(request)
        )
        return Response(HVDocumentOutput(pushed).data)


@extend_schema(
    tags=TAGS,
    summary="上传盖章合同扫描件",
    request={"multipart/form-data": {"type": "object"}},
    responses={200: HVDocumentOutput},
)
class HVContractScanApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, pk: int):
        order = _order(request, pk)
        data = _valid(ScanForm(request.data, request.FILES))
        return Response(
            HVDocumentOutput(hv.upload_contract_scan(process=order.hv, by=request.user, upload=data["scan"])).data
        )


class HVSealPreviewInput(serializers.Serializer):
    seal = serializers.IntegerField()
    signature = serializers.CharField()


class HVSealPreviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    seal_image_id = serializers.IntegerField(source="seal.image_id")
    signature_image_id = serializers.IntegerField(source="signature.image_id")
    binding = serializers.BooleanField(default=False, help_text=_("预览不具约束力，须确认并盖章"))


@extend_schema(
    tags=TAGS, summary="合同签章预览（未生效）", request=HVSealPreviewInput, responses={201: HVSealPreviewOutput}
)
class HVSealPreviewApi(APIView):
    def post(self, request, pk: int):
        order = _order(request, pk)
        data = _valid(SealForm(request.data, user=request.user))
        preview = hv.preview_seal(
            process=order.hv, by=request.user, seal_id=data["seal"].pk, signature=data["signature"]
        )
        return Response(HVSealPreviewOutput(preview).data, status=status.HTTP_201_CREATED)


class HVSealConfirmInput(serializers.Serializer):
    preview = serializers.IntegerField()


@extend_schema(tags=TAGS, summary="确认并盖章", request=HVSealConfirmInput, responses={200: HVDocumentOutput})
class HVSealConfirmApi(APIView):
    def post(self, request, pk: int):
        order = _order(request, pk)
        s = HVSealConfirmInput(data=request.data)
        s.is_valid(raise_exception=True)
        pushed = hv.confirm_seal(
            process=order.hv, by=request.user, preview_id=s.validated_data["preview"], ip=client_ip(request)
        )
        return Response(HVDocumentOutput(pushed).data)


# --- seals ----------------------------------------------------------------------------------------------


class HVSealOutput(serializers.Serializer):
    id = serializers.IntegerField()
    enterprise = serializers.CharField(source="enterprise.name")
    name = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    image_id = serializers.IntegerField()
    applied_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)


@extend_schema(
    tags=TAGS,
    summary="我的印章 / 印章申请",
    responses={200: HVSealOutput(many=True), 201: HVSealOutput},
    request={"multipart/form-data": {"type": "object"}},
)
class SealListApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get(self, request):
        return Response(HVSealOutput(seals.my_seals(user=request.user), many=True).data)

    def post(self, request):
        from portal.signing.seal_views import ApplyForm

        data = _valid(ApplyForm(request.data, request.FILES, user=request.user))
        seal = seals.apply_seal(enterprise=data["enterprise"], by=request.user, name=data["name"], upload=data["image"])
        return Response(HVSealOutput(seal).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, summary="印章注销", request=None, responses={200: HVSealOutput})
class SealCancelApi(APIView):
    def post(self, request, pk: int):
        from django.http import Http404

        seal = seals.my_seals(user=request.user).filter(pk=pk).first()
        if seal is None:
            raise Http404
        return Response(
            HVSealOutput(seals.cancel_seal(seal=seal, by=request.user, reason=str(request.data.get("reason", "")))).data
        )


# --- chat -----------------------------------------------------------------------------------------------


class HVMessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(source="author.name")
    text = serializers.CharField()
    document_id = serializers.IntegerField(allow_null=True)
    at = serializers.DateTimeField()


class HVChatOutput(serializers.Serializer):
    order_id = serializers.IntegerField(source="process.order_id")
    number = serializers.CharField(source="process.order.number")
    role = serializers.CharField()
    unread = serializers.IntegerField(default=0, allow_null=True)


@extend_schema(tags=TAGS, summary="消息列表（含未读数）", responses={200: HVChatOutput(many=True)})
class ChatListApi(APIView):
    def get(self, request):
        return Response(HVChatOutput(chat.my_chats(user=request.user)[:200], many=True).data)


@extend_schema(
    tags=TAGS,
    summary="群聊消息：读取（after 之后的新消息）/ 发送",
    parameters=[OpenApiParameter("after", int, required=False)],
    request={"multipart/form-data": {"type": "object"}},
    responses={200: HVMessageOutput(many=True), 201: HVMessageOutput},
)
class ChatMessagesApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get(self, request, pk: int):
        member = chat.member_of(user=request.user, order_pk=pk)
        try:
            after = int(request.query_params.get("after", "0"))
        except ValueError:
            after = 0
        rows = chat.messages_after(member.process, after)
        if rows:
            chat.mark_read(member, rows[-1].id)
        return Response(HVMessageOutput(rows, many=True).data)

    def post(self, request, pk: int):
        member = chat.member_of(user=request.user, order_pk=pk)
        data = _valid(MessageForm(request.data, request.FILES))
        message = chat.post_message(member=member, text=data["text"], upload=data["file"])
        return Response(HVMessageOutput(message).data, status=status.HTTP_201_CREATED)


class HVInviteOutput(serializers.Serializer):
    token = serializers.CharField(help_text=_("分享链接中的邀请码"))
    phone = serializers.CharField()
    role = serializers.CharField()


@extend_schema(tags=TAGS, summary="邀请加入群聊（+）", request=HVInviteOutput, responses={201: HVInviteOutput})
class ChatInviteApi(APIView):
    def post(self, request, pk: int):
        member = chat.member_of(user=request.user, order_pk=pk)
        data = _valid(InviteForm(request.data))
        invitation = chat.invite(member=member, phone=data["phone"], role=data["role"])
        return Response(HVInviteOutput(invitation).data, status=status.HTTP_201_CREATED)


class HVJoinInput(serializers.Serializer):
    code = serializers.CharField()


@extend_schema(tags=TAGS, summary="凭邀请和短信验证码加入群聊", request=HVJoinInput, responses={200: HVChatOutput})
class ChatJoinApi(APIView):
    def post(self, request, token: str):
        data = _valid(JoinForm(request.data))
        member = chat.join(token=token, user=request.user, code=data["code"])
        return Response(HVChatOutput(member).data)
