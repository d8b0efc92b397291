"""Identity writes (SPEC 2): registration, log-in, passwords, real-name verification and
enterprises. Pages, the API and the admin all call these; each refusal is a DomainError whose
``field`` names the input it is about.

SMS codes follow ``portal.verification.services``: ``check_code`` before the transaction (a
wrong guess must stay counted), ``consume_code`` inside it (used once, with the change).
"""

import secrets

from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework.authtoken.models import Token

from portal.accounts.authentication import hash_key
from portal.accounts.backends import check_login_allowed, failures_before_lock, record_login_attempt
from portal.accounts.models import (
    ApiToken,
    Enterprise,
    EnterpriseMembership,
    EnterpriseRelation,
    EnterpriseType,
    IdType,
    MembershipRequest,
    MembershipRequestStatus,
    User,
)
from portal.accounts.validators import (
    MAINLAND_MOBILE,
    id_number_problem,
    normalize_id_number,
    uscc_check_passes,
    validate_uscc_shape,
)
from portal.accounts.verifiers import get_verifier
from portal.audit.services import record
from portal.core.errors import DomainError
from portal.core.masking import mask_id_number, mask_name
from portal.core.middleware import client_ip
from portal.notifications.services import notify
from portal.verification.models import Purpose
from portal.verification.services import check_code, consume_code, verify_code


def _clean_phone(phone: str | None) -> str:
    phone = (phone or "").strip()
    if not MAINLAND_MOBILE.match(phone):
        raise DomainError(_("请输入正确的11位手机号码"), code="invalid_phone", field="phone")
    return phone


def _validate_password(password: str, user, *, field: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password", field=field) from None


# --- registration and log-in ---------------------------------------------------------------


def register_user(*, phone: str, password: str, sms_code: str) -> User:
    """Create an account for a phone proven by a code of purpose ``register``."""
    phone = _clean_phone(phone)
    _validate_password(password, User(phone=phone), field="password")
    # The code first: whether a phone is registered is told only to whoever holds it (a
    # registered phone was texted a notice, never a code that matches).
    sms = check_code(phone=phone, purpose=Purpose.REGISTER, code=sms_code)
    if User.objects.filter(phone=phone).exists():
        raise DomainError(_("该手机号码已注册，请直接登录"), code="phone_taken", field="phone")
    try:
        with transaction.atomic():
            user = User.objects.create_user(phone=phone, password=password)
            consume_code(sms)
            record(actor=user, action=gettext_noop("注册账号"), obj=user, subject=user)
            notify(user, "account.registered")
    except IntegrityError:  # the same phone registered a moment ago in another request
        raise DomainError(_("该手机号码已注册，请直接登录"), code="phone_taken", field="phone") from None
    return user


def _failed_password_message(*, phone: str, ip: str | None) -> str:
    left = failures_before_lock(phone=phone, ip=ip)
    if left <= 0:
        check_login_allowed(phone=phone, ip=ip)  # raises RateLimited: locked, and for how long
    if left <= 3:
        return _("手机号码或密码错误，再错误%(left)s次将暂时锁定登录") % {"left": max(left, 1)}
    return _("手机号码或密码错误")


def log_in_with_password(*, request: HttpRequest | None, phone: str, password: str) -> User:
    """The user for a correct phone and password; refuses while the phone or IP is locked."""
    phone = (phone or "").strip()
    ip = client_ip(request)
    check_login_allowed(phone=phone, ip=ip)
    # RateLimitedBackend records the attempt, successful or not.
    user = authenticate(request, phone=phone, password=password)
    if user is None:
        raise DomainError(_failed_password_message(phone=phone, ip=ip), code="bad_credentials")
    return user


def log_in_with_sms_code(*, request: HttpRequest | None, phone: str, sms_code: str) -> User:
    """The user for a phone and a code of purpose ``login``; failures count like wrong passwords."""
    phone = (phone or "").strip()
    ip = client_ip(request)
    check_login_allowed(phone=phone, ip=ip, method="sms")
    # The code first, for registered and unknown phones alike: the answer tells nothing about
    # whether the phone has an account (an unknown phone was texted a notice, never a code).
    try:
        verify_code(phone=phone, purpose=Purpose.LOGIN, code=sms_code)
    except DomainError:
        record_login_attempt(phone=phone, ip=ip, succeeded=False, method="sms")
        raise
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        record_login_attempt(phone=phone, ip=ip, succeeded=False, method="sms")
        raise DomainError(_("该手机号码尚未注册"), code="phone_unknown", field="phone")
    record_login_attempt(phone=phone, ip=ip, succeeded=True, method="sms")
    return user


class IssuedToken:
    """A new device token; ``key`` is shown once, the database keeps only its hash."""

    def __init__(self, key: str, token: ApiToken):
        self.key, self.token = key, token


def issue_api_token(*, user, request: HttpRequest | None = None) -> IssuedToken:
    """A new bearer token for one device of a user who just proved who they are."""
    from django.conf import settings

    key = secrets.token_hex(20)
    now = timezone.now()
    label = (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:100]
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_key(key),
        label=label,
        ip=client_ip(request),
        created_at=now,
        last_used_at=now,
        expires_at=now + min(settings.API_TOKEN_IDLE, settings.API_TOKEN_MAX_AGE),
    )
    update_last_login(User, user)
    return IssuedToken(key, token)


