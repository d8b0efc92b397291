"""Identity number checks: GB 11643 (resident ID) and GB 32100 (unified social credit code)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2: remainder 0..10 → check character

# GB 32100: 18 characters from 0-9 and A-Y without I, O, S, V, Z; weights 3^i mod 31.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def validate_mainland_mobile(value: str) -> None:
    if not MAINLAND_MOBILE.match(value or ""):
        raise ValidationError(_("请输入正确的11位手机号码"), code="invalid_phone")


def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_problem(number: str) -> str | None:
    """Why a resident ID number is invalid under GB 11643, or None when it is valid."""
    number = (number or "").strip().upper()
    if len(number) != 18:
        return str(_("身份证号码应为18位"))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return str(_("身份证号码前17位应为数字，最后一位为数字或X"))
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return str(_("身份证号码中的出生日期无效"))
    if born > timezone.localdate() or born.year < 1900:
        return str(_("身份证号码中的出生日期无效"))
    if resident_id_check_char(number[:17]) != number[17]:
        return str(_("身份证号码校验位不正确，请核对后重新输入"))
    return None


def validate_resident_id(value: str) -> None:
    problem = resident_id_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_resident_id")


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc_shape(value: str) -> None:
    """Length and alphabet are hard rules; the check character is judged separately because
    some early codes fail it (SPEC 2: warn, do not refuse)."""
    if not _USCC_SHAPE.match((value or "").strip().upper()):
        raise ValidationError(
            _("统一社会信用代码应为18位，由数字和大写字母组成（不含 I、O、S、V、Z）"), code="invalid_uscc"
        )


def uscc_check_passes(value: str) -> bool:
    value = (value or "").strip().upper()
    return bool(_USCC_SHAPE.match(value)) and uscc_check_char(value[:17]) == value[17]
