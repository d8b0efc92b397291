"""Inert stand-ins for pages that other engineers build in parallel (log-in, "my" page,
inbox...). ``base.html`` links to them, so without them no customer page renders on a branch
that lacks those apps. Every helper here is a no-op once the real route or selector exists,
so the whole module can be deleted after the merge without changing any test's outcome."""

import importlib
import sys
import types

import pytest

from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

# The URL names base.html, the tab bar and the home page need (see COMMON brief).
NEEDED = {
    "accounts": ["login", "register", "me", "real_name", "enterprises"],
    "notifications": ["inbox", "preferences"],
    "verification": ["dev_sms"],
}


def _placeholder(request, *args, **kwargs):
    return HttpResponse("placeholder", content_type="text/plain")


def missing_routes() -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    for namespace, names in NEEDED.items():
        for name in names:
            try:
                reverse(f"{namespace}:{name}")
            except NoReverseMatch:
                missing.setdefault(namespace, []).append(name)
    return missing


def urlconf_with_placeholders(missing: dict[str, list[str]]) -> types.ModuleType:
    """A URLconf: the real one, with the missing names added to their namespaces. A namespace
    listed first wins when Django reverses, so the augmented copies go in front."""
    real = importlib.import_module("portal.urls")
    # Mount each augmented copy where the real app is mounted, so its real routes keep their URLs.
    prefixes = {
        getattr(p, "namespace", None): str(p.pattern) for p in real.urlpatterns if getattr(p, "namespace", None)
    }
    front = []
    for namespace, names in missing.items():
        module = importlib.import_module(f"portal.{namespace}.urls")
        extra = [path(f"__placeholder__/{name}/", _placeholder, name=name) for name in names]
        front.append(path(prefixes.get(namespace, ""), include((list(module.urlpatterns) + extra, namespace))))
    urlconf = types.ModuleType("tests_placeholder_urls")
    urlconf.urlpatterns = front + list(real.urlpatterns)
    return urlconf


def ensure_unread_count(monkeypatch) -> None:
    """The header's unread badge calls portal.notifications.selectors.unread_count."""
    try:
        importlib.import_module("portal.notifications.selectors")
    except ImportError:
        stub = types.ModuleType("portal.notifications.selectors")
        stub.unread_count = lambda *, user: 0
        monkeypatch.setitem(sys.modules, "portal.notifications.selectors", stub)


@pytest.fixture
def pages_built_in_parallel(settings, monkeypatch):
    """Customer pages render on this branch alone; a no-op once the real routes exist."""
    missing = missing_routes()
    if missing:
        settings.ROOT_URLCONF = urlconf_with_placeholders(missing)
    ensure_unread_count(monkeypatch)
