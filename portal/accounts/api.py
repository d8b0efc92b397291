"""Identity API for the mobile app: log-in returns a token (``Authorization: Token <key>``).

Anonymous endpoints (register, log-in, password reset) use no authentication class at all:
they read no ambient identity and set no cookie, so a cross-site POST gains nothing and CSRF
cannot apply; authenticated endpoints keep session authentication, whose CSRF check protects
browser clients.
"""

from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts import services
from portal.accounts.authentication import ExpiringTokenAuthentication
from portal.accounts.models import (
    EnterpriseMembership,
    EnterpriseRelation,
    EnterpriseType,
    IdType,
    MembershipRequest,
    MembershipRequestStatus,
)
from portal.accounts.selectors import membership_requests_visible_to, memberships_of
from portal.core.masking import mask_id_number, mask_phone
from portal.verification.api import IpRateThrottle


class AuthThrottle(IpRateThrottle):
    # Per IP on top of the per-phone / per-IP failed log-in lock-out of the backend.
    scope = "auth"
    default_rate = "20/min"


class _Authenticated:
    # Token first: an anonymous request then answers 401 with ``WWW-Authenticate: Token`` (as
    # documented) instead of the 403 that SessionAuthentication's lack of a challenge gives.
    authentication_classes = (ExpiringTokenAuthentication, SessionAuthentication)


class _Anonymous:
    authentication_classes: tuple = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AuthThrottle,)


# --- shared output -------------------------------------------------------------------------


class UserOutput(serializers.Serializer):
    phone = serializers.CharField(help_text=_("手机号码"))
    masked_phone = serializers.SerializerMethodField(help_text=_("脱敏手机号码"))
    name = serializers.CharField(help_text=_("实名认证姓名，未认证时为空"))
    id_type = serializers.CharField(help_text=_("证件类型"))
    masked_id_number = serializers.SerializerMethodField(help_text=_("脱敏证件号码"))
    is_real_name_verified = serializers.BooleanField()
    real_name_verified_at = serializers.DateTimeField(allow_null=True)
    email = serializers.EmailField(allow_blank=True)
    date_joined = serializers.DateTimeField()

    def get_masked_phone(self, obj) -> str:
        return mask_phone(obj.phone)

    def get_masked_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text=_("API 令牌：请求头 Authorization: Token <token>"))
    user = UserOutput()


def _token_response(user, *, status_code=status.HTTP_200_OK, request=None) -> Response:
    token = services.issue_api_token(user=user, request=request)
    return Response(TokenOutput({"token": token.key, "user": user}).data, status=status_code)


# --- auth ----------------------------------------------------------------------------------


class RegisterView(_Anonymous, APIView):
    class RegisterInput(serializers.Serializer):
        phone = serializers.CharField(max_length=11)
        sms_code = serializers.CharField(max_length=6, help_text=_("用途为 register 的短信验证码"))
        password = serializers.CharField(write_only=True, style={"input_type": "password"}, trim_whitespace=False)

    @extend_schema(tags=["auth"], summary=_("注册"), request=RegisterInput, responses={201: TokenOutput})
    def post(self, request):
        data = self.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.register_user(**data.validated_data)
        return _token_response(user, status_code=status.HTTP_201_CREATED, request=request)


class LoginView(_Anonymous, APIView):
    class LoginInput(serializers.Serializer):
        phone = serializers.CharField(max_length=11)
        password = serializers.CharField(required=False, trim_whitespace=False, style={"input_type": "password"})
        sms_code = serializers.CharField(required=False, max_length=6, help_text=_("用途为 login 的短信验证码"))

        def validate(self, attrs):
            if bool(attrs.get("password")) == bool(attrs.get("sms_code")):
                raise serializers.ValidationError(_("请提供密码或短信验证码中的一项"))
            return attrs

    @extend_schema(
        tags=["auth"],
        summary=_("登录（密码或短信验证码）"),
        description=_("同一手机号或同一IP登录失败次数过多时暂时锁定，返回 429 与 retry_after。"),
        request=LoginInput,
        responses={200: TokenOutput},
    )
    def post(self, request):
        data = self.LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        phone = data.validated_data["phone"]
        if data.validated_data.get("sms_code"):
            user = services.log_in_with_sms_code(request=request, phone=phone, sms_code=data.validated_data["sms_code"])
        else:
            user = services.log_in_with_password(request=request, phone=phone, password=data.validated_data["password"])
        return _token_response(user, request=request)


