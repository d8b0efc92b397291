"""A provider that misbehaves on purpose, under ``/crafted/<mode>/``: it runs the same
authorization-code dance as the real one but answers the token request with an ID token
tampered in one way. The portal must refuse each. (The provider is faked, never the portal.)

Modes: ``valid`` (a control: nothing wrong), ``bad_nonce``, ``other_key`` (signed with a key the
JWKS does not publish, same ``kid``), ``expired``, ``alg_none``, ``wrong_audience``,
``foreign_audience_with_azp``, ``wrong_issuer``."""

import base64
import json
import secrets
import threading
import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from jwcrypto import jwk, jwt

MODES = {
    "valid",
    "bad_nonce",
    "other_key",
    "expired",
    "alg_none",
    "wrong_audience",
    "foreign_audience_with_azp",
    "wrong_issuer",
}
CLAIMS = {"sub": "crafted-subject-1", "name": "韩梅梅", "id_card": "630102198505050014", "phone_number": "18609719001"}

_codes: dict[str, dict] = {}
_lock = threading.Lock()


def _key(pem: str) -> jwk.JWK:
    return jwk.JWK.from_pem(pem.encode())


def _issuer(request, mode: str) -> str:
    return f"http://{request.get_host()}/crafted/{mode}"


def _check(mode: str) -> None:
    if mode not in MODES:
        raise Http404


def discovery(request, mode):
    _check(mode)
    iss = _issuer(request, mode)
    return JsonResponse(
        {
            "issuer": iss,
            "authorization_endpoint": f"{iss}/authorize",
            "token_endpoint": f"{iss}/token",
            "jwks_uri": f"{iss}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "none"] if mode == "alg_none" else ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
    )


def jwks(request, mode):
    _check(mode)
    public = _key(settings.RSA_PRIVATE_KEY)
    data = json.loads(public.export_public())
    data.update(kid=public.thumbprint(), alg="RS256", use="sig")
    return JsonResponse({"keys": [data]})


def authorize(request, mode):
    """No log-in page: the crafted provider approves at once."""
    _check(mode)
    code = secrets.token_urlsafe(16)
    with _lock:
        _codes[code] = {"nonce": request.GET.get("nonce", ""), "client_id": request.GET.get("client_id", "")}
    query = urlencode({"code": code, "state": request.GET.get("state", "")})
    return HttpResponseRedirect(f"{request.GET['redirect_uri']}?{query}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@csrf_exempt
def token(request, mode):
    _check(mode)
    with _lock:
        grant = _codes.pop(request.POST.get("code", ""), None)
    if grant is None:
        return JsonResponse({"error": "invalid_grant"}, status=400)
    now = int(time.time())
    claims = {
        **CLAIMS,
        "iss": _issuer(request, mode),
        "aud": grant["client_id"],
        "iat": now,
        "exp": now + 300,
        "nonce": grant["nonce"],
    }
    signing_key = _key(settings.RSA_PRIVATE_KEY)
    kid = signing_key.thumbprint()
    if mode == "bad_nonce":
        claims["nonce"] = "a-nonce-from-another-log-in"
    elif mode == "expired":
        claims.update(iat=now - 3600, exp=now - 1800)
    elif mode == "wrong_audience":
        claims["aud"] = "another-client"
    elif mode == "foreign_audience_with_azp":
        claims.update(aud="another-client", azp=grant["client_id"])
    elif mode == "wrong_issuer":
        claims["iss"] = "http://issuer.example/"
    elif mode == "other_key":
        signing_key = _key(settings.OTHER_RSA_PRIVATE_KEY)
    if mode == "alg_none":
        header = {"alg": "none", "typ": "JWT", "kid": kid}
        id_token = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."
    else:
        signed = jwt.JWT(header={"alg": "RS256", "kid": kid, "typ": "JWT"}, claims=claims)
        signed.make_signed_token(signing_key)
        id_token = signed.serialize()
    return JsonResponse(
        {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
            "scope": "openid profile phone",
        }
    )
