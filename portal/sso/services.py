"""Government single sign-on writes: consent, linking, log-in, withdrawal, and the record of
every refusal. Views call these; each refusal is an ``SsoRefused`` whose message the user reads
and whose ``code`` goes into the audit trail.

Linking rule (issue 11): the government identity is real-name verified upstream. It is linked
to the portal account with the same verified ID number (the names must agree) or, failing that,
to the account registered with the same mobile (which must not be verified as someone else).
Never to a different person: a disagreement is refused and recorded against the account it
protected."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.accounts.models import IdType
from portal.accounts.validators import MAINLAND_MOBILE, id_number_problem, normalize_id_number
from portal.audit.models import AuditKind
from portal.audit.services import record
from portal.core.errors import DomainError
from portal.core.masking import mask_id_number, mask_name, mask_phone
from portal.sso.models import Consent, GovIdentity, RealNameSource, RealNameVerification
from portal.sso.providers import Provider

User = get_user_model()

# Raise the version whenever the wording of templates/sso/consent.html changes in substance.
CONSENT_TEXT_VERSION = "2026.1"
CONSENT_CLAIMS = ["name", "id_number", "phone"]


class SsoRefused(DomainError):
    status_code = 403

    def __init__(self, message, *, code: str, subject=None):
        super().__init__(message, code=code)
        self.subject = subject  # the account a refused link would have touched, if any


@dataclass(frozen=True)
class GovClaims:
    provider: str
    subject: str
    name: str
    id_number: str
    phone: str
    # Government portals register people with their mobile; only an explicit "false" counts.
    phone_verified: bool = True

    def as_session(self) -> dict:
        return {
            "provider": self.provider,
            "subject": self.subject,
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "phone_verified": self.phone_verified,
        }


def claims_from(provider: Provider, userinfo: dict) -> GovClaims:
    """Our fields from the provider's claims, under the claim names its settings give."""
    names = provider.claims
    claims = GovClaims(
        provider=provider.name,
        subject=str(userinfo.get("sub") or ""),
        name=str(userinfo.get(names["name"]) or "").strip(),
        id_number=normalize_id_number(str(userinfo.get(names["id_number"]) or "")),
        phone=str(userinfo.get(names["phone"]) or "").strip().removeprefix("+86"),
        phone_verified=userinfo.get(names["phone_verified"]) not in (False, "false"),
    )
    incomplete = _(
        "政务服务网未提供完整的实名信息（姓名、身份证号码、手机号码），无法登录。请在政务服务网完善实名信息后再试。"
    )
    if not claims.subject or not claims.name:
        raise SsoRefused(incomplete, code="claims_incomplete")
    if id_number_problem(IdType.RESIDENT_ID, claims.id_number):
        raise SsoRefused(incomplete, code="claims_bad_id_number")
    if not MAINLAND_MOBILE.match(claims.phone):
        raise SsoRefused(incomplete, code="claims_bad_phone")
    return claims


def _mismatch(subject) -> SsoRefused:
    return SsoRefused(
        _(
            "政务服务网的实名信息与本平台已有账号的实名信息不一致（姓名或证件号码不符），为保护账号安全，已拒绝登录。"
            "如有疑问请拨打95598。"
        ),
        code="identity_mismatch",
        subject=subject,
    )


def _inactive(subject) -> SsoRefused:
    return SsoRefused(_("对应的账号已停用，无法登录。如有疑问请拨打95598。"), code="account_inactive", subject=subject)


def find_account(claims: GovClaims):
    """The existing account this government identity belongs to, or None for a new one.
    Raises ``SsoRefused`` when an account matches by one datum but is another person's."""
    by_id = User.objects.filter(
        id_type=IdType.RESIDENT_ID, id_number=claims.id_number, real_name_verified_at__isnull=False
    ).first()
    if by_id is not None:
        if by_id.name.strip() != claims.name:
            raise _mismatch(by_id)
        if not by_id.is_active:
            raise _inactive(by_id)
        return by_id
    by_phone = User.objects.filter(phone=claims.phone).first()
    if by_phone is not None and not claims.phone_verified:
        raise SsoRefused(
            _(
                "政务服务网未确认该手机号码属于您，而本平台已有使用该号码的账号，无法自动关联。请先用手机号码登录本平台。"
            ),
            code="phone_not_verified",
            subject=by_phone,
        )
    if by_phone is not None:
        # Verified with another ID number (same number was caught above), or named otherwise.
        if by_phone.is_real_name_verified or (by_phone.name.strip() and by_phone.name.strip() != claims.name):
            raise _mismatch(by_phone)
        if not by_phone.is_active:
            raise _inactive(by_phone)
        return by_phone
    return None


