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


# Other identity documents have no public checksum; these are the shapes the issuing
# authorities print, strict enough to catch a typo or a number typed into the wrong type.
_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")
_HK_MACAU_PERMIT = re.compile(r"^[HM]\d{8}(\d{2})?$")
_TAIWAN_PERMIT = re.compile(r"^\d{8}$")
_FOREIGN_PERMANENT_OLD = re.compile(r"^[A-Z]{3}\d{12}$")  # 2004 card: 3 letters + 12 digits
_FOREIGN_PERMANENT_NEW = re.compile(r"^9\d{16}[\dX]$")  # 2023 card: starts with 9, GB 11643 check
_MILITARY_OFFICER = re.compile(r"^(?:[\u4e00-\u9fa5]{1,2}字第)?\d{6,8}号?$")


def normalize_id_number(number: str) -> str:
    """What we store: no spaces, upper case (a trailing x is an X)."""
    return re.sub(r"\s+", "", number or "").upper()


def id_number_problem(id_type: str, number: str) -> str | None:
    """Why ``number`` cannot be an ID number of ``id_type`` (an IdType value), or None."""
    number = normalize_id_number(number)
    if not number:
        return str(_("请输入证件号码"))
    # The household register (户口簿) carries the person's resident ID number.
    if id_type in ("resident_id", "household_register"):
        return resident_id_problem(number)
    if id_type == "passport":
        if not _PASSPORT.match(number):
            return str(_("护照号码应为5至17位字母或数字"))
    elif id_type == "hk_macau_permit":
        if not _HK_MACAU_PERMIT.match(number):
            return str(_("港澳居民来往内地通行证号码应为H或M开头，后接8位或10位数字"))
    elif id_type == "taiwan_permit":
        if not _TAIWAN_PERMIT.match(number):
            return str(_("台湾居民来往大陆通行证号码应为8位数字"))
    elif id_type == "foreign_permanent":
        if _FOREIGN_PERMANENT_NEW.match(number):
            if resident_id_check_char(number[:17]) != number[17]:
                return str(_("外国人永久居留身份证号码校验位不正确，请核对后重新输入"))
        elif not _FOREIGN_PERMANENT_OLD.match(number):
            return str(_("外国人永久居留身份证号码应为3位字母加12位数字，或以9开头的18位号码"))
    elif id_type == "military_officer":
        if not _MILITARY_OFFICER.match(number):
            return str(_("军官证号码格式如“南字第12345678号”，或6至8位数字"))
    else:
        return str(_("请选择证件类型"))
    return None
