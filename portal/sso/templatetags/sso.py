from django import template
from django.urls import reverse

from portal.sso.providers import login_providers

register = template.Library()


@register.simple_tag
def sso_login_providers():
    """The providers whose button the log-in page shows; none configured, no button."""
    return login_providers()


@register.simple_tag(takes_context=True)
def logout_url(context) -> str:
    """After a government log-in, log-out also ends the provider's session (RP-initiated)."""
    from portal.sso.views import SSO_LOGIN

    request = context.get("request")
    if request is not None and request.session.get(SSO_LOGIN):
        return reverse("sso:logout")
    return reverse("accounts:logout")


@register.filter
def provider_label(name: str) -> str:
    """The configured label of a provider (青海政务服务网, 青松办), or its short name if it is gone."""
    from django.conf import settings

    return ((getattr(settings, "SSO_PROVIDERS", None) or {}).get(name) or {}).get("label") or name
