"""The portal's URLs, plus a placeholder for every URL name our pages (and base.html) link to
that another engineer's branch provides (accounts:me, audit:my_access_log, documents:download...).

Only names that are missing get a placeholder, so once those branches are merged this is the
plain portal URLconf (the same approach as tests/notifications/urls.py).
"""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from portal import urls as portal_urls

NEEDED = {
    "accounts": ["login", "register", "me", "real_name", "enterprises"],
    "audit": ["my_access_log"],
    "verification": ["dev_sms"],
    "documents": ["download"],
}
WITH_PK = {"download"}


def _placeholder(name):
    return lambda request, **kwargs: HttpResponse(f"placeholder {name}")


def _with_placeholders(resolver: URLResolver):
    patterns = list(resolver.url_patterns)
    defined = {p.name for p in patterns if getattr(p, "name", None)}
    extra = [
        path(f"__placeholder__/{name}/" + ("<int:pk>/" if name in WITH_PK else ""),
             _placeholder(f"{resolver.app_name}:{name}"), name=name)
        for name in NEEDED[resolver.app_name]
        if name not in defined
    ]
    return path(str(resolver.pattern), include((patterns + extra, resolver.app_name)))


urlpatterns = [
    _with_placeholders(p) if isinstance(p, URLResolver) and p.app_name in NEEDED else p
    for p in portal_urls.urlpatterns
]