def revoke_api_token(*, user, token=None) -> None:
    """End one device's token (``token``), or every token of the user."""
    if token is not None:
        if (
            isinstance(token, ApiToken)
            and token.user_id == user.pk
            or isinstance(token, Token)
            and token.user_id == user.pk
        ):
            token.delete()
        return
    ApiToken.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()


def revoke_device(*, user, token_id: int) -> None:
    """The user ends a signed-in device from the list in account settings; audited."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if token is None:
            raise DomainError(_("该设备已退出登录"), code="not_found")
        label = token.label
        token.delete()
        record(
            actor=user,
            action=gettext_noop("退出设备登录"),
            obj=user,
            subject=user,
            changes={"device": [label[:60], ""]},
        )


# --- passwords -----------------------------------------------------------------------------


def reset_password(*, phone: str, sms_code: str, new_password: str) -> User:
    """Set a new password for a phone proven by a code of purpose ``reset_password``. Every
    session (their hash changes) and the API token end."""
    phone = _clean_phone(phone)
    sms = check_code(phone=phone, purpose=Purpose.RESET_PASSWORD, code=sms_code)  # first: see log-in
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        raise DomainError(_("该手机号码尚未注册"), code="phone_unknown", field="phone")
    _validate_password(new_password, user, field="new_password")
    with transaction.atomic():
        consume_code(sms)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoke_api_token(user=user)
        record(actor=user, action=gettext_noop("找回密码"), obj=user, subject=user)
        notify(user, "account.password_changed")
    return user


def change_password(*, user, old_password: str, new_password: str) -> None:
    """Replace the password after checking the old one. Other sessions end (Django checks the
    password hash on every request); the caller keeps its own session with
    ``update_session_auth_hash`` or hands out a new API token."""
    if not user.check_password(old_password or ""):
        raise DomainError(_("原密码不正确"), code="wrong_password", field="old_password")
    if old_password == new_password:
        raise DomainError(_("新密码不能与原密码相同"), code="same_password", field="new_password")
    _validate_password(new_password, user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoke_api_token(user=user)
        record(actor=user, action=gettext_noop("修改密码"), obj=user, subject=user)
        notify(user, "account.password_changed")


def update_email(*, user, email: str) -> None:
    email = (email or "").strip()
    if email == user.email:
        return
    try:
        User._meta.get_field("email").clean(email, user)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_email", field="email") from None
    with transaction.atomic():
        before = user.email
        user.email = email
        user.save(update_fields=["email"])
        record(
            actor=user, action=gettext_noop("修改电子邮箱"), obj=user, subject=user, changes={"email": [before, email]}
        )


# --- real-name verification ----------------------------------------------------------------


def verify_real_name(*, user, name: str, id_type: str, id_number: str) -> User:
    """Check the identity with the configured verifier and fix it on the account. Once
    verified, name and ID can no longer be changed by the user; one identity, one account."""
    if user.is_real_name_verified:
        raise DomainError(_("您已完成实名认证，无需重复认证"), code="already_verified")
    name = (name or "").strip()
    number = normalize_id_number(id_number)
    if not name:
        raise DomainError(_("请输入姓名"), code="name_required", field="name")
    if id_type not in IdType.values:
        raise DomainError(_("请选择证件类型"), code="invalid_id_type", field="id_type")
    problem = id_number_problem(id_type, number)
    if problem:
        raise DomainError(problem, code="invalid_id_number", field="id_number")
    taken = _("该证件已被其他账号实名认证；如非本人操作，请拨打95598")
    if (
        User.objects.filter(id_type=id_type, id_number=number, real_name_verified_at__isnull=False)
        .exclude(pk=user.pk)
        .exists()
    ):
        raise DomainError(taken, code="identity_taken", field="id_number")
    # Outside the transaction: the verifier may call a remote service.
    get_verifier().verify(name=name, id_type=id_type, id_number=number)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            if locked.is_real_name_verified:
                raise DomainError(_("您已完成实名认证，无需重复认证"), code="already_verified")
            locked.name, locked.id_type, locked.id_number, locked.real_name_verified_at = name, id_type, number, now
            locked.save(update_fields=["name", "id_type", "id_number", "real_name_verified_at"])
            record(
                actor=locked,
                action=gettext_noop("实名认证"),
                obj=locked,
                subject=locked,
                changes={
                    "name": ["", mask_name(name)],
                    "id_type": ["", str(IdType(id_type).label)],
                    "id_number": ["", mask_id_number(number)],
                },
            )
            notify(locked, "account.real_name_verified")
    except IntegrityError:  # the DB constraint: verified a moment ago by another account
        raise DomainError(taken, code="identity_taken", field="id_number") from None
    user.name, user.id_type, user.id_number, user.real_name_verified_at = name, id_type, number, now
    return user


# --- enterprises ---------------------------------------------------------------------------


def _require_real_name(user) -> None:
    if not user.is_real_name_verified:
        raise DomainError(_("请先完成实名认证"), code="real_name_required")


def is_legal_representative(user, enterprise: Enterprise) -> bool:
    """The user's verified identity is the enterprise's legal representative's."""
    return (
        user.is_real_name_verified
        and user.name.strip() == (enterprise.legal_rep_name or "").strip()
        and user.id_type == enterprise.legal_rep_id_type
        and user.id_number == normalize_id_number(enterprise.legal_rep_id_number)
    )


