"""Masking of personal data wherever it is listed or logged (SPEC 8).

Phones show the first three and last four digits (``138****1234``); ID numbers and other
long identifiers the first six and last four (``110105********1234``).
"""

import logging
import re

_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_RESIDENT_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    phone = str(phone)
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_id_number(number: str | None) -> str:
    """Keep six characters in front and four at the end; shorter numbers keep one at each end."""
    if not number:
        return ""
    number = str(number)
    if len(number) >= 14:
        return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
    if len(number) >= 3:
        return f"{number[0]}{'*' * (len(number) - 2)}{number[-1]}"
    return "*" * len(number)


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜: enough to recognise, not to identify."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_text(text: str) -> str:
    """Mask every mainland mobile number and resident ID number found in free text."""
    text = _RESIDENT_ID_IN_TEXT.sub(lambda m: f"{m.group(1)}********{m.group(3)}", text)
    text = _PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return text


class MaskPersonalDataFilter(logging.Filter):
    """Logging filter: phones and ID numbers never reach a log file in clear."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
