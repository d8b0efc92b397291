"""Password log-in with failed attempts limited per (account, source), per source and, for
passwords only, per account from everywhere (SPEC 2, issue 7)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import LoginAttempt
from portal.core.errors import RateLimited
from portal.core.middleware import client_ip


def _last_success(*, phone: str, ip: str | None):
    successes = LoginAttempt.objects.filter(phone=phone, ip=ip, succeeded=True)
    return successes.order_by("-at").values_list("at", flat=True).first()


def _locked(message: str, until) -> RateLimited:
    wait = max(int((until - timezone.now()).total_seconds()) + 1, 1)
    return RateLimited(message % {"minutes": max(1, (wait + 59) // 60)}, code="login_locked", retry_after=wait)


def check_login_allowed(*, phone: str, ip: str | None, method: str = "password") -> None:
    """Raise RateLimited while this account is locked from this source, or the source is.

    - Per (account, source): LOGIN_FAILURE_LIMIT_PER_PHONE failures lock that pair for
      LOGIN_FAILURE_WINDOW, each further failure doubles the wait (up to a day). Someone
      guessing from elsewhere never locks the owner out.
    - Per source: LOGIN_FAILURE_LIMIT_PER_IP failures on any accounts lock that network.
    - Per account from everywhere: LOGIN_FAILURE_LIMIT_PER_PHONE_ALL_SOURCES failures (a guess
      spread over many networks) stop password log-ins only; the owner logs in by SMS code.
    An SMS-code log-in counts only SMS failures of the pair: a password lock never stops it.
    """
    now = timezone.now()
    window = settings.LOGIN_FAILURE_WINDOW
    failures = LoginAttempt.objects.filter(succeeded=False)
    pair = failures.filter(phone=phone, ip=ip, at__gte=now - timedelta(days=1))
    last_success = _last_success(phone=phone, ip=ip)
    if last_success:
        pair = pair.filter(at__gt=last_success)
    if method == "sms":
        pair = pair.filter(method="sms")
    limit = settings.LOGIN_FAILURE_LIMIT_PER_PHONE
    recent = list(pair.order_by("-at").values_list("at", flat=True)[: limit + 8])
    if len(recent) >= limit:
        delay = min(window * (2 ** (len(recent) - limit)), timedelta(days=1))
        if recent[0] + delay > now:
            raise _locked(
                _("该账号登录失败次数过多，请%(minutes)s分钟后再试，或使用短信验证码登录")
                if method == "password"
                else _("该账号登录失败次数过多，请%(minutes)s分钟后再试"),
                recent[0] + delay,
            )
    if ip:
        on_network = list(
            failures.filter(ip=ip, at__gte=now - window)
            .order_by("-at")
            .values_list("at", flat=True)[: settings.LOGIN_FAILURE_LIMIT_PER_IP]
        )
        if len(on_network) >= settings.LOGIN_FAILURE_LIMIT_PER_IP:
            raise _locked(_("当前网络登录失败次数过多，请%(minutes)s分钟后再试"), on_network[-1] + window)
    if method == "password":
        everywhere = settings.LOGIN_FAILURE_LIMIT_PER_PHONE_ALL_SOURCES
        spread = list(
            failures.filter(phone=phone, at__gte=now - window).order_by("-at").values_list("at", flat=True)[:everywhere]
        )
        if len(spread) >= everywhere:
            raise _locked(
                _("该账号近期密码错误次数过多，暂停密码登录%(minutes)s分钟，请使用短信验证码登录"), spread[-1] + window
            )


def failures_before_lock(*, phone: str, ip: str | None) -> int:
    """How many more wrong passwords this account may take from this source before it locks."""
    since = timezone.now() - timedelta(days=1)
    pair = LoginAttempt.objects.filter(phone=phone, ip=ip, succeeded=False, at__gte=since)
    last_success = _last_success(phone=phone, ip=ip)
    if last_success:
        pair = pair.filter(at__gt=last_success)
    return settings.LOGIN_FAILURE_LIMIT_PER_PHONE - pair.count()


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
