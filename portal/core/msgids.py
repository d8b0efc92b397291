"""Turning text that was stored translated back into its source string (the code), for the data
migrations that moved logs and audit rows to codes. Only unambiguous translations are mapped."""

from __future__ import annotations


def english_to_source() -> dict[str, str]:
    """``{"Returned for correction": "退回补正", ...}`` from the English catalog."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("en")._catalog
    reverse: dict[str, set[str]] = {}
    for msgid, msgstr in catalog.items():
        if isinstance(msgid, str) and msgid and isinstance(msgstr, str) and msgstr and msgstr != msgid:
            reverse.setdefault(msgstr, set()).add(msgid)
    return {text: next(iter(ids)) for text, ids in reverse.items() if len(ids) == 1}


def to_source(text: str, table: dict[str, str]) -> str:
    return table.get(text, text)
