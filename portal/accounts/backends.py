"""Password log-in with failed attempts limited per phone and per IP (SPEC 2)."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import LoginAttempt
from portal.core.errors import RateLimited
from portal.core.middleware import client_ip


def check_login_allowed(*, phone: str, ip: str | None) -> None:
    """Raise RateLimited while the phone, or the IP, has too many recent failed log-ins."""
    since = timezone.now() - settings.LOGIN_FAILURE_WINDOW
    failures = LoginAttempt.objects.filter(succeeded=False, at__gte=since)
    limits = [(failures.filter(phone=phone), settings.LOGIN_FAILURE_LIMIT_PER_PHONE, _("该账号"))]
    if ip:
        limits.append((failures.filter(ip=ip), settings.LOGIN_FAILURE_LIMIT_PER_IP, _("当前网络")))
    for attempts, limit, who in limits:
        recent = list(attempts.order_by("-at").values_list("at", flat=True)[:limit])
        if len(recent) >= limit:
            # Locked until the oldest of the last `limit` failures leaves the window.
            wait = int((recent[-1] + settings.LOGIN_FAILURE_WINDOW - timezone.now()).total_seconds()) + 1
            raise RateLimited(
                _("%(who)s登录失败次数过多，请%(minutes)s分钟后再试")
                % {"who": who, "minutes": max(1, (wait + 59) // 60)},
                code="login_locked",
                retry_after=max(wait, 1),
            )


def record_login_attempt(*, phone: str, ip: str | None, succeeded: bool, method: str) -> None:
    LoginAttempt.objects.create(phone=phone[:20], ip=ip, succeeded=succeeded, method=method)


class RateLimitedBackend(ModelBackend):
    """ModelBackend that refuses while locked out and records every attempt.

    Used by the portal's log-in page, the API and the admin's log-in alike."""

    def authenticate(self, request, username=None, password=None, phone=None, **kwargs):
        phone = phone or username or kwargs.get("phone")
        if not phone or password is None:
            return None
        ip = client_ip(request)
        try:
            check_login_allowed(phone=phone, ip=ip)
        except RateLimited as exc:
            # PermissionDenied makes django.contrib.auth.authenticate() stop and answer None,
            # so the admin's log-in refuses too. Our own forms call check_login_allowed()
            # first to tell the user why and for how long.
            raise PermissionDenied(exc.message) from exc
        user = super().authenticate(request, username=phone, password=password)
        record_login_attempt(phone=phone, ip=ip, succeeded=user is not None, method="password")
        return user