def _attorney_required() -> DomainError:
    return DomainError(
        _("您的实名信息与该企业的法定代表人不一致，将作为经办人办理，请上传法定代表人签署的授权委托书"),
        code="power_of_attorney_required",
        field="power_of_attorney",
    )


def _clean_credit_code(credit_code: str) -> str:
    code = (credit_code or "").strip().upper()
    try:
        validate_uscc_shape(code)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_uscc", field="credit_code") from None
    return code


CREDIT_CODE_WARNING = gettext_noop(
    "该统一社会信用代码的校验位与计算结果不符。部分早期代码无法通过校验，请对照营业执照核对；"
    "确认无误后请勾选“我已核对，信用代码无误”再提交。"
)


def register_enterprise(
    *,
    user,
    name: str,
    credit_code: str,
    enterprise_type: str,
    legal_rep_name: str,
    legal_rep_id_type: str,
    legal_rep_id_number: str,
    registered_address: str = "",
    credit_code_confirmed: bool = False,
    power_of_attorney=None,
) -> EnterpriseMembership | MembershipRequest:
    """Register an enterprise and bind the user to it as legal representative when their
    verified identity is the one given for it; otherwise the user asks, with a power of
    attorney, to be its agent and staff review the request (nobody else can yet).
    A credit code failing its GB 32100 check character is kept only when the user confirmed it."""
    _require_real_name(user)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请输入企业名称"), code="name_required", field="name")
    code = _clean_credit_code(credit_code)
    check_passed = uscc_check_passes(code)
    if not check_passed and not credit_code_confirmed:
        raise DomainError(_(CREDIT_CODE_WARNING), code="credit_code_unconfirmed", field="credit_code_confirmed")
    if Enterprise.objects.filter(credit_code=code).exists():
        raise DomainError(
            _("该统一社会信用代码的企业已登记，请选择绑定"), code="enterprise_exists", field="credit_code"
        )
    if enterprise_type not in EnterpriseType.values:
        raise DomainError(_("请选择企业类型"), code="invalid_enterprise_type", field="enterprise_type")
    legal_rep_name = (legal_rep_name or "").strip()
    if not legal_rep_name:
        raise DomainError(_("请输入法定代表人姓名"), code="legal_rep_name_required", field="legal_rep_name")
    if legal_rep_id_type not in IdType.values:
        raise DomainError(_("请选择证件类型"), code="invalid_id_type", field="legal_rep_id_type")
    rep_number = normalize_id_number(legal_rep_id_number)
    problem = id_number_problem(legal_rep_id_type, rep_number)
    if problem:
        raise DomainError(problem, code="invalid_id_number", field="legal_rep_id_number")
    enterprise = Enterprise(
        name=name,
        credit_code=code,
        credit_code_check_passed=check_passed,
        enterprise_type=enterprise_type,
        legal_rep_name=legal_rep_name,
        legal_rep_id_type=legal_rep_id_type,
        legal_rep_id_number=rep_number,
        registered_address=(registered_address or "").strip(),
        created_by=user,
    )
    relation = (
        EnterpriseRelation.LEGAL_REPRESENTATIVE
        if is_legal_representative(user, enterprise)
        else EnterpriseRelation.AGENT
    )
    if relation == EnterpriseRelation.AGENT and not power_of_attorney:
        raise _attorney_required()
    try:
        with transaction.atomic():
            enterprise.save()
            record(
                actor=user,
                action=gettext_noop("登记企业"),
                obj=enterprise,
                subject=user,
                changes={
                    "credit_code": ["", code],
                    "credit_code_check_passed": [None, check_passed],
                    "relation": ["", str(EnterpriseRelation(relation).label)],
                },
            )
            if relation == EnterpriseRelation.AGENT:
                # A new enterprise has nobody who could approve an agent: staff review the letter.
                return _request_membership(user=user, enterprise=enterprise, power_of_attorney=power_of_attorney)
            return _bind(user=user, enterprise=enterprise, relation=relation)
    except IntegrityError:
        raise DomainError(
            _("该统一社会信用代码的企业已登记，请选择绑定"), code="enterprise_exists", field="credit_code"
        ) from None


