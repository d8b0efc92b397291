"""Writes on the customer's side of the registry: binding accounts (户号绑定) and the account
numbers followed for outage notices (停电信息). Pages and the API both call these."""

from __future__ import annotations

import re
from typing import cast

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from applications.models import AccountBinding, AccountStatus, OutageWatch, ServiceAccount
from portal.accounts.models import EnterpriseMembership
from portal.audit.services import record
from portal.core.errors import DomainError
from portal.verification.models import Purpose, SmsCode
from portal.verification.services import check_code, consume_code, request_code

ACCOUNT_NUMBER = re.compile(r"^\d{10}$")
MAX_OUTAGE_WATCHES = 20


def _clean_number(number: str | None) -> str:
    # People copy the number from a paper bill: spaces and dashes are not part of it.
    return re.sub(r"[\s-]", "", number or "")


def find_account(number: str | None, *, field: str = "number") -> ServiceAccount:
    """The account with this number, or a DomainError on ``field`` that says what is wrong."""
    number = _clean_number(number)
    if not number:
        raise DomainError(_("请输入用电户号"), code="required", field=field)
    if not ACCOUNT_NUMBER.match(number):
        raise DomainError(_("户号为10位数字，请核对电费单上的户号"), code="invalid_number", field=field)
    account = (
        ServiceAccount.objects.select_related("region__parent__parent", "holder_enterprise")
        .filter(number=number)
        .first()
    )
    if account is None:
        raise DomainError(_("户号不存在，请核对电费单上的10位户号"), code="account_not_found", field=field)
    return account


# --- binding ----------------------------------------------------------------------------------


def binding_route(*, user, account: ServiceAccount) -> str | None:
    """How the user may bind without a code: their verified ID is the holder's, or they act for
    the holder enterprise. None means an SMS code to the account's registered phone is needed."""
    holder_id = (account.holder_id_number or "").strip().upper()
    if user.is_real_name_verified and user.id_number and user.id_number.strip().upper() == holder_id:
        return AccountBinding.Via.HOLDER_ID
    memberships = EnterpriseMembership.objects.filter(user=user)
    if account.holder_enterprise_id and memberships.filter(enterprise_id=account.holder_enterprise_id).exists():
        return AccountBinding.Via.ENTERPRISE
    # Accounts imported before the enterprise registered on the portal carry only its credit code.
    if holder_id and memberships.filter(enterprise__credit_code=holder_id).exists():
        return AccountBinding.Via.ENTERPRISE
    return None


def _bindable(*, user, number: str | None) -> tuple[ServiceAccount | None, str | None]:
    """The account and how the user binds it without a code, or (None, None) when a code is
    needed. An account the user cannot bind without a code is not revealed: unknown, closed or
    someone else's, the answer is the same (issue 7)."""
    if not user.is_real_name_verified:
        raise DomainError(_("绑定户号前请先完成实名认证"), code="real_name_required")
    try:
        account = find_account(number)
    except DomainError as exc:
        if exc.code != "account_not_found":
            raise  # empty or malformed: says nothing about any account
        return None, None
    if AccountBinding.objects.filter(user=user, account=account).exists():
        raise DomainError(
            _("户号 %(number)s 已绑定到您的账号") % {"number": account.number}, code="already_bound", field="number"
        )
    route = binding_route(user=user, account=account)
    if route is None:
        return account, None
    if account.status == AccountStatus.CLOSED:
        raise DomainError(_("该户号已销户，不能绑定"), code="account_closed", field="number")
    return account, route


def check_bindable(*, user, number: str | None) -> tuple[ServiceAccount | None, str | None]:
    """(account, route) when the user binds it at once; (None, None) when the code sent to the
    account's registered phone is needed (nothing more is told); or the reason it cannot be."""
    account, route = _bindable(user=user, number=number)
    return (account, route) if route is not None else (None, None)


def _code_wait_key(user, number: str | None, purpose: str) -> str:
    return f"{purpose}-code:{user.pk}:{_clean_number(number)}"


def _send_account_code(*, user, number: str | None, account: ServiceAccount | None, purpose: str, ip) -> None:
    """Send a code for ``purpose`` to the account's registered phone when there is such an open
    account with a phone. Whether there is or not, the asker gets the same answer and the same
    60-second rule per (user, number), and never sees the phone (issue 7)."""
    from django.conf import settings
    from django.core.cache import cache

    from portal.core.errors import RateLimited

    wait = int(settings.SMS_CODE_RESEND_AFTER.total_seconds())
    key = _code_wait_key(user, number, purpose)
    try:
        if not cache.add(key, timezone.now().timestamp(), wait):
            sent_at = cache.get(key) or timezone.now().timestamp()
            left = max(int(sent_at + wait - timezone.now().timestamp()) + 1, 1)
            raise RateLimited(
                _("验证码已发送，请%(seconds)s秒后再重新获取") % {"seconds": left},
                code="resend_too_soon",
                field="number",
                retry_after=left,
            )
    except RateLimited:
        raise
    except Exception:
        pass
    if account is None or account.status == AccountStatus.CLOSED or not account.registered_phone:
        return
    try:
        request_code(phone=account.registered_phone, purpose=purpose, ip=ip)
    except RateLimited as exc:
        if exc.code == "daily_limit_ip":
            raise  # about the asker's network, not the account
        # Other limits are the phone's: telling them would tell that the account exists.


