"""Handing a private file to someone allowed to read it: the one place the page, the API and the
admin go through, so the permission check, the audit of sensitive reads and the headers are the
same everywhere."""

import logging
import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse, Http404
from django.utils.translation import gettext_noop

from portal.audit.services import record_access
from portal.documents.access import can_view
from portal.documents.models import Document
from portal.documents.selectors import document_for_reading

logger = logging.getLogger(__name__)

# Characters that break a header, a path or a Windows file name.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;%]+')


def safe_filename(document: Document) -> str:
    """The name the browser saves the file under: the customer's own name for it when there is
    one (房产证.jpg), else the type's name, always with the extension of what we really store."""
    original = re.split(r"[\\/]", document.original_name or "")[-1]
    stem = original.rsplit(".", 1)[0] if "." in original else original
    stem = unicodedata.normalize("NFC", stem)
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")  # control, format, private use
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:60]
    if not stem:
        stem = document.doc_type.name if document.doc_type_id else "document"
    return f"{stem}.{document.extension}"


def content_disposition(filename: str, *, inline: bool, fallback: str) -> str:
    """RFC 6266 with an ASCII ``filename`` for old clients and the real (Chinese) name in the
    RFC 5987 ``filename*`` that every current browser prefers."""
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def document_for(user, pk: int, *, reading_file: bool = True) -> Document:
    """The document ``pk`` if ``user`` may read it, else 404 (never 403: a guessed id must not
    reveal that the document exists). Reading the file of someone else's sensitive document
    (an ID card photo) goes into the owner's data-access log; ``reading_file=False`` is for
    callers that show only its type and dates."""
    document = document_for_reading(pk=pk)
    if document is None or not can_view(user, document):
        raise Http404
    if reading_file and document.doc_type.sensitive and document.owner_user_id != user.pk:
        record_access(
            actor=user,
            what=gettext_noop("查看%(type)s"),
            params={"type": document.doc_type.name},
            obj=document,
            subject=document.owner_user,
        )
    return document


def file_response(document: Document, *, inline: bool = False) -> FileResponse:
    """Stream the stored file with headers that keep it private and un-sniffed."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        logger.error("Document %s has no file on disk (%s)", document.pk, document.file.name)
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition(
        safe_filename(document), inline=inline, fallback=f"document-{document.pk}.{document.extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A file shown in the browser runs in a sandbox: no scripts, no forms, no same-origin access,
    # whatever it carries (uploaded PDFs are also cleaned of active content when stored).
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
    # Personal files must not stay in a shared proxy or on a public computer's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


def serve(user, pk: int, *, inline: bool = False) -> FileResponse:
    """Check, audit and stream in one call (what the views do)."""
    document = document_for(user, pk)
    # Only formats a browser shows safely are ever inline; the rest download.
    return file_response(document, inline=inline and (document.is_image or document.content_type == "application/pdf"))
