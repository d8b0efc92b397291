from django import template

from portal.sso.providers import login_providers

register = template.Library()


@register.simple_tag
def sso_login_providers():
    """The providers whose button the log-in page shows; none configured, no button."""
    return login_providers()
