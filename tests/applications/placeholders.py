"""Stand-ins for what the application pages link to from areas merged separately (identity
pages, notifications, audit pages, SMS send endpoint, service records, my accounts), used only
while a name is missing from this branch. Each namespace is mounted at the real app's prefix
with its real routes plus the missing names, so real URLs stay as they are; once every name
exists this does nothing and the lead can delete the module."""

import importlib
import sys
import types

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

# namespace → (URL prefix, urls module or None, names the pages need)
NEEDED = {
    "accounts": ("accounts/", "portal.accounts.urls", ["login", "register", "me", "real_name", "enterprises"]),
    "notifications": ("notifications/", "portal.notifications.urls", ["inbox", "preferences"]),
    "audit": ("my/", "portal.audit.urls", ["my_access_log"]),
    "verification": ("", "portal.verification.urls", ["dev_sms", "send_code"]),
    "utility_flows": ("records/", None, ["records"]),
    "applications": ("", "applications.urls", ["accounts"]),
}


def _stand_in_page(request, *args, **kwargs):
    return HttpResponse("stand-in page of another area")


def missing_names(urlconf: str = "portal.urls") -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    for namespace, (_prefix, _module, names) in NEEDED.items():
        for name in names:
            try:
                reverse(f"{namespace}:{name}", urlconf=urlconf)
            except NoReverseMatch:
                missing.setdefault(namespace, []).append(name)
    return missing


def stand_in_patterns(urlconf: str = "portal.urls") -> list:
    patterns = []
    for namespace, names in missing_names(urlconf).items():
        prefix, module, _names = NEEDED[namespace]
        real = list(importlib.import_module(module).urlpatterns) if module else []
        extra = [path(f"__stand-in__/{namespace}/{name}/", _stand_in_page, name=name) for name in names]
        # Listed before the real include, so this namespace (real routes + stand-ins) wins the lookup.
        patterns.append(path(prefix, include((real + extra, namespace))))
    return patterns


@pytest.fixture
def pages_render(settings):
    """Let the application pages render in this branch: stand-in URL names and unread count."""
    if missing_names():
        settings.ROOT_URLCONF = "tests.applications.placeholder_urls"
    saved = sys.modules.get("portal.notifications.selectors")
    try:
        has_count = hasattr(importlib.import_module("portal.notifications.selectors"), "unread_count")
    except ImportError:
        has_count = False
    if not has_count:
        stub = types.ModuleType("portal.notifications.selectors")
        stub.unread_count = lambda *, user: 0
        sys.modules["portal.notifications.selectors"] = stub
    yield
    if not has_count:
        if saved is None:
            sys.modules.pop("portal.notifications.selectors", None)
        else:
            sys.modules["portal.notifications.selectors"] = saved
