"""The one upload service of the portal (SPEC 8): a file is judged by its content, never its
name; images are re-encoded (which drops EXIF and anything hidden after the image data); a PDF
must parse. Every refusal is a DomainError on the upload field that says what to do instead."""

import hashlib
import io
import uuid
import warnings
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from portal.audit.services import record
from portal.core.errors import DomainError
from portal.documents.models import Document, DocumentSource, DocumentType, OwnerKind

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
_EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}


def sniff_content_type(head: bytes) -> str | None:
    """The real format from the first bytes (magic numbers)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return PDF
    return None


def _size(n: int) -> str:
    return filesizeformat(n).replace("\xa0", " ")


def _reencode_image(data: bytes, content_type: str, field: str) -> bytes:
    fmt = "JPEG" if content_type == JPEG else "PNG"
    Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x the pixel limit; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != fmt:
                    raise DomainError(_("文件内容与格式不符，请重新导出后上传"), code="bad_image", field=field)
                image.load()  # a truncated file fails here, not later when someone views it
                image = ImageOps.exif_transpose(image)
                if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                # Saved without the original info dict: EXIF (GPS, camera serial...) is gone.
                if fmt == "JPEG":
                    image.save(out, "JPEG", quality=90, optimize=True)
                else:
                    image.save(out, "PNG", optimize=True)
                return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(
            _("图片尺寸过大，请压缩后上传（不超过 %(mp)s 百万像素）") % {"mp": settings.UPLOAD_MAX_PIXELS // 1_000_000},
            code="image_too_large", field=field,
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise DomainError(_("图片文件已损坏或不完整，请重新拍照或导出后上传"), code="bad_image", field=field) from None


def _check_pdf(data: bytes, field: str) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DomainError(_("PDF 文件已加密，请上传未加密的文件"), code="pdf_encrypted", field=field)
        if len(reader.pages) < 1:
            raise DomainError(_("PDF 文件没有页面"), code="bad_pdf", field=field)
        reader.pages[0].mediabox  # noqa: B018 — touching the first page parses its object tree
    except DomainError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise DomainError(_("PDF 文件已损坏，无法打开，请重新导出后上传"), code="bad_pdf", field=field) from None


def validated_content(upload, *, field: str = "file") -> tuple[bytes, str]:
    """Read an uploaded file and return (bytes to store, content type), or refuse it."""
    size = getattr(upload, "size", None)
    limit = settings.UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise DomainError(
            _("文件不能超过 %(limit)s，当前文件 %(size)s") % {"limit": _size(limit), "size": _size(size)},
            code="too_large", field=field,
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("文件不能超过 %(limit)s") % {"limit": _size(limit)}, code="too_large", field=field)
    if not data:
        raise DomainError(_("文件是空的，请重新选择"), code="empty", field=field)
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise DomainError(
            _("只能上传 JPG、PNG 图片或 PDF 文件；所选文件的内容不是这些格式（与文件扩展名无关）"),
            code="bad_type", field=field,
        )
    if content_type == PDF:
        _check_pdf(data, field)
        return data, content_type
    return _reencode_image(data, content_type, field), content_type


def _default_expiry(doc_type: DocumentType, issued_on: date | None) -> date | None:
    if not doc_type.default_validity_months:
        return None
    return (issued_on or timezone.localdate()) + relativedelta(months=doc_type.default_validity_months)


def store_upload(
    *,
    upload,
    doc_type: DocumentType | str,
    uploaded_by,
    owner_user=None,
    owner_enterprise=None,
    issued_on: date | None = None,
    expires_on: date | None = None,
    field: str = "file",
) -> Document:
    """Validate and keep an uploaded file as a Document of ``doc_type`` owned by a person or
    an enterprise. Raises DomainError on ``field`` when the file is refused."""
    if isinstance(doc_type, str):
        doc_type = DocumentType.objects.get(code=doc_type)
    if owner_user is None and owner_enterprise is None:
        raise ValueError("A document needs an owner")
    if doc_type.owner_kind == OwnerKind.ENTERPRISE and owner_enterprise is None:
        raise DomainError(_("%(type)s 应属于企业") % {"type": doc_type.name}, field=field)
    if expires_on and expires_on < timezone.localdate():
        raise DomainError(_("证件已过期，请上传有效期内的证件"), code="expired", field="expires_on")
    data, content_type = validated_content(upload, field=field)
    return _save(
        data=data, content_type=content_type, doc_type=doc_type, uploaded_by=uploaded_by,
        owner_user=owner_user, owner_enterprise=owner_enterprise, issued_on=issued_on,
        expires_on=expires_on or _default_expiry(doc_type, issued_on),
        original_name=str(getattr(upload, "name", "") or "")[-200:], source=DocumentSource.UPLOAD,
    )


def store_generated(
    *, data: bytes, doc_type: DocumentType | str, owner_user=None, owner_enterprise=None,
    name: str, source: str = DocumentSource.GENERATED, created_by=None,
) -> Document:
    """Keep a file the portal produced itself (a rendered PDF, a signed copy)."""
    if isinstance(doc_type, str):
        doc_type = DocumentType.objects.get(code=doc_type)
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise ValueError("generated documents are PDF, PNG or JPEG")
    return _save(
        data=data, content_type=content_type, doc_type=doc_type, uploaded_by=created_by,
        owner_user=owner_user, owner_enterprise=owner_enterprise, issued_on=timezone.localdate(),
        expires_on=None, original_name=name, source=source,
    )


def _save(*, data, content_type, doc_type, uploaded_by, owner_user, owner_enterprise, issued_on,
          expires_on, original_name, source) -> Document:
    with transaction.atomic():
        document = Document(
            doc_type=doc_type,
            owner_user=owner_user,
            owner_enterprise=owner_enterprise,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            original_name=original_name,
            issued_on=issued_on,
            expires_on=expires_on,
            source=source,
            uploaded_by=uploaded_by,
        )
        # A random name: the user's file name never becomes a path on our disk.
        document.file.save(f"{uuid.uuid4().hex}.{_EXTENSIONS[content_type]}", ContentFile(data), save=False)
        # If the row cannot be written, do not leave an orphan file behind.
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
        record(actor=uploaded_by, action=_("上传证照") if source == DocumentSource.UPLOAD else _("生成文件"),
               obj=document, subject=owner_user)
    return document
