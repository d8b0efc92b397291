"""Pages of the government single sign-on: start, callback, consent (授权), log-out, withdrawal.

Token handling (authorization code + PKCE, state, nonce, ID token signature against the JWKS,
discovery) is Authlib's; these views decide what the portal does with the outcome. The session
keeps only what it needs: the pending claims until 同意 or 拒绝, and the ID token as the
``id_token_hint`` of the RP-initiated log-out. Access and refresh tokens are dropped at once."""

import contextlib
import logging
import time

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    JoseError,
    UnsupportedAlgorithmError,
)

from portal.core.errors import DomainError
from portal.core.masking import mask_id_number, mask_phone
from portal.core.middleware import client_ip
from portal.sso import services
from portal.sso.models import GovIdentity
from portal.sso.providers import Provider, client_for, get_provider
from portal.sso.selectors import active_consents_of
from portal.sso.services import CONSENT_TEXT_VERSION, GovClaims, SsoRefused

logger = logging.getLogger("portal.sso")

PENDING = "sso_pending"
SSO_LOGIN = "sso_login"
NEXT = "sso_next"
PENDING_MAX_AGE = 10 * 60  # seconds a consent page stays valid
BACKEND = "portal.accounts.backends.RateLimitedBackend"


def own_path(value: str | None) -> str:
    """``next`` only ever points into this site: a path, never another host or scheme."""
    value = (value or "").strip()
    if (
        value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(value, allowed_hosts=set())
    ):
        return value
    return ""


def _refused(request, provider: Provider | str, exc: SsoRefused):
    name = provider.name if isinstance(provider, Provider) else provider
    services.record_refusal(provider=name, code=exc.code, subject=exc.subject)
    logger.warning("SSO log-in refused: provider=%s reason=%s", name, exc.code)
    return render(request, "sso/refused.html", {"message": exc.message, "code": exc.code}, status=exc.status_code)


def _provider_down(request, provider: Provider, exc: Exception):
    services.record_refusal(provider=provider.name, code="provider_unreachable")
    logger.warning("SSO provider %s unreachable: %s", provider.name, exc.__class__.__name__)
    return render(
        request,
        "sso/refused.html",
        {
            "message": _("暂时无法连接%(label)s，请稍后再试，或使用手机号码登录。")
            % {"label": provider.label or _("政务服务网")},
            "code": "provider_unreachable",
            "provider_down": True,
        },
        status=503,
    )


def _log_in(request, user, provider: Provider, id_token: str | None):
    next_url = request.session.pop(NEXT, "")
    auth_login(request, user, backend=BACKEND)
    # Only the ID token, only for the log-out's id_token_hint; it goes with the session.
    request.session[SSO_LOGIN] = {"provider": provider.name, "id_token": id_token or ""}
    messages.success(request, _("已通过%(label)s登录") % {"label": provider.label or _("政务服务网")})
    return redirect(next_url or "core:home")


@never_cache
def start(request, provider_name: str):
    """Where the government portal's 公用事业 → 国家电网 link and our log-in button lead."""
    provider = get_provider(provider_name)
    request.session[NEXT] = own_path(request.GET.get("next"))
    request.session.pop(PENDING, None)
    redirect_uri = request.build_absolute_uri(reverse("sso:callback", args=[provider.name]))
    try:
        return client_for(provider).authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        return _provider_down(request, provider, exc)


def _token_problem(exc: Exception) -> SsoRefused:
    if isinstance(exc, ExpiredTokenError):
        code = "id_token_expired"
    elif isinstance(exc, ClaimError):
        code = f"id_token_bad_{exc.claim}" if getattr(exc, "claim", None) else "id_token_bad_claim"
    elif isinstance(exc, BadSignatureError):
        code = "id_token_bad_signature"
    elif isinstance(exc, UnsupportedAlgorithmError):
        code = "id_token_bad_algorithm"
    else:
        code = "id_token_invalid"
    logger.info("ID token refused: %s %s", exc.__class__.__name__, exc)
    return SsoRefused(_("政务服务网返回的身份凭证未通过校验，已拒绝登录。请重新从政务服务网进入。"), code=code)


