"""SMS verification codes, exactly the rules of SPEC 7.

6 digits, valid 5 minutes, single use, bound to a purpose; one send per 60 s per phone; daily
caps per phone and per IP; void after 5 wrong entries; stored hashed; compared in constant time.

Use from a business service::

    sms = check_code(phone=user.phone, purpose=Purpose.SUBMIT, code=code)   # outside atomic
    with transaction.atomic():
        ...the business change...
        consume_code(sms)            # inside: rolls back with the change, never used twice

``check_code`` records a wrong entry in its own transaction, so it must be called before the
caller opens its transaction; otherwise a rollback would forgive the wrong guess.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from portal.accounts.validators import MAINLAND_MOBILE
from portal.core.errors import DomainError, RateLimited
from portal.verification.models import Purpose, SmsCode
from portal.verification.outbox import publish_code, seal


def _hash(phone: str, purpose: str, code: str) -> str:
    return salted_hmac("portal.verification.SmsCode", f"{phone}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _start_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _lock_phone(phone: str) -> None:
    """Serialise code requests for one phone so two parallel requests cannot both pass the
    60-second rule. SQLite serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"sms:{phone}"])


def request_code(*, phone: str, purpose: str, ip: str | None) -> SmsCode:
    """Create a code and queue its text message. Refusals say why and when to retry."""
    if not MAINLAND_MOBILE.match(phone or ""):
        raise DomainError(_("请输入正确的11位手机号码"), code="invalid_phone", field="phone")
    if purpose not in Purpose.values:
        raise DomainError(_("未知的验证码用途"), code="invalid_purpose")
    now = timezone.now()
    with transaction.atomic():
        _lock_phone(phone)
        last = SmsCode.objects.filter(phone=phone).order_by("-created_at").values_list("created_at", flat=True).first()
        if last and now - last < settings.SMS_CODE_RESEND_AFTER:
            wait = int((last + settings.SMS_CODE_RESEND_AFTER - now).total_seconds()) + 1
            raise RateLimited(
                _("验证码已发送，请%(seconds)s秒后再重新获取") % {"seconds": wait},
                code="resend_too_soon", field="phone", retry_after=wait,
            )
        today = _start_of_today(now)
        until_tomorrow = int((today + timedelta(days=1) - now).total_seconds())
        if SmsCode.objects.filter(phone=phone, created_at__gte=today).count() >= settings.SMS_DAILY_LIMIT_PER_PHONE:
            raise RateLimited(
                _("该手机号今日获取验证码次数已达上限（%(limit)s次），请明天再试")
                % {"limit": settings.SMS_DAILY_LIMIT_PER_PHONE},
                code="daily_limit_phone", field="phone", retry_after=until_tomorrow,
            )
        if ip and SmsCode.objects.filter(requester_ip=ip, created_at__gte=today).count() >= settings.SMS_DAILY_LIMIT_PER_IP:
            raise RateLimited(
                _("当前网络今日获取验证码次数已达上限，请明天再试"),
                code="daily_limit_ip", retry_after=until_tomorrow,
            )
        # A new code replaces any earlier one for the same purpose.
        SmsCode.objects.filter(phone=phone, purpose=purpose, used_at=None, voided_at=None).update(
            voided_at=now, code_sealed=""
        )
        code = f"{secrets.randbelow(10**6):06d}"
        sms = SmsCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_hash(phone, purpose, code),
            created_at=now,
            expires_at=now + settings.SMS_CODE_TTL,
            requester_ip=ip,
            code_sealed=seal(code),
        )
        # ``queued`` tells the caller whether the gateway's task is on its way (None: the
        # publish waits for an outer transaction). When the broker is down the code stays
        # sealed in its row and the sweeper sends it once the broker is back.
        sms.queued = None

        def _publish() -> None:
            sms.queued = publish_code(sms.pk)

        transaction.on_commit(_publish, robust=True)
    return sms


