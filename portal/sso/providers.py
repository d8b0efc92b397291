"""The configured identity providers (``settings.SSO_PROVIDERS``) and their Authlib clients.

``SSO_PROVIDERS`` maps a short name to one OpenID Connect client registration; the PC portal
and the 青松办 app are two registrations, so two entries::

    {"gov_pc": {"label": "青海政务服务网", "discovery_url": "https://…/.well-known/openid-configuration",
                "client_id": "…", "client_secret": "…", "scope": "openid profile phone",
                "claims": {"name": "name", "id_number": "id_card", "phone": "phone_number"},
                "return_url": "https://…/便民服务", "show_on_login": true}}

With no entry the feature is off: no button on the log-in page, the start URL answers 404."""

import time
from dataclasses import dataclass, field

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import Http404

DEFAULT_CLAIMS = {
    "name": "name",
    "id_number": "id_number",
    "phone": "phone_number",
    "phone_verified": "phone_number_verified",
}
METADATA_MAX_AGE = 3600  # discovery and JWKS are fetched again after an hour


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    discovery_url: str
    client_id: str
    client_secret: str
    scope: str = "openid profile phone"
    claims: dict = field(default_factory=lambda: dict(DEFAULT_CLAIMS))
    return_url: str = ""
    show_on_login: bool = True
    algorithms: tuple = ("RS256",)
    timeout: float = 5.0

    @property
    def cache_key(self) -> tuple:
        return (self.name, self.discovery_url, self.client_id, self.client_secret, self.scope, self.algorithms)


def _provider(name: str, spec: dict) -> Provider:
    return Provider(
        name=name,
        label=spec.get("label") or "",
        discovery_url=spec["discovery_url"],
        client_id=spec["client_id"],
        client_secret=spec.get("client_secret", ""),
        scope=spec.get("scope", "openid profile phone"),
        claims={**DEFAULT_CLAIMS, **spec.get("claims", {})},
        return_url=spec.get("return_url", ""),
        show_on_login=spec.get("show_on_login", True),
        algorithms=tuple(spec.get("algorithms", ("RS256",))),
        timeout=float(spec.get("timeout", 5.0)),
    )


def all_providers() -> list[Provider]:
    return [_provider(name, spec) for name, spec in (getattr(settings, "SSO_PROVIDERS", None) or {}).items()]


def login_providers() -> list[Provider]:
    return [p for p in all_providers() if p.show_on_login]


def get_provider(name: str) -> Provider:
    spec = (getattr(settings, "SSO_PROVIDERS", None) or {}).get(name)
    if not spec:
        raise Http404
    return _provider(name, spec)


class PortalOIDCApp(DjangoOAuth2App):
    """Authlib's Django client with two local rules: the signing algorithms we accept are ours
    to choose, not the provider's metadata (so ``alg: none`` or HS256 with the public key as
    secret can never pass), and discovery/JWKS are refreshed after ``METADATA_MAX_AGE``."""

    allowed_algorithms: tuple = ("RS256",)

    def load_server_metadata(self):
        loaded_at = self.server_metadata.get("_loaded_at")
        if loaded_at and time.time() - loaded_at > METADATA_MAX_AGE:
            self.server_metadata.pop("_loaded_at", None)
            self.server_metadata.pop("jwks", None)
        metadata = super().load_server_metadata()
        metadata["id_token_signing_alg_values_supported"] = list(self.allowed_algorithms)
        return metadata

    def parse_id_token(self, token, nonce, claims_options=None, claims_cls=None, leeway=120):
        # Authlib checks ``iss`` from the metadata but lets a foreign ``aud`` through when an
        # ``azp`` names us; OIDC Core 3.1.3.7 wants our client id in ``aud``. Both required here.
        metadata = self.load_server_metadata()
        claims_options = {
            "iss": {"essential": True, "values": [metadata.get("issuer")]},
            "aud": {"essential": True, "values": [self.client_id]},
        }
        return super().parse_id_token(token, nonce, claims_options=claims_options, claims_cls=claims_cls, leeway=leeway)


class _OAuth(OAuth):
    oauth2_client_cls = PortalOIDCApp


_clients: dict[tuple, PortalOIDCApp] = {}


def client_for(provider: Provider) -> PortalOIDCApp:
    """One client per registration, kept for the process so discovery is not fetched on every
    request; a changed setting makes a new one."""
    client = _clients.get(provider.cache_key)
    if client is None:
        oauth = _OAuth()
        oauth.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.discovery_url,
            client_kwargs={
                "scope": provider.scope,
                "code_challenge_method": "S256",
                "default_timeout": provider.timeout,
            },
        )
        client = oauth.create_client(provider.name)
        client.allowed_algorithms = provider.algorithms
        _clients[provider.cache_key] = client
    return client