class LogoutView(_Authenticated, APIView):
    @extend_schema(tags=["auth"], summary=_("退出登录（作废令牌）"), request=None, responses={204: None})
    def post(self, request):
        services.revoke_api_token(user=request.user, token=request.auth)
        if request.session.session_key:
            auth_logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(_Anonymous, APIView):
    class PasswordResetInput(serializers.Serializer):
        phone = serializers.CharField(max_length=11)
        sms_code = serializers.CharField(max_length=6, help_text=_("用途为 reset_password 的短信验证码"))
        new_password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    @extend_schema(tags=["auth"], summary=_("找回密码"), request=PasswordResetInput, responses={204: None})
    def post(self, request):
        data = self.PasswordResetInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.reset_password(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(_Authenticated, APIView):
    class PasswordChangeInput(serializers.Serializer):
        old_password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
        new_password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    @extend_schema(
        tags=["auth"],
        summary=_("修改密码"),
        description=_("其他会话和旧令牌失效；响应中返回新令牌。"),
        request=PasswordChangeInput,
        responses={200: TokenOutput},
    )
    def post(self, request):
        data = self.PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_password(user=request.user, **data.validated_data)
        if request.session.session_key:
            update_session_auth_hash(request, request.user)
        return _token_response(request.user, request=request)


# --- me ------------------------------------------------------------------------------------


class MeView(_Authenticated, APIView):
    class MePatchInput(serializers.Serializer):
        email = serializers.EmailField(allow_blank=True)

    @extend_schema(tags=["me"], summary=_("我的账号"), responses={200: UserOutput})
    def get(self, request):
        return Response(UserOutput(request.user).data)

    @extend_schema(tags=["me"], summary=_("修改电子邮箱"), request=MePatchInput, responses={200: UserOutput})
    def patch(self, request):
        data = self.MePatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_email(user=request.user, email=data.validated_data["email"])
        return Response(UserOutput(request.user).data)


class RealNameView(_Authenticated, APIView):
    class RealNameInput(serializers.Serializer):
        name = serializers.CharField(max_length=50)
        id_type = serializers.ChoiceField(choices=IdType.choices)
        id_number = serializers.CharField(max_length=32)

    @extend_schema(tags=["me"], summary=_("实名认证"), request=RealNameInput, responses={200: UserOutput})
    def post(self, request):
        data = self.RealNameInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.verify_real_name(user=request.user, **data.validated_data)
        return Response(UserOutput(user).data)


# --- enterprises ---------------------------------------------------------------------------


class EnterpriseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    credit_code_check_passed = serializers.BooleanField(
        help_text=_("信用代码校验位是否通过（未通过的由用户确认后登记）")
    )
    enterprise_type = serializers.ChoiceField(choices=EnterpriseType.choices)
    legal_rep_name = serializers.CharField()
    legal_rep_id_type = serializers.ChoiceField(choices=IdType.choices)
    masked_legal_rep_id_number = serializers.SerializerMethodField()
    registered_address = serializers.CharField()

    def get_masked_legal_rep_id_number(self, obj) -> str:
        return mask_id_number(obj.legal_rep_id_number)


class MembershipOutput(serializers.Serializer):
    id = serializers.IntegerField()
    relation = serializers.ChoiceField(choices=EnterpriseRelation.choices, help_text=_("法人代表或经办人"))
    has_power_of_attorney = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    enterprise = EnterpriseOutput()

    def get_has_power_of_attorney(self, obj) -> bool:
        return obj.power_of_attorney_id is not None


class MembershipRequestOutput(serializers.Serializer):
    class EnterpriseBrief(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        credit_code = serializers.CharField()

    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=MembershipRequestStatus.choices, help_text=_("待审核的申请不享有任何权限；批准后成为经办人")
    )
    enterprise = EnterpriseBrief()
    requester_name = serializers.SerializerMethodField()
    requester_masked_phone = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()

    def get_requester_name(self, obj) -> str:
        return obj.user.get_full_name()

    def get_requester_masked_phone(self, obj) -> str:
        return mask_phone(obj.user.phone)


def _bound_response(result) -> Response:
    """201 with the membership for the legal representative; 202 with the pending request for an agent."""
    if isinstance(result, MembershipRequest):
        return Response(MembershipRequestOutput(result).data, status=status.HTTP_202_ACCEPTED)
    return Response(MembershipOutput(result).data, status=status.HTTP_201_CREATED)


_ATTORNEY_HELP = _(
    "授权委托书（JPG、PNG 或 PDF）。实名信息与法定代表人不一致时必须上传，此时请求须为 multipart/form-data"
)


class EnterpriseRegisterInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(max_length=18)
    credit_code_confirmed = serializers.BooleanField(
        default=False, help_text=_("信用代码校验位不通过时，用户核对无误后传 true")
    )
    enterprise_type = serializers.ChoiceField(choices=EnterpriseType.choices)
    legal_rep_name = serializers.CharField(max_length=50)
    legal_rep_id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    legal_rep_id_number = serializers.CharField(max_length=32)
    registered_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    power_of_attorney = serializers.FileField(required=False, allow_null=True, help_text=_ATTORNEY_HELP)


class EnterpriseBindInput(serializers.Serializer):
    credit_code = serializers.CharField(max_length=18)
    power_of_attorney = serializers.FileField(required=False, allow_null=True, help_text=_ATTORNEY_HELP)


_PARSERS = (JSONParser, MultiPartParser, FormParser)


@extend_schema_view(
    get=extend_schema(tags=["enterprises"], summary=_("我的企业"), responses={200: MembershipOutput(many=True)}),
    post=extend_schema(
        tags=["enterprises"],
        summary=_("登记企业"),
        description=_("法人代表或经办人由实名信息与法定代表人比对得出；经办人须上传授权委托书。需先完成实名认证。"),
        request={"multipart/form-data": EnterpriseRegisterInput, "application/json": EnterpriseRegisterInput},
        responses={201: MembershipOutput, 202: MembershipRequestOutput},
    ),
)
class EnterpriseListView(_Authenticated, generics.ListCreateAPIView):
    serializer_class = MembershipOutput
    parser_classes = _PARSERS

    def get_queryset(self):
        return memberships_of(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = EnterpriseRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _bound_response(services.register_enterprise(user=request.user, **data.validated_data))


@extend_schema_view(
    get=extend_schema(tags=["enterprises"], summary=_("企业绑定详情"), responses={200: MembershipOutput})
)
class EnterpriseDetailView(_Authenticated, generics.RetrieveAPIView):
    serializer_class = MembershipOutput

    def get_object(self) -> EnterpriseMembership:
        # Scoped to the user: another user's binding answers 404, not 403.
        return get_object_or_404(memberships_of(user=self.request.user), pk=self.kwargs["pk"])


class EnterpriseBindView(_Authenticated, APIView):
    parser_classes = _PARSERS

    @extend_schema(
        tags=["enterprises"],
        summary=_("绑定已登记企业"),
        description=_(
            "法定代表人本人立即绑定（201）；经办人提交申请（202），由企业法定代表人或已绑定人员、"
            "或供电公司审核授权委托书后批准，批准前不享有任何权限。"
        ),
        request={"multipart/form-data": EnterpriseBindInput, "application/json": EnterpriseBindInput},
        responses={201: MembershipOutput, 202: MembershipRequestOutput},
    )
    def post(self, request):
        data = EnterpriseBindInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _bound_response(services.bind_enterprise(user=request.user, **data.validated_data))


@extend_schema_view(
    get=extend_schema(
        tags=["enterprises"],
        summary=_("企业绑定申请"),
        description=_("我提交的申请，以及向我已绑定的企业提交的申请（含审核结果）"),
        responses={200: MembershipRequestOutput(many=True)},
    )
)
class MembershipRequestListView(_Authenticated, generics.ListAPIView):
    serializer_class = MembershipRequestOutput

    def get_queryset(self):
        return membership_requests_visible_to(user=self.request.user)


class MembershipDecisionView(_Authenticated, APIView):
    class DecisionInput(serializers.Serializer):
        approve = serializers.BooleanField(help_text=_("true 批准，false 拒绝"))
        reason = serializers.CharField(
            max_length=200, required=False, allow_blank=True, default="", help_text=_("审核意见，拒绝时必填")
        )

    @extend_schema(
        tags=["enterprises"],
        summary=_("审核企业绑定申请"),
        request=DecisionInput,
        responses={200: MembershipRequestOutput},
    )
    def post(self, request, pk: int):
        data = self.DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership_request = get_object_or_404(membership_requests_visible_to(user=request.user), pk=pk)
        decided = services.decide_membership_request(
            membership_request=membership_request, by=request.user, **data.validated_data
        )
        return Response(MembershipRequestOutput(decided).data)


class DeviceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text=_("设备（登录时的 User-Agent）"))
    ip = serializers.IPAddressField(allow_null=True)
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    current = serializers.SerializerMethodField(help_text=_("是否为本次请求使用的令牌"))

    def get_current(self, obj) -> bool:
        return obj == self.context["request"].auth


@extend_schema_view(get=extend_schema(tags=["me"], summary=_("已登录的设备"), responses={200: DeviceOutput(many=True)}))
class DeviceListView(_Authenticated, generics.ListAPIView):
    serializer_class = DeviceOutput

    def get_queryset(self):
        from django.utils import timezone

        return self.request.user.api_tokens.filter(expires_at__gt=timezone.now())


class DeviceDetailView(_Authenticated, APIView):
    @extend_schema(tags=["me"], summary=_("退出设备登录"), responses={204: None})
    def delete(self, request, pk: int):
        from django.http import Http404

        if not request.user.api_tokens.filter(pk=pk).exists():
            raise Http404
        services.revoke_device(user=request.user, token_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