def _no_live_code(*, phone: str, purpose: str) -> tuple[str, str]:
    """Why there is nothing to check against: the user can then tell a used code from a
    voided one from none at all."""
    latest = SmsCode.objects.filter(phone=phone, purpose=purpose).order_by("-created_at").first()
    if latest is None:
        return _("请先获取短信验证码"), "code_missing"
    if latest.used_at:
        return _("验证码已使用，请重新获取"), "code_used"
    if latest.failed_attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
        return _("验证码错误次数过多，已失效，请重新获取"), "code_void"
    return _("验证码已失效，请重新获取"), "code_void"


def check_code(*, phone: str, purpose: str, code: str) -> SmsCode:
    """Return the matching live code or raise a DomainError on field ``sms_code``."""
    code = (code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        sms = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at=None, voided_at=None)
            .order_by("-created_at")
            .first()
        )
        if sms is None:
            error, err_code = _no_live_code(phone=phone, purpose=purpose)
        elif sms.expires_at <= now:
            error, err_code = _("验证码已过期，请重新获取"), "code_expired"
        elif len(code) == 6 and code.isdigit() and constant_time_compare(_hash(phone, purpose, code), sms.code_hash):
            return sms
        else:
            sms.failed_attempts += 1
            left = settings.SMS_CODE_MAX_ATTEMPTS - sms.failed_attempts
            if left <= 0:
                sms.voided_at = now
                error, err_code = _("验证码错误次数过多，已失效，请重新获取"), "code_void"
            else:
                error, err_code = _("验证码错误，还可以尝试%(left)s次") % {"left": left}, "code_wrong"
            sms.save(update_fields=["failed_attempts", "voided_at"])
    raise DomainError(error, code=err_code, field="sms_code")


def consume_code(sms: SmsCode) -> None:
    """Mark a checked code used, inside the caller's transaction. A conditional update, so two
    requests racing with the same code cannot both succeed."""
    used = SmsCode.objects.filter(pk=sms.pk, used_at=None, voided_at=None).update(used_at=timezone.now(), code_sealed="")
    if not used:
        raise DomainError(_("验证码已使用或已失效，请重新获取"), code="code_used", field="sms_code")


def verify_code(*, phone: str, purpose: str, code: str) -> None:
    """Check and consume in one go, for flows with no business change to join (log-in)."""
    sms = check_code(phone=phone, purpose=purpose, code=code)
    with transaction.atomic():
        consume_code(sms)


# Purposes a person asks for before they are logged in, for a phone they type. Every other
# purpose confirms an action of a logged-in user and goes to that user's own phone.
ANONYMOUS_PURPOSES = frozenset({Purpose.REGISTER, Purpose.LOGIN, Purpose.RESET_PASSWORD})


def request_code_for(*, purpose: str, phone: str | None, user, ip: str | None) -> SmsCode:
    """The policy of the public send-code endpoints (pages and API) around ``request_code``:
    register only for a new phone, log-in and password reset only for a registered one, any
    other purpose only to the logged-in user's own phone, whatever phone was posted."""
    from django.contrib.auth import get_user_model

    if purpose not in Purpose.values:
        raise DomainError(_("未知的验证码用途"), code="invalid_purpose", field="purpose")
    if purpose in ANONYMOUS_PURPOSES:
        phone = (phone or "").strip()
        if not MAINLAND_MOBILE.match(phone):
            raise DomainError(_("请输入正确的11位手机号码"), code="invalid_phone", field="phone")
        accounts = get_user_model().objects.filter(phone=phone)
        if purpose == Purpose.REGISTER:
            if accounts.exists():
                raise DomainError(_("该手机号码已注册，请直接登录"), code="phone_taken", field="phone")
        elif not accounts.filter(is_active=True).exists():
            raise DomainError(_("该手机号码尚未注册"), code="phone_unknown", field="phone")
    else:
        if user is None or not user.is_authenticated:
            raise DomainError(_("请先登录后再获取验证码"), code="login_required")
        phone = user.phone
    return request_code(phone=phone, purpose=purpose, ip=ip)