@never_cache
def callback(request, provider_name: str):
    provider = get_provider(provider_name)
    try:
        token = client_for(provider).authorize_access_token(request, leeway=60)
    except MismatchingStateError:
        return _refused(
            request,
            provider,
            SsoRefused(_("登录请求已失效，或不是从本平台发起的。请重新从政务服务网进入。"), code="state_mismatch"),
        )
    except OAuthError as exc:
        if exc.error == "access_denied":
            refusal = SsoRefused(_("您未在政务服务网完成授权，未登录。"), code="access_denied")
        elif exc.error == "invalid_grant":
            refusal = SsoRefused(_("授权码无效或已被使用，请重新从政务服务网进入。"), code="invalid_grant")
        else:
            refusal = SsoRefused(_("政务服务网未能完成登录，请稍后再试。"), code=f"oauth_{exc.error or 'error'}"[:40])
        return _refused(request, provider, refusal)
    except JoseError as exc:
        return _refused(request, provider, _token_problem(exc))
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        return _provider_down(request, provider, exc)
    userinfo = token.get("userinfo")
    if not userinfo:  # no ID token: nothing verified, nothing to trust
        return _refused(request, provider, _token_problem(Exception()))
    try:
        claims = services.claims_from(provider, userinfo)
        identity = (
            GovIdentity.objects.select_related("user").filter(provider=provider.name, subject=claims.subject).first()
        )
        if identity is not None:
            user = services.log_in_linked(identity=identity, claims=claims)
            return _log_in(request, user, provider, token.get("id_token"))
        services.find_account(claims)  # a mismatch is refused before the consent page, too
    except SsoRefused as exc:
        return _refused(request, provider, exc)
    request.session[PENDING] = {**claims.as_session(), "id_token": token.get("id_token", ""), "at": time.time()}
    return redirect("sso:consent")


def _pending(request) -> tuple[Provider, GovClaims, str] | None:
    data = request.session.get(PENDING)
    if not data or time.time() - data.get("at", 0) > PENDING_MAX_AGE:
        return None
    try:
        provider = get_provider(data["provider"])
    except Http404:  # the provider was removed from the settings meanwhile
        return None
    claims = GovClaims(**{k: data[k] for k in ("provider", "subject", "name", "id_number", "phone", "phone_verified")})
    return provider, claims, data.get("id_token", "")


@never_cache
def consent(request):
    """Our own 授权 page: what we receive, what for; 同意 stores it, 拒绝 stores nothing."""
    pending = _pending(request)
    if pending is None:
        request.session.pop(PENDING, None)
        messages.error(request, _("授权页面已过期，请重新从政务服务网进入，或使用手机号码登录。"))
        return redirect("accounts:login")
    provider, claims, id_token = pending
    if request.method == "POST":
        if request.POST.get("decision") == "agree":
            try:
                user = services.grant_consent(claims=claims, ip=client_ip(request))
            except SsoRefused as exc:
                request.session.pop(PENDING, None)
                return _refused(request, provider, exc)
            request.session.pop(PENDING, None)
            return _log_in(request, user, provider, id_token)
        # 拒绝: nothing stored; back to the government portal's page.
        request.session.pop(PENDING, None)
        request.session.pop(NEXT, None)
        if provider.return_url:
            return redirect(provider.return_url)
        messages.info(request, _("您未同意授权，未登录。"))
        return redirect("accounts:login")
    return render(
        request,
        "sso/consent.html",
        {
            "provider": provider,
            "label": provider.label or _("政务服务网"),
            "name": claims.name,
            "id_number": mask_id_number(claims.id_number),
            "phone": mask_phone(claims.phone),
            "text_version": CONSENT_TEXT_VERSION,
        },
    )


@require_POST
def logout(request):
    """Ends our session; after a government log-in also ends the provider's (RP-initiated
    log-out) where its discovery document names an ``end_session_endpoint``."""
    sso = request.session.get(SSO_LOGIN) or {}
    user = request.user if request.user.is_authenticated else None
    auth_logout(request)
    messages.success(request, _("您已安全退出登录"))
    if not sso:
        return redirect("core:home")
    if user is not None:
        services.record_logout(user=user, provider=sso.get("provider", ""))
    try:
        provider = get_provider(sso.get("provider", ""))
        client = client_for(provider)
        if client.load_server_metadata().get("end_session_endpoint"):
            return client.logout_redirect(
                request,
                post_logout_redirect_uri=request.build_absolute_uri(reverse("sso:logged_out", args=[provider.name])),
                id_token_hint=sso.get("id_token") or None,
                client_id=provider.client_id,
            )
    except (Http404, OAuthError, requests.RequestException, ValueError, RuntimeError) as exc:
        # The provider is gone or down: our own log-out has happened all the same.
        logger.warning("RP-initiated log-out skipped: %s", exc.__class__.__name__)
    return redirect("core:home")


def logged_out(request, provider_name: str):
    """Where the provider sends the browser back after its log-out: the state is used up here."""
    # A stale or missing state changes nothing: we are logged out.
    with contextlib.suppress(Http404, OAuthError):
        client_for(get_provider(provider_name)).validate_logout_response(request)
    return redirect("core:home")


@login_required
def my_consents(request):
    return render(request, "sso/my_consents.html", {"consents": active_consents_of(user=request.user)})


@require_POST
@login_required
def withdraw(request, provider_name: str):
    try:
        services.withdraw_consent(user=request.user, provider=provider_name)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回授权。您的账号和业务记录保留，可继续使用手机号码登录。"))
        if (request.session.get(SSO_LOGIN) or {}).get("provider") == provider_name:
            request.session.pop(SSO_LOGIN, None)
    return redirect("sso:my_consents")
