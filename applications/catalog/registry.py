"""All businesses of the catalog, by code, in SPEC 3's order.

Businesses are discovered: every module of ``applications/catalog/businesses/`` is imported
once (``common`` holds shared pieces and registers nothing), and each registers its
declarations. Adding a family of businesses is adding a module there; nothing imports it by
hand, and no business module imports another."""

import importlib
import pkgutil

from applications.catalog.base import GROUPS, Business

_BUSINESSES: dict[str, Business] = {}


def register(business: Business) -> Business:
    if business.code in _BUSINESSES:
        raise ValueError(f"business {business.code!r} declared twice")
    _BUSINESSES[business.code] = business
    return business


_discovered = False


def autodiscover() -> None:
    """Import every business module (importing registers the declarations)."""
    global _discovered
    if _discovered:
        return
    from applications.catalog import businesses

    for module in pkgutil.iter_modules(businesses.__path__):
        if module.name != "common" and not module.name.startswith("_"):
            importlib.import_module(f"{businesses.__name__}.{module.name}")
    _discovered = True


def _load() -> None:
    autodiscover()


def all_businesses() -> list[Business]:
    _load()
    return sorted(_BUSINESSES.values(), key=lambda b: b.row)


def get(code: str) -> Business:
    _load()
    return _BUSINESSES[code]


def exists(code: str) -> bool:
    _load()
    return code in _BUSINESSES


def grouped() -> list[tuple[str, str, list[Business]]]:
    """[(group key, group label, businesses)] for the 全部功能 page."""
    by_group: dict[str, list[Business]] = {}
    for business in all_businesses():
        by_group.setdefault(business.group, []).append(business)
    return [(key, label, by_group[key]) for key, label in GROUPS.items() if key in by_group]


def choices() -> list[tuple[str, str]]:
    return [(b.code, str(b.name)) for b in all_businesses()]
