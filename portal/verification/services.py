"""SMS verification codes, exactly the rules of SPEC 7.

6 digits, valid 5 minutes, single use, bound to a purpose; one send per 60 s and a daily cap per
phone, purpose and requesting IP, and a daily cap per IP; void after 5 wrong entries; stored
hashed; compared in constant time.

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
from portal.verification.outbox import NOTICE_PREFIX, publish_code, seal


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


def _known_source(*, phone: str, ip: str) -> bool:
    """The phone's owner logged in from this network before: their requests are never crowded out."""
    from portal.accounts.models import LoginAttempt

    since = timezone.now() - timedelta(days=90)
    return LoginAttempt.objects.filter(phone=phone, ip=ip, succeeded=True, at__gte=since).exists()


def request_code(*, phone: str, purpose: str, ip: str | None, notice: str = "") -> SmsCode:
    """Create a code and queue its text message. Refusals say why and when to retry.

    Limits are per purpose and per requester (the IP asking): strangers asking for codes to
    someone's phone use up their own allowance, not the owner's, so the owner's log-in and
    submit codes always have room. ``notice`` (a short text) is sent instead of a code for a
    request that cannot be served (a register code for a registered phone): it is counted and
    answered exactly like one that can, and no code it sends can ever match."""
    if not MAINLAND_MOBILE.match(phone or ""):
        raise DomainError(_("请输入正确的11位手机号码"), code="invalid_phone", field="phone")
    if purpose not in Purpose.values:
        raise DomainError(_("未知的验证码用途"), code="invalid_purpose")
    now = timezone.now()
    with transaction.atomic():
        _lock_phone(phone)
        mine = SmsCode.objects.filter(phone=phone, purpose=purpose)
        if ip:
            mine = mine.filter(requester_ip=ip)
        last = mine.order_by("-created_at").values_list("created_at", flat=True).first()
        if last and now - last < settings.SMS_CODE_RESEND_AFTER:
            wait = int((last + settings.SMS_CODE_RESEND_AFTER - now).total_seconds()) + 1
            raise RateLimited(
                _("验证码已发送，请%(seconds)s秒后再重新获取") % {"seconds": wait},
                code="resend_too_soon",
                field="phone",
                retry_after=wait,
            )
        today = _start_of_today(now)
        until_tomorrow = int((today + timedelta(days=1) - now).total_seconds())
        if mine.filter(created_at__gte=today).count() >= settings.SMS_DAILY_LIMIT_PER_PHONE:
            raise RateLimited(
                _("该手机号今日获取验证码次数已达上限（%(limit)s次），请明天再试")
                % {"limit": settings.SMS_DAILY_LIMIT_PER_PHONE},
                code="daily_limit_phone",
                field="phone",
                retry_after=until_tomorrow,
            )
        if (
            ip
            and purpose in ANONYMOUS_PURPOSES
            and not _known_source(phone=phone, ip=ip)
            and SmsCode.objects.filter(phone=phone, purpose=purpose, created_at__gte=today).count()
            >= settings.SMS_DAILY_LIMIT_PER_PHONE_ALL_REQUESTERS
        ):
            # Against text-bombing from many networks; the owner's own networks are exempt.
            raise RateLimited(
                _("该手机号今日获取验证码次数已达上限，请明天再试；本人可使用密码登录"),
                code="daily_limit_phone",
                field="phone",
                retry_after=until_tomorrow,
            )
        if (
            ip
            and SmsCode.objects.filter(requester_ip=ip, created_at__gte=today).count()
            >= settings.SMS_DAILY_LIMIT_PER_IP
        ):
            raise RateLimited(
                _("当前网络今日获取验证码次数已达上限，请明天再试"),
                code="daily_limit_ip",
                retry_after=until_tomorrow,
            )
        # A new code replaces the requester's earlier one for the same purpose; a stranger's
        # request does not void the code the owner is about to type.
        mine.filter(used_at=None, voided_at=None).update(voided_at=now, code_sealed="")
        code = f"{secrets.randbelow(10**6):06d}"
        sms = SmsCode.objects.create(
            phone=phone,
            purpose=purpose,
            # A notice's hash is of a value no six-digit entry can equal.
            code_hash=_hash(phone, purpose, code if not notice else secrets.token_hex(16)),
            created_at=now,
            expires_at=now + settings.SMS_CODE_TTL,
            requester_ip=ip,
            code_sealed=seal(code if not notice else f"{NOTICE_PREFIX}{notice}"),
        )
        # ``queued`` tells the caller whether the gateway's task is on its way (None: the
        # publish waits for an outer transaction). When the broker is down the code stays
        # sealed in its row and the sweeper sends it once the broker is back.
        sms.queued = None  # type: ignore[attr-defined]

        def _publish() -> None:
            sms.queued = publish_code(sms.pk)  # type: ignore[attr-defined]

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
    """Return the matching live code or raise a DomainError on field ``sms_code``. Several
    requesters may hold live codes for one phone; a wrong entry counts against all of them, so
    the five-guess budget is the phone's, not each code's."""
    code = (code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        live = list(
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at=None, voided_at=None)
            .order_by("-created_at")[:20]
        )
        current = [sms for sms in live if sms.expires_at > now]
        well_formed = len(code) == 6 and code.isdigit()
        for sms in current:
            if well_formed and constant_time_compare(_hash(phone, purpose, code), sms.code_hash):
                return sms
        if not live:
            error, err_code = _no_live_code(phone=phone, purpose=purpose)
        elif not current:
            error, err_code = _("验证码已过期，请重新获取"), "code_expired"
        else:
            attempts = max(sms.failed_attempts for sms in current) + 1
            left = settings.SMS_CODE_MAX_ATTEMPTS - attempts
            SmsCode.objects.filter(pk__in=[sms.pk for sms in current]).update(failed_attempts=attempts)
            if left <= 0:
                SmsCode.objects.filter(pk__in=[sms.pk for sms in current]).update(voided_at=now, code_sealed="")
                error, err_code = _("验证码错误次数过多，已失效，请重新获取"), "code_void"
            else:
                error, err_code = _("验证码错误，还可以尝试%(left)s次") % {"left": left}, "code_wrong"
    raise DomainError(error, code=err_code, field="sms_code")