def bind_enterprise(*, user, credit_code: str, power_of_attorney=None) -> EnterpriseMembership | MembershipRequest:
    """Bind the user to an enterprise already registered. The legal representative (their
    verified identity is the one on record) is bound at once; anyone else gets a pending
    request with their power of attorney, which grants nothing until approved."""
    _require_real_name(user)
    code = (credit_code or "").strip().upper()
    if not code:
        raise DomainError(_("请输入统一社会信用代码"), code="credit_code_required", field="credit_code")
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise DomainError(
            _("未找到该统一社会信用代码的企业，请核对，或先登记企业"), code="enterprise_not_found", field="credit_code"
        )
    already = DomainError(_("您已绑定该企业"), code="already_bound", field="credit_code")
    if EnterpriseMembership.objects.filter(user=user, enterprise=enterprise).exists():
        raise already
    if is_legal_representative(user, enterprise):
        try:
            with transaction.atomic():
                membership = _bind(user=user, enterprise=enterprise, relation=EnterpriseRelation.LEGAL_REPRESENTATIVE)
                record(
                    actor=user,
                    action=gettext_noop("绑定企业"),
                    obj=enterprise,
                    subject=user,
                    changes={"relation": ["", str(EnterpriseRelation.LEGAL_REPRESENTATIVE.label)]},
                )
        except IntegrityError:  # a double submit: the first one bound it
            raise already from None
        return membership
    if not power_of_attorney:
        raise _attorney_required()
    pending = MembershipRequest.objects.filter(user=user, enterprise=enterprise, status=MembershipRequestStatus.PENDING)
    if pending.exists():
        raise _already_requested()
    try:
        with transaction.atomic():
            return _request_membership(user=user, enterprise=enterprise, power_of_attorney=power_of_attorney)
    except IntegrityError:  # a double submit: the first one asked
        raise _already_requested() from None


