"""Stand-ins for what the identity pages need from areas being built in parallel, used only
while those pieces are missing from this branch; once they are merged each stand-in turns
itself off (every check below looks for the real thing first), and the lead can delete this
module.

- ``django.forms`` in INSTALLED_APPS: ``PortalFormRenderer`` (TemplatesSetting) finds Django's
  own widget templates only through it.
- URL names base.html and the "我的" page link to (notifications, audit pages).
- ``portal.notifications.selectors.unread_count`` used by the header's context processor.
"""

import importlib
import sys
import types

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

NEEDED_NAMES = {
    "notifications": ["inbox", "preferences"],
    "audit": ["my_access_log"],
}


def _stand_in_page(request, *args, **kwargs):
    return HttpResponse("stand-in page of another area")


def missing_names(urlconf: str = "portal.urls") -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    for namespace, names in NEEDED_NAMES.items():
        for name in names:
            try:
                reverse(f"{namespace}:{name}", urlconf=urlconf)
            except NoReverseMatch:
                missing.setdefault(namespace, []).append(name)
    return missing


def stand_in_patterns(urlconf: str = "portal.urls") -> list:
    patterns = []
    for namespace, names in missing_names(urlconf).items():
        sub = [path(f"{name}/", _stand_in_page, name=name) for name in names]
        # Listed before the real (empty) include, so this namespace wins the lookup.
        patterns.append(path(f"__stand-in__/{namespace}/", include((sub, namespace))))
    return patterns


def _has_unread_count() -> bool:
    try:
        module = importlib.import_module("portal.notifications.selectors")
    except ImportError:
        return False
    return hasattr(module, "unread_count")


@pytest.fixture(scope="session", autouse=True)
def other_areas_stand_ins():
    from django.conf import settings
    from django.test.utils import modify_settings, override_settings

    undo = []
    if "django.forms" not in settings.INSTALLED_APPS:
        change = modify_settings(INSTALLED_APPS={"append": "django.forms"})
        change.enable()
        undo.append(change.disable)
    if missing_names():
        change = override_settings(ROOT_URLCONF="tests.accounts.stand_in_urls")
        change.enable()
        undo.append(change.disable)
    saved_module = sys.modules.get("portal.notifications.selectors")
    if not _has_unread_count():
        stub = types.ModuleType("portal.notifications.selectors")
        stub.unread_count = lambda *, user: 0
        sys.modules["portal.notifications.selectors"] = stub
        undo.append(lambda: sys.modules.pop("portal.notifications.selectors", None) if saved_module is None
                    else sys.modules.__setitem__("portal.notifications.selectors", saved_module))
    yield
    for step in reversed(undo):
        step()
