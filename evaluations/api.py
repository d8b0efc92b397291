"""REST API of 好差评 for the mobile app: my to-do items, the review form of a matter, a scanned
code's form (anonymous, phone confirmed by SMS code), my reviews and the answer to a
rectification reply. Same services, same rules as the pages."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluations import selectors, services
from evaluations.models import BAD_LEVELS, SUB_RATINGS, BadReason, Level, QrKind, Review, ReviewItem
from portal.core.api import ErrorSerializer
from portal.core.masking import mask_phone
from portal.core.middleware import client_ip
from portal.verification.api import IpRateThrottle
from portal.verification.models import Purpose
from portal.verification.services import check_code, request_code

TOO_SOON = OpenApiResponse(
    ErrorSerializer,
    description=_(
        "输入有误或业务规则不允许。同一手机号5天内已评价过时 code 为 review_too_soon，"
        "detail 写明何时可再次评价，retry_after 为需等待的秒数；差评缺少原因时 code 为 "
        "bad_reason_required / bad_reason_text_required；事项已评价时为 already_reviewed。"
    ),
)


class ReviewThrottle(IpRateThrottle):
    scope = "review"
    default_rate = "20/min"


class ReviewInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, help_text=_("满意程度：5 非常满意 … 1 非常不满意"))
    overall = serializers.IntegerField(min_value=1, max_value=5, help_text=_("总体评价，1–5星"))
    efficiency = serializers.IntegerField(min_value=1, max_value=5, help_text=_("办理效率，1–5星"))
    guidance = serializers.IntegerField(min_value=1, max_value=5, help_text=_("指引准确，1–5星"))
    convenience = serializers.IntegerField(min_value=1, max_value=5, help_text=_("办理便捷，1–5星"))
    usability = serializers.IntegerField(min_value=1, max_value=5, help_text=_("系统易用，1–5星"))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    bad_reason = serializers.ChoiceField(
        choices=BadReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("差评（不满意、非常不满意）时必填"),
    )
    bad_reason_text = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="", help_text=_("差评时必填：具体原因")
    )

    def validate(self, data):
        if data["level"] in BAD_LEVELS:
            errors = {}
            if not data.get("bad_reason"):
                errors["bad_reason"] = [_("差评请选择原因类别")]
            if not (data.get("bad_reason_text") or "").strip():
                errors["bad_reason_text"] = [_("差评请说明具体原因")]
            if errors:
                raise serializers.ValidationError(errors)
        return data


class QrReviewInput(ReviewInput):
    phone = serializers.RegexField(r"^1[3-9]\d{9}$", required=False, help_text=_("评价人手机号码；未登录时必填"))
    sms_code = serializers.RegexField(
        r"^\d{6}$", required=False, help_text=_("发送到该手机号的6位验证码（用途 review）；未登录时必填")
    )


@extend_schema_serializer(component_name="ReviewOutput")
class ReviewOutput(serializers.ModelSerializer):
    overall = serializers.IntegerField(help_text=_("总体评价，1–5星"))
    efficiency = serializers.IntegerField(help_text=_("办理效率，1–5星"))
    guidance = serializers.IntegerField(help_text=_("指引准确，1–5星"))
    convenience = serializers.IntegerField(help_text=_("办理便捷，1–5星"))
    usability = serializers.IntegerField(help_text=_("系统易用，1–5星"))
    level_label = serializers.CharField(source="get_level_display")
    case_state = serializers.SerializerMethodField(help_text=_("整改状态；非差评为空"))
    case_reply = serializers.SerializerMethodField(help_text=_("整改答复；未答复为空"))
    feedback_token = serializers.CharField(source="access_token", help_text=_("查看整改答复、确认是否满意所用的标识"))

    class Meta:
        model = Review
        fields = [
            "id",
            "title",
            "level",
            "level_label",
            "overall",
            "efficiency",
            "guidance",
            "convenience",
            "usability",
            "comment",
            "bad_reason",
            "bad_reason_text",
            "submitted_at",
            "next_allowed_at",
            "case_state",
            "case_reply",
            "feedback_token",
        ]

    def get_case_state(self, review) -> str:
        case = getattr(review, "case", None)
        return case.state if case else ""

    def get_case_reply(self, review) -> str:
        case = getattr(review, "case", None)
        return case.reply if case else ""


@extend_schema_serializer(component_name="ReviewItem")
class ItemOutput(serializers.ModelSerializer):
    class Meta:
        model = ReviewItem
        fields = ["id", "kind", "title", "business", "unit", "completed_at"]


def _submit_kwargs(data) -> dict:
    return {
        "level": data["level"],
        "ratings": {name: data[name] for name, _label in SUB_RATINGS},
        "comment": data.get("comment", ""),
        "bad_reason": data.get("bad_reason", ""),
        "bad_reason_text": data.get("bad_reason_text", ""),
    }


class PendingItemsApi(generics.ListAPIView):
    """My completed matters waiting for a review (the 好差评 to-do items)."""

    serializer_class = ItemOutput

    def get_queryset(self):
        return selectors.pending_items(user=self.request.user)

    @extend_schema(tags=["reviews"], summary=_("待评价事项"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MatterReviewApi(APIView):
    @extend_schema(
        tags=["reviews"],
        summary=_("评价已办结的事项（一事一评）"),
        description=_("以当前登录用户的手机号评价本人的一个已办结事项。同一手机号5天内只能评价一次。"),
        request=ReviewInput,
        responses={201: ReviewOutput, 400: TOO_SOON},
    )
    def post(self, request, pk: int):
        item = selectors.my_pending_item(user=request.user, pk=pk)
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.submit_review(
            phone=request.user.phone, item=item, user=request.user, **_submit_kwargs(data.validated_data)
        )
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class MyReviewsApi(generics.ListAPIView):
    """My reviews, newest first, with the state of their rectification."""

    serializer_class = ReviewOutput

    def get_queryset(self):
        return selectors.my_reviews(user=self.request.user)

    @extend_schema(tags=["reviews"], summary=_("我的评价"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema_serializer(component_name="QrCodeInfo")
class QrInfoOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QrKind.choices)
    title = serializers.CharField(help_text=_("评价对象"))
    unit = serializers.CharField(help_text=_("责任单位"))


class QrReviewApi(APIView):
    """A scanned code: anyone may read what it rates and review it."""

    permission_classes = [AllowAny]
    throttle_classes = [ReviewThrottle]

    @extend_schema(tags=["reviews"], summary=_("扫码评价：评价对象"), responses={200: QrInfoOutput})
    def get(self, request, token: str):
        qr = selectors.live_qr_code(token=token)
        return Response(QrInfoOutput({"kind": qr.kind, "title": qr.target_label, "unit": qr.unit}).data)

    @extend_schema(
        tags=["reviews"],
        summary=_("扫码评价：提交"),
        description=_(
            "未登录时须提供手机号和短信验证码（先调用 send-code）；已登录时使用账号手机号。"
            "同一手机号5天内只能评价一次。"
        ),
        request=QrReviewInput,
        responses={201: ReviewOutput, 400: TOO_SOON},
    )
    def post(self, request, token: str):
        qr = selectors.live_qr_code(token=token)
        data = QrReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = request.user if request.user.is_authenticated and request.user.phone else None
        sms = None
        if user is None:
            if not values.get("phone"):
                raise serializers.ValidationError({"phone": [_("请输入手机号码")]})
            if not values.get("sms_code"):
                raise serializers.ValidationError({"sms_code": [_("请输入短信验证码")]})
            services.check_phone_may_review(values["phone"])
            sms = check_code(phone=values["phone"], purpose=Purpose.REVIEW, code=values["sms_code"])
        review = services.submit_review(
            phone=user.phone if user else values["phone"], qr_code=qr, user=user, sms=sms, **_submit_kwargs(values)
        )
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class QrSendCodeApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ReviewThrottle]

    @extend_schema_serializer(component_name="ReviewCodeRequest")
    class Input(serializers.Serializer):
        phone = serializers.RegexField(r"^1[3-9]\d{9}$", help_text=_("评价人手机号码"))

    @extend_schema_serializer(component_name="ReviewCodeSent")
    class Output(serializers.Serializer):
        phone = serializers.CharField(help_text=_("接收手机号（已脱敏）"))
        expires_in = serializers.IntegerField()
        resend_after = serializers.IntegerField()

    @extend_schema(
        tags=["reviews"],
        summary=_("扫码评价：获取短信验证码"),
        description=_("只对已生成且启用的二维码发送。该手机号5天内已评价过时直接拒绝（review_too_soon）。"),
        request=Input,
        responses={202: Output, 400: TOO_SOON},
    )
    def post(self, request, token: str):
        selectors.live_qr_code(token=token)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        phone = data.validated_data["phone"]
        services.check_phone_may_review(phone)
        sms = request_code(phone=phone, purpose=Purpose.REVIEW, ip=client_ip(request))
        body = {
            "phone": mask_phone(sms.phone),
            "expires_in": int(settings.SMS_CODE_TTL.total_seconds()),
            "resend_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
        }
        return Response(self.Output(body).data, status=status.HTTP_202_ACCEPTED)


class FeedbackApi(APIView):
    """The reviewer's answer to a rectification reply, by the review's feedback token."""

    permission_classes = [AllowAny]
    throttle_classes = [ReviewThrottle]

    @extend_schema_serializer(component_name="ReviewFeedback")
    class Input(serializers.Serializer):
        satisfied = serializers.BooleanField(help_text=_("是否满意整改答复"))
        feedback = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    @extend_schema(tags=["reviews"], summary=_("确认整改答复是否满意"), request=Input, responses={200: ReviewOutput})
    def post(self, request, token: str):
        review = selectors.review_by_token(token=token)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.give_feedback(
            review=review, satisfied=data.validated_data["satisfied"], feedback=data.validated_data["feedback"]
        )
        review = selectors.review_by_token(token=token)
        return Response(ReviewOutput(review).data)