def _already_requested() -> DomainError:
    return DomainError(_("您已申请绑定该企业，请等待企业或供电公司审核"), code="already_requested", field="credit_code")


def _bind(*, user, enterprise: Enterprise, relation: str, power_of_attorney=None) -> EnterpriseMembership:
    membership = EnterpriseMembership.objects.create(
        user=user, enterprise=enterprise, relation=relation, power_of_attorney=power_of_attorney
    )
    notify(user, "enterprise.bound", {"enterprise": enterprise.name, "relation": membership.get_relation_display()})
    return membership


def approvers_of(enterprise: Enterprise):
    """Who may approve an agent for the enterprise: its members, each with a verified identity."""
    return User.objects.filter(
        memberships__enterprise=enterprise, is_active=True, real_name_verified_at__isnull=False
    ).distinct()


def _request_membership(*, user, enterprise: Enterprise, power_of_attorney) -> MembershipRequest:
    from portal.documents.services import store_upload

    # A refused file raises here and rolls back the caller's transaction with it.
    document = store_upload(
        upload=power_of_attorney,
        doc_type="power_of_attorney",
        owner_enterprise=enterprise,
        uploaded_by=user,
        field="power_of_attorney",
    )
    request = MembershipRequest.objects.create(user=user, enterprise=enterprise, power_of_attorney=document)
    record(
        actor=user,
        action=gettext_noop("申请绑定企业"),
        obj=enterprise,
        subject=user,
        changes={"relation": ["", str(EnterpriseRelation.AGENT.label)], "status": ["", "待审核"]},
    )
    context = {"enterprise": enterprise.name, "requester": mask_name(user.name), "pk": enterprise.pk}
    for approver in approvers_of(enterprise):
        notify(approver, "enterprise.membership_requested", context)
    return request


def can_decide_membership(*, user, membership_request: MembershipRequest) -> bool:
    """Staff allowed to review requests in the admin, or a verified member of the enterprise
    (never the requester)."""
    if not user.is_authenticated or user.pk == membership_request.user_id:
        return False
    if user.is_staff and user.has_perm("accounts.change_membershiprequest"):
        return True
    return approvers_of(membership_request.enterprise).filter(pk=user.pk).exists()


def decide_membership_request(
    *, membership_request: MembershipRequest, by, approve: bool, reason: str = ""
) -> MembershipRequest:
    """Approve (the agent becomes a member) or refuse a pending request; audited, and the
    requester is told."""
    if not can_decide_membership(user=by, membership_request=membership_request):
        raise DomainError(_("您无权审核该企业的绑定申请"), code="not_allowed")
    reason = (reason or "").strip()[:200]
    if not approve and not reason:
        raise DomainError(_("请填写拒绝的原因"), code="reason_required", field="reason")
    with transaction.atomic():
        locked = (
            MembershipRequest.objects.select_for_update()
            .select_related("enterprise", "user")
            .get(pk=membership_request.pk)
        )
        if locked.status != MembershipRequestStatus.PENDING:
            raise DomainError(_("该申请已审核"), code="already_decided")
        locked.status = MembershipRequestStatus.APPROVED if approve else MembershipRequestStatus.REFUSED
        locked.decided_by, locked.decided_at, locked.reason = by, timezone.now(), reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        enterprise = locked.enterprise
        if approve:
            EnterpriseMembership.objects.get_or_create(
                user=locked.user,
                enterprise=enterprise,
                defaults={"relation": EnterpriseRelation.AGENT, "power_of_attorney": locked.power_of_attorney},
            )
        record(
            actor=by,
            action=gettext_noop("批准企业绑定") if approve else gettext_noop("拒绝企业绑定"),
            obj=enterprise,
            subject=locked.user,
            changes={
                "status": ["待审核", "已批准" if approve else "已拒绝"],
                **({"reason": ["", reason]} if reason else {}),
            },
        )
        notify(
            locked.user,
            "enterprise.membership_decided",
            {
                "enterprise": enterprise.name,
                "result": "已批准" if approve else "未获批准",
                "reason": f"原因：{reason}" if reason and not approve else "",
            },
        )
    return locked
