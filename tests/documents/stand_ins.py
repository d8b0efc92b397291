"""Stand-ins for pages other branches are building, so that pages rendering ``base.html`` can be
tested on this branch. Each stand-in is added only while the real one is missing: once the
accounts, notifications and audit pages are merged, this module changes nothing (and can go).

``base.html`` links to accounts:login, notifications:inbox... and the header asks
``portal.notifications.selectors.unread_count``; on a branch without them every page would
fail with NoReverseMatch / ImportError."""

import importlib
import sys
import types

from django.http import HttpResponse
from django.urls import NoReverseMatch, URLResolver, include, path, reverse

REQUIRED = {
    "accounts": ["login", "register", "me", "real_name", "enterprises"],
    "notifications": ["inbox", "preferences"],
    "audit": ["my_access_log"],
    "verification": ["dev_sms"],
    "core": ["home"],
}


def _stand_in(request, **kwargs):
    return HttpResponse("stand-in page of another branch")


def _missing(namespace: str) -> list[str]:
    missing = []
    for name in REQUIRED[namespace]:
        try:
            reverse(f"{namespace}:{name}", urlconf="portal.urls")
        except NoReverseMatch:
            missing.append(name)
    return missing


def urlpatterns_with_stand_ins() -> list:
    import portal.urls

    patterns = []
    for pattern in portal.urls.urlpatterns:
        if isinstance(pattern, URLResolver) and pattern.namespace in REQUIRED:
            missing = _missing(pattern.namespace)
            if missing:
                stand_ins = [path(f"stand-in/{name}/", _stand_in, name=name) for name in missing]
                pattern = path(
                    str(pattern.pattern),
                    include((list(pattern.url_patterns) + stand_ins, pattern.app_name), namespace=pattern.namespace),
                )
        patterns.append(pattern)
    return patterns


def install_unread_count_stand_in() -> None:
    try:
        importlib.import_module("portal.notifications.selectors")
    except ImportError:
        module = types.ModuleType("portal.notifications.selectors")
        module.unread_count = lambda *, user: 0
        sys.modules["portal.notifications.selectors"] = module
        import portal.notifications

        portal.notifications.selectors = module