def consume_code(sms: SmsCode) -> None:
    """Mark a checked code used, inside the caller's transaction. A conditional update, so two
    requests racing with the same code cannot both succeed."""
    live = SmsCode.objects.filter(pk=sms.pk, used_at=None, voided_at=None)
    used = live.update(used_at=timezone.now(), code_sealed="")
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
    a register code only for a new phone, log-in and password reset codes only for a registered
    one (otherwise a notice, answered the same), any other purpose only to the logged-in user's
    own phone, whatever phone was posted."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import override

    if purpose not in Purpose.values:
        raise DomainError(_("未知的验证码用途"), code="invalid_purpose", field="purpose")
    if purpose in ANONYMOUS_PURPOSES:
        phone = (phone or "").strip()
        if not MAINLAND_MOBILE.match(phone):
            raise DomainError(_("请输入正确的11位手机号码"), code="invalid_phone", field="phone")
        # Registered or not, the answer and the counting are the same: the phone's owner gets a
        # text saying why no code came, and the person asking learns nothing.
        registered = get_user_model().objects.filter(phone=phone, is_active=True).exists()
        notice = ""
        with override(settings.LANGUAGE_CODE):  # the text goes out in Chinese whoever asked
            if purpose == Purpose.REGISTER and get_user_model().objects.filter(phone=phone).exists():
                notice = _(
                    "该手机号已注册网上供电营业厅，请直接登录；如忘记密码，请使用“找回密码”。如非本人操作，请忽略"
                )
            elif purpose != Purpose.REGISTER and not registered:
                notice = _("该手机号尚未注册网上供电营业厅，无法登录或找回密码。如非本人操作，请忽略")
        return request_code(phone=phone, purpose=purpose, ip=ip, notice=notice)
    if user is None or not user.is_authenticated:
        raise DomainError(_("请先登录后再获取验证码"), code="login_required")
    return request_code(phone=user.phone, purpose=purpose, ip=ip)
