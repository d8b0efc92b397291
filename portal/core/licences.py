"""The contractor-licence check the HV mid inspection asks for (承装（修、试）电力设施许可证).

The platform asks a registered checker instead of importing ``licensing`` (dependencies point
one way). ``licensing`` registers its registry lookup in its AppConfig.ready(); until a checker
is registered the answer is an honest NOT_CHECKED, never a fake "valid"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class LicenceStatus(models.TextChoices):
    NOT_CHECKED = "not_checked", _("未核验")
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    SUSPENDED = "suspended", _("已暂停")
    CANCELLED = "cancelled", _("已注销")
    UNKNOWN = "unknown", _("查无此证")


@dataclass(frozen=True)
class LicenceCheck:
    number: str
    status: str = LicenceStatus.NOT_CHECKED
    holder: str = ""
    # e.g. ["承装五级", "承试四级"]: category and level the licence allows
    scope: list[str] = field(default_factory=list)
    expires_on: date | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == LicenceStatus.VALID


Checker = Callable[[str], LicenceCheck]
_checker: Checker | None = None


def register_licence_checker(checker: Checker) -> None:
    """Called once by the licensing app's ready()."""
    global _checker
    _checker = checker


def check_contractor_licence(number: str) -> LicenceCheck:
    number = (number or "").strip()
    if _checker is None:
        return LicenceCheck(number=number)
    return _checker(number)
