from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.masking import mask_phone
from portal.core.middleware import client_ip
from portal.core.throttling import ScopedIpThrottle
from portal.verification.models import Purpose
from portal.verification.services import request_code_for
from portal.verification.views import sent_message


class IpRateThrottle(ScopedIpThrottle):
    """Per client IP (behind our trusted proxies), for endpoints anyone may call; fails open to a
    local count when Redis is down (portal.core.throttling)."""


class SmsCodeThrottle(IpRateThrottle):
    # The domain rules (60 s per phone, daily caps) refuse politely; this stops a flood early.
    scope = "sms_code"
    default_rate = "20/min"


class SmsCodeRequestView(APIView):
    # Anyone may ask for a register / login / reset code. Session users stay CSRF-checked by
    # SessionAuthentication; other purposes use the authenticated user's own phone.
    permission_classes = [AllowAny]
    throttle_classes = [SmsCodeThrottle]

    class SmsCodeInput(serializers.Serializer):
        phone = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=11,
            help_text=_("注册、登录、找回密码时必填；其他用途的验证码发送到当前登录用户的手机，忽略此项"),
        )
        purpose = serializers.ChoiceField(choices=Purpose.choices, help_text=_("验证码用途"))

    class SmsCodeOutput(serializers.Serializer):
        phone = serializers.CharField(help_text=_("接收手机号（已脱敏）"))
        expires_in = serializers.IntegerField(help_text=_("验证码有效秒数"))
        resend_after = serializers.IntegerField(help_text=_("多少秒后可以重新获取"))
        delayed = serializers.BooleanField(help_text=_("短信通道暂时不可用：验证码已保存，恢复后自动发送"))
        message = serializers.CharField(help_text=_("给用户看的说明"))

    @extend_schema(
        tags=["sms"],
        summary=_("获取短信验证码"),
        description=_("每个手机号60秒内只能获取一次，每天按手机号和IP限量。验证码6位数字，5分钟内有效，只能使用一次。"),
        request=SmsCodeInput,
        responses={202: SmsCodeOutput},
    )
    def post(self, request):
        data = self.SmsCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        sms = request_code_for(
            purpose=data.validated_data["purpose"],
            phone=data.validated_data.get("phone"),
            user=request.user,
            ip=client_ip(request),
        )
        body = {
            "phone": mask_phone(sms.phone),
            "expires_in": int(settings.SMS_CODE_TTL.total_seconds()),
            "resend_after": int(settings.SMS_CODE_RESEND_AFTER.total_seconds()),
            "delayed": getattr(sms, "queued", None) is False,
            "message": sent_message(sms),
        }
        return Response(self.SmsCodeOutput(body).data, status=status.HTTP_202_ACCEPTED)
