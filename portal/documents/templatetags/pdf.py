"""Template helpers for PDF templates: ``{% load pdf %}``."""

import base64
import re

from django import template
from django.utils.safestring import mark_safe

from portal.documents.models import Document

register = template.Library()

# A signature or seal is a few KB; refusing big files keeps a worker from inlining a scan.
MAX_INLINE_BYTES = 5 * 1024 * 1024
_PLACEHOLDER = re.compile(r"\{(page|pages)\}")


def _sniff(data: bytes) -> str:
    from portal.documents.services import sniff_content_type

    return sniff_content_type(data[:16]) or "application/octet-stream"


def _document_bytes(document: Document) -> tuple[bytes, str]:
    if document.size > MAX_INLINE_BYTES:
        raise ValueError(f"document {document.pk} is too large to inline")
    with document.file.open("rb") as handle:
        return handle.read(), document.content_type


@register.filter
def data_uri(value) -> str:
    """A picture from the database as a ``data:`` URI for ``<img src>``: give it a Document, an
    object with an ``image`` Document (a Signature), a document id, or raw PNG/JPEG bytes.
    Empty when there is nothing to show, so ``{% if %}`` around the ``<img>`` is enough."""
    if value in (None, "", 0):
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if len(data) > MAX_INLINE_BYTES:
            raise ValueError("image too large to inline")
        content_type = _sniff(data)
    else:
        if isinstance(value, (int, str)) and str(value).isdigit():
            value = Document.objects.get(pk=int(value))
        document = value if isinstance(value, Document) else getattr(value, "image", None)
        if not isinstance(document, Document):
            raise TypeError(f"data_uri cannot inline {type(value).__name__}")
        data, content_type = _document_bytes(document)
    if not content_type.startswith("image/"):
        raise ValueError("only images are inlined")
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    return f'"{escaped}"'


@register.filter
def css_counters(label: str) -> str:
    """Turn a translated label such as ``第 {page} 页 / 共 {pages} 页`` into a CSS ``content``
    value with page counters: ``"第 " counter(page) " 页 / 共 " counter(pages) " 页"``."""
    pieces = []
    position = 0
    for match in _PLACEHOLDER.finditer(str(label)):
        if match.start() > position:
            pieces.append(_css_string(label[position : match.start()]))
        pieces.append(f"counter({match.group(1)})")
        position = match.end()
    if position < len(label):
        pieces.append(_css_string(label[position:]))
    return mark_safe(" ".join(pieces) or '""')