def request_bind_code(*, user, number: str | None, ip: str | None) -> None:
    """Send a code (purpose bind_account) to the account's registered phone, if there is such an
    account with such a phone that may be bound that way. The answer is the same either way and
    shows no phone: neither the number's existence nor its holder's phone is the asker's to see."""
    account, route = _bindable(user=user, number=number)
    if route is not None:
        raise DomainError(_("您的实名信息与该户号一致，无需验证码，可直接绑定"), code="code_not_needed", field="number")
    _send_account_code(user=user, number=number, account=account, purpose=Purpose.BIND_ACCOUNT, ip=ip)


_BIND_REFUSED = gettext_noop("户号或验证码不正确，请核对户号并获取验证码后重试")


def bind_account(*, user, number: str | None, sms_code: str = "") -> AccountBinding:
    """Bind an account to the user: at once when the holder is the user or their enterprise,
    otherwise with the code sent to the account's registered phone. Every failure of the code
    route answers alike, so it reveals nothing about the number."""
    account, route = _bindable(user=user, number=number)
    sms: SmsCode | None = None
    if route is None:
        if not (sms_code or "").strip():
            raise DomainError(_("请输入发送至户号预留手机的验证码"), code="sms_code_required", field="sms_code")
        if account is None or account.status == AccountStatus.CLOSED or not account.registered_phone:
            raise DomainError(_(_BIND_REFUSED), code="bind_refused", field="sms_code")
        # Outside the transaction: a wrong guess must count even though the binding fails.
        try:
            sms = check_code(phone=account.registered_phone, purpose=Purpose.BIND_ACCOUNT, code=sms_code)
        except DomainError:
            raise DomainError(_(_BIND_REFUSED), code="bind_refused", field="sms_code") from None
        route = AccountBinding.Via.SMS
    try:
        with transaction.atomic():
            if sms is not None:
                consume_code(sms)
            assert account is not None  # every route above has found the account
            binding = AccountBinding.objects.create(user=user, account=account, via=route)
            record(
                actor=user,
                action=gettext_noop("绑定户号"),
                obj=account,
                subject=user,
                changes={"binding": ["", binding.get_via_display()]},
            )
    except IntegrityError:
        # A double submit: the other request bound it a moment ago.
        binding = AccountBinding.objects.get(user=user, account=account)
    return binding


def unbind_account(*, user, number: str) -> None:
    """Remove the user's binding of an account (the account itself is untouched)."""
    with transaction.atomic():
        binding = (
            AccountBinding.objects.select_for_update()
            .select_related("account")
            .filter(user=user, account__number=_clean_number(number))
            .first()
        )
        if binding is None:
            raise DomainError(_("您没有绑定这个户号"), code="not_bound", field="number")
        account = binding.account
        via = binding.get_via_display()
        binding.delete()
        record(
            actor=user, action=gettext_noop("解除绑定户号"), obj=account, subject=user, changes={"binding": [via, ""]}
        )


# --- outage notices ------------------------------------------------------------------------------


def _watch_count_check(user) -> None:
    if OutageWatch.objects.filter(user=user).count() >= MAX_OUTAGE_WATCHES:
        raise DomainError(
            _("最多关注 %(n)s 个户号，请先移除不再需要的户号") % {"n": MAX_OUTAGE_WATCHES},
            code="too_many_watches",
            field="number",
        )


def may_watch_without_code(*, user, account: ServiceAccount) -> bool:
    """The user has shown they may know where the account is: it is bound to them, or they are
    its holder by verified ID or act for its holder enterprise (the routes that bind at once)."""
    return (
        AccountBinding.objects.filter(user=user, account=account).exists()
        or binding_route(user=user, account=account) is not None
    )


