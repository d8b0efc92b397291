"""API plumbing shared by every app: one error format, documented on every operation."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from portal.core.errors import DomainError


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("给用户看的错误说明"))
    code = serializers.CharField(help_text=_("机器可读的错误代码"))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("按字段列出的输入错误"),
    )
    retry_after = serializers.IntegerField(required=False, help_text=_("多少秒后可以重试"))
    problems = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("未满足的全部条件（如资料提交检查）")
    )


_ERROR_DESCRIPTIONS = {
    "400": _("输入有误或业务规则不允许"),
    "401": _("未登录或令牌无效"),
    "403": _("无权操作（含 CSRF 校验失败）"),
    "404": _("对象不存在或不属于当前用户"),
    "429": _("操作过于频繁，请稍后再试"),
}


class PortalAutoSchema(AutoSchema):
    """Adds the error responses every endpoint can give, in the portal's error format."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = {"400", "429"}
        if self.get_auth() and {} not in self.get_auth():
            codes |= {"401", "403"}
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.add("403")
        if "{" in self.path or self._is_list_view():
            codes.add("404")
        for code in sorted(codes):
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                body["description"] = str(_ERROR_DESCRIPTIONS[code])
                responses[code] = body
        return responses


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def exception_handler(exc, context):
    """Every error answers ``{"detail", "code", ["fields"], ["retry_after"], ["problems"]}``."""
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body["fields"] = {exc.field: [str(exc.message)]}
        if exc.retry_after is not None:
            body["retry_after"] = exc.retry_after
        problems = getattr(exc, "problems", None)  # a refusal listing every unmet condition
        if problems:
            body["problems"] = [str(p) for p in problems]
        from rest_framework.response import Response

        response = Response(body, status=exc.status_code)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()))[0] if fields else str(_("输入有误"))
        response.data = {"detail": first, "code": "invalid", "fields": fields}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {
            "detail": str(detail),
            "code": getattr(detail, "code", None) or getattr(exc, "default_code", "error"),
        }
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            response.data["retry_after"] = int(exc.wait)
    return response