def _verify_from_government(user, claims: GovClaims, *, now) -> None:
    user.name, user.id_type, user.id_number, user.real_name_verified_at = (
        claims.name,
        IdType.RESIDENT_ID,
        claims.id_number,
        now,
    )
    user.save(update_fields=["name", "id_type", "id_number", "real_name_verified_at"])
    RealNameVerification.objects.update_or_create(
        user=user, defaults={"source": RealNameSource.GOV_SSO, "provider": claims.provider, "verified_at": now}
    )
    record(
        actor=user,
        action=gettext_noop("实名认证（政务服务网）"),
        obj=user,
        subject=user,
        changes={
            "name": ["", mask_name(claims.name)],
            "id_type": ["", str(IdType.RESIDENT_ID.label)],
            "id_number": ["", mask_id_number(claims.id_number)],
            "source": ["", claims.provider],
        },
    )


def _record_login(user, provider: str) -> None:
    record(
        actor=user,
        action=gettext_noop("通过政务服务网登录"),
        obj=user,
        subject=user,
        kind=AuditKind.SECURITY,
        changes={"provider": ["", provider]},
    )


def grant_consent(*, claims: GovClaims, ip: str | None):
    """同意: find or create the account, link the identity, store the consent. Returns the user."""
    now = timezone.now()
    try:
        with transaction.atomic():
            user = find_account(claims)
            if user is None:
                user = User.objects.create_user(phone=claims.phone, password=None)
                record(
                    actor=user,
                    action=gettext_noop("通过政务服务网注册账号"),
                    obj=user,
                    subject=user,
                    changes={"phone": ["", mask_phone(claims.phone)], "provider": ["", claims.provider]},
                )
                _verify_from_government(user, claims, now=now)
            elif not user.is_real_name_verified:
                _verify_from_government(user, claims, now=now)
            # A new government account for the same person replaces the old link.
            GovIdentity.objects.filter(provider=claims.provider, user=user).delete()
            identity = GovIdentity.objects.create(
                user=user, provider=claims.provider, subject=claims.subject, linked_at=now, last_login_at=now
            )
            Consent.objects.filter(user=user, provider=claims.provider, withdrawn_at__isnull=True).update(
                withdrawn_at=now
            )
            consent = Consent.objects.create(
                user=user,
                provider=claims.provider,
                claims=CONSENT_CLAIMS,
                text_version=CONSENT_TEXT_VERSION,
                granted_at=now,
                ip=ip,
            )
            record(
                actor=user,
                action=gettext_noop("同意政务服务网授权"),
                obj=consent,
                subject=user,
                changes={"claims": ["", CONSENT_CLAIMS], "text_version": ["", CONSENT_TEXT_VERSION]},
            )
            record(
                actor=user,
                action=gettext_noop("关联政务服务网身份"),
                obj=identity,
                subject=user,
                changes={"provider": ["", claims.provider]},
            )
            _record_login(user, claims.provider)
    except IntegrityError:  # the same identity, phone or ID number taken a moment ago elsewhere
        raise SsoRefused(_("登录未能完成，请重新从政务服务网进入。"), code="concurrent_link") from None
    return user


def log_in_linked(*, identity: GovIdentity, claims: GovClaims):
    """A returning identity: no consent page; the account must still be the same person's."""
    user = identity.user
    if user.is_real_name_verified and (user.id_number != claims.id_number or user.name.strip() != claims.name):
        raise _mismatch(user)
    if not user.is_active:
        raise _inactive(user)
    with transaction.atomic():
        GovIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
        _record_login(user, claims.provider)
    return user


def withdraw_consent(*, user, provider: str) -> None:
    """撤回授权: the link ends (the next arrival asks again); the account and its data stay."""
    now = timezone.now()
    with transaction.atomic():
        withdrawn = Consent.objects.filter(user=user, provider=provider, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
        unlinked, _detail = GovIdentity.objects.filter(user=user, provider=provider).delete()
        if not withdrawn and not unlinked:
            raise DomainError(_("没有可撤回的授权"), code="no_consent")
        record(
            actor=user,
            action=gettext_noop("撤回政务服务网授权"),
            obj=user,
            subject=user,
            changes={"provider": [provider, ""]},
        )


def record_refusal(*, provider: str, code: str, subject=None) -> None:
    """An SSO log-in we refused (or could not complete): a security row, no personal data."""
    record(
        actor=None,
        action=gettext_noop("政务服务网登录被拒绝"),
        obj=subject,
        subject=subject,
        kind=AuditKind.SECURITY,
        changes={"provider": ["", provider], "reason": ["", code]},
    )


def record_logout(*, user, provider: str) -> None:
    record(
        actor=user,
        action=gettext_noop("通过政务服务网退出登录"),
        obj=user,
        subject=user,
        kind=AuditKind.SECURITY,
        changes={"provider": [provider, ""]},
    )
