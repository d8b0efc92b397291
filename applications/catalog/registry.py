"""All businesses of the catalog, by code, in SPEC 3's order."""

from applications.catalog.base import GROUPS, Business

_BUSINESSES: dict[str, Business] = {}


def register(business: Business) -> Business:
    if business.code in _BUSINESSES:
        raise ValueError(f"business {business.code!r} declared twice")
    _BUSINESSES[business.code] = business
    return business


def _load() -> None:
    if not _BUSINESSES:
        # Importing the modules registers their declarations.
        from applications.catalog.businesses import changes, connections, high_voltage  # noqa: F401


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