def _watchable(*, user, number: str | None) -> tuple[ServiceAccount | None, bool]:
    """(account, True) when the user adds the number at once; (account or None, False) when the
    code sent to the account's registered phone is needed. Unknown, closed and other people's
    numbers all end in the code step, so nothing about them is told before the code (issue 7).
    Only what the asker already knows or what concerns their own list is an error here."""
    try:
        account = find_account(number)
    except DomainError as exc:
        if exc.code != "account_not_found":
            raise  # empty or malformed: says nothing about any account
        account = None
    if account is not None and OutageWatch.objects.filter(user=user, account=account).exists():
        # Added after proof earlier: the number is known to the asker.
        raise DomainError(
            _("户号 %(number)s 已在关注列表中") % {"number": account.number}, code="already_watched", field="number"
        )
    _watch_count_check(user)
    if account is None or not may_watch_without_code(user=user, account=account):
        return account, False
    if account.status == AccountStatus.CLOSED:
        raise DomainError(_("该户号已销户，无需关注停电信息"), code="account_closed", field="number")
    return account, True


def check_watchable(*, user, number: str | None) -> bool:
    """True when the user adds the number at once; False when the code sent to the account's
    registered phone is needed (nothing more is told); or the reason it cannot be added."""
    return _watchable(user=user, number=number)[1]


def request_watch_code(*, user, number: str | None, ip: str | None) -> None:
    """Send a code (purpose watch_outage) to the registered phone of the account to be watched.
    Same answer whether the number exists, is closed or is someone else's; the phone is not shown."""
    account, proven = _watchable(user=user, number=number)
    if proven:
        raise DomainError(_("该户号已绑定到您的账号，无需验证码，可直接添加"), code="code_not_needed", field="number")
    _send_account_code(user=user, number=number, account=account, purpose=Purpose.WATCH_OUTAGE, ip=ip)


_WATCH_REFUSED = gettext_noop("户号或验证码不正确，请核对户号并获取验证码后重试")


def add_outage_watch(*, user, number: str | None, sms_code: str = "") -> OutageWatch:
    """确认添加: follow the outages of an account's area. A number bound to the user (or whose
    holder they are, or their enterprise) is added at once; any other needs the code sent to the
    account's registered phone, since a watch shows where the account is. Before the code is
    confirmed, unknown, closed and existing numbers get the same answer."""
    account, proven = _watchable(user=user, number=number)
    sms: SmsCode | None = None
    if not proven:
        if not (sms_code or "").strip():
            raise DomainError(_("请输入发送至户号预留手机的验证码"), code="sms_code_required", field="sms_code")
        if account is None or account.status == AccountStatus.CLOSED or not account.registered_phone:
            raise DomainError(_(_WATCH_REFUSED), code="watch_refused", field="sms_code")
        # Outside the transaction: a wrong guess must count even though nothing is added.
        try:
            sms = check_code(phone=account.registered_phone, purpose=Purpose.WATCH_OUTAGE, code=sms_code)
        except DomainError:
            raise DomainError(_(_WATCH_REFUSED), code="watch_refused", field="sms_code") from None
    assert account is not None  # both routes above have found the account
    with transaction.atomic():
        # Serialise one user's additions so the limit holds under a double submit.
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        if OutageWatch.objects.filter(user=user, account=account).exists():
            raise DomainError(
                _("户号 %(number)s 已在关注列表中") % {"number": account.number}, code="already_watched", field="number"
            )
        _watch_count_check(user)
        if sms is not None:
            consume_code(sms)
        return OutageWatch.objects.create(user=user, account=account)


def remove_outage_watch(*, user, number: str) -> None:
    deleted, _unused = OutageWatch.objects.filter(user=user, account__number=_clean_number(number)).delete()
    if not deleted:
        raise DomainError(_("关注列表中没有这个户号"), code="not_watched", field="number")


# --- backoffice ----------------------------------------------------------------------------------


def save_account_by_staff(*, account: ServiceAccount, changed_fields: list[str], by) -> None:
    """Save an account edited in the admin: each changed field goes to the account's history
    (effective today) and to the audit trail."""
    from django.utils import timezone

    from applications.models import AccountChange

    with transaction.atomic():
        if account.pk is None:
            account.save()
            record(actor=by, action=gettext_noop("新建用电户号"), obj=account)
            return
        before = ServiceAccount.objects.select_for_update().get(pk=account.pk)
        account.save()
        now = timezone.now()
        changes = {}
        for name in changed_fields:
            attname = cast(Field, account._meta.get_field(name)).attname
            old, new = getattr(before, attname), getattr(account, attname)
            if old == new:
                continue
            changes[name] = [_as_text(old), _as_text(new)]
            AccountChange.objects.create(
                account=account,
                field=name,
                old_value=_as_text(old)[:200],
                new_value=_as_text(new)[:200],
                effective_on=now.date(),
                applied_at=now,
                changed_by=by,
                reason=_("后台修改"),
            )
        if changes:
            record(actor=by, action=gettext_noop("修改用电户号"), obj=account, changes=changes)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
