"""The one upload service of the portal (SPEC 8): a file is judged by its content, never its
name; images are re-encoded (which drops EXIF and anything hidden after the image data); a PDF
must parse. Every refusal is a DomainError on the upload field that says what to do instead."""

import hashlib
import io
import uuid
import warnings
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.template.loader import get_template
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageFile, ImageOps
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from portal.audit.services import record
from portal.core.errors import DomainError
from portal.documents.models import (
    Document,
    DocumentSource,
    DocumentType,
    OwnerKind,
    PdfRender,
    PdfRenderStatus,
)

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


def strict_image_loading() -> None:
    """Make Pillow refuse truncated images. Importing WeasyPrint turns Pillow's process-wide
    LOAD_TRUNCATED_IMAGES on (weasyprint/images.py), which would let a cut-off upload through
    in any process that ever rendered a PDF; every check that relies on ``load()`` failing
    calls this first."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False


def _reencode_image(data: bytes, content_type: str, field: str) -> bytes:
    fmt = "JPEG" if content_type == JPEG else "PNG"
    strict_image_loading()
    Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x the pixel limit; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image  # opened as an ImageFile, transposed and converted into plain Images
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
            code="image_too_large",
            field=field,
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


# Actions that run something or reach out when a PDF is opened or clicked; links (URI, GoTo) stay.
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/Movie",
    "/Sound",
    "/RichMediaExecute",
    "/SetOCGState",
    "/Hide",
    "/Named",
}
# Annotations that carry files or media.
_ACTIVE_ANNOTATIONS = {"/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"}
# What must not be left anywhere in the rewritten file (checked on the bytes written).
_ACTIVE_MARKERS = (
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/EmbeddedFile",
    b"/OpenAction",
    b"/AA",
    b"/RichMedia",
    b"/XFA",
    b"/SubmitForm",
    b"/ImportData",
)


def sanitize_pdf(data: bytes, field: str = "file") -> bytes:
    """Rewrite an uploaded PDF with its pages only: no document-level open action, scripts,
    embedded files or form (they are not copied), no page or annotation actions that run or
    launch anything, no file or media annotations. A file in which something active survives
    the rewrite is refused with the reason."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        writer = PdfWriter()
        for source in reader.pages:
            page = writer.add_page(source)
            for key in ("/AA", "/PieceInfo"):
                if key in page:
                    del page[NameObject(key)]
            annotations = page.get("/Annots")
            if annotations is None:
                continue
            kept = ArrayObject()
            for ref in annotations.get_object():
                annotation = ref.get_object()
                if annotation.get("/Subtype") in _ACTIVE_ANNOTATIONS:
                    continue
                for key in ("/AA",):
                    if key in annotation:
                        del annotation[NameObject(key)]
                action = annotation.get("/A")
                if action is not None and action.get_object().get("/S") in _ACTIVE_ACTIONS:
                    del annotation[NameObject("/A")]
                kept.append(ref)
            page[NameObject("/Annots")] = kept
        out = io.BytesIO()
        writer.write(out)
    except DomainError:
        raise
    except Exception:  # pypdf's errors on hostile structure vary; all mean "cannot be cleaned"
        raise DomainError(
            _("PDF 文件结构异常，无法安全处理，请重新导出（打印为 PDF）后上传"), code="bad_pdf", field=field
        ) from None
    cleaned = out.getvalue()
    if any(marker in cleaned for marker in _ACTIVE_MARKERS):
        raise DomainError(
            _("PDF 文件含有脚本、附件或自动执行的操作，无法安全处理；请重新导出（打印为 PDF）后上传"),
            code="pdf_active_content",
            field=field,
        )
    return cleaned


def validated_content(upload, *, field: str = "file") -> tuple[bytes, str]:
    """Read an uploaded file and return (bytes to store, content type), or refuse it."""
    size = getattr(upload, "size", None)
    limit = settings.UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise DomainError(
            _("文件不能超过 %(limit)s，当前文件 %(size)s") % {"limit": _size(limit), "size": _size(size)},
            code="too_large",
            field=field,
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
            code="bad_type",
            field=field,
        )
    if content_type == PDF:
        _check_pdf(data, field)
        return sanitize_pdf(data, field), content_type
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
        data=data,
        content_type=content_type,
        doc_type=doc_type,
        uploaded_by=uploaded_by,
        owner_user=owner_user,
        owner_enterprise=owner_enterprise,
        issued_on=issued_on,
        expires_on=expires_on or _default_expiry(doc_type, issued_on),
        original_name=str(getattr(upload, "name", "") or "")[-200:],
        source=DocumentSource.UPLOAD,
    )


def store_generated(
    *,
    data: bytes,
    doc_type: DocumentType | str,
    owner_user=None,
    owner_enterprise=None,
    name: str,
    source: str = DocumentSource.GENERATED,
    created_by=None,
    audit_action: str | None = None,
) -> Document:
    """Keep a file the portal produced itself (a rendered PDF, a signed copy, a drawn signature).
    ``audit_action`` names the event in the audit trail when "生成文件" would say too little."""
    if isinstance(doc_type, str):
        doc_type = DocumentType.objects.get(code=doc_type)
    if owner_user is None and owner_enterprise is None:
        raise ValueError("A document needs an owner")
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise ValueError("generated documents are PDF, PNG or JPEG")
    return _save(
        data=data,
        content_type=content_type,
        doc_type=doc_type,
        uploaded_by=created_by,
        owner_user=owner_user,
        owner_enterprise=owner_enterprise,
        issued_on=timezone.localdate(),
        expires_on=None,
        original_name=name,
        source=source,
        audit_action=audit_action,
    )


def _save(
    *,
    data,
    content_type,
    doc_type,
    uploaded_by,
    owner_user,
    owner_enterprise,
    issued_on,
    expires_on,
    original_name,
    source,
    audit_action=None,
) -> Document:
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
        if audit_action is None:
            audit_action = gettext_noop("上传证照") if source == DocumentSource.UPLOAD else gettext_noop("生成文件")
        record(actor=uploaded_by, action=audit_action, obj=document, subject=owner_user)
    return document


def request_pdf(
    *,
    template_name: str,
    context: dict[str, Any] | None = None,
    doc_type: DocumentType | str,
    name: str,
    owner_user=None,
    owner_enterprise=None,
    context_builder: str = "",
    on_done: str = "",
    on_done_kwargs: dict[str, Any] | None = None,
) -> PdfRender:
    """Ask for a PDF to be rendered by a worker and kept as a Document; returns at once.

    Call it inside the business transaction that needs the PDF: the request row commits with
    it, and the render is enqueued on commit (a broker outage only delays it — the sweeper
    picks up requests left pending). The caller either keeps the returned ``PdfRender`` (a
    foreign key on its own model; ``render.document`` is filled when done) or names an
    ``on_done`` callback, a dotted path called in the worker's transaction as
    ``fn(render=..., document=..., **on_done_kwargs)`` — e.g. to link the document to a work
    order and notify the customer.

    ``context`` must be JSON (ids, strings, numbers; dates become ISO strings). To give the
    template model instances, name a ``context_builder``: a dotted path called in the worker as
    ``builder(**context)`` that returns the template context.
    """
    if isinstance(doc_type, str):
        doc_type = DocumentType.objects.get(code=doc_type)
    if owner_user is None and owner_enterprise is None:
        raise ValueError("A PDF needs an owner")
    for path in (context_builder, on_done):
        if path:
            import_string(path)  # a typo fails here, in the caller's test, not later in a worker
    get_template(template_name)
    with transaction.atomic():
        render = PdfRender.objects.create(
            template_name=template_name,
            context=context or {},
            context_builder=context_builder,
            doc_type=doc_type,
            owner_user=owner_user,
            owner_enterprise=owner_enterprise,
            name=name[:200],
            on_done=on_done,
            on_done_kwargs=on_done_kwargs or {},
        )
        enqueue_render(render.pk)
    return render


def enqueue_render(render_id: int) -> None:
    """Send the render to a worker once the current transaction commits."""
    from portal.documents.tasks import dispatch_render

    transaction.on_commit(lambda: dispatch_render(render_id), robust=True)


def complete_render(*, render_id: int) -> Document | None:
    """Render a requested PDF and keep it (runs in the worker). Idempotent: a render already
    done (a task delivered twice) returns its document without rendering again."""
    from portal.documents.pdf import render_pdf

    with transaction.atomic():
        # The lock keeps two deliveries of the same task from storing two documents.
        render = PdfRender.objects.select_for_update().select_related("doc_type").filter(pk=render_id).first()
        if render is None:
            return None
        if render.status == PdfRenderStatus.DONE:
            return render.document
        render.attempts += 1
        context = dict(render.context)
        if render.context_builder:
            context = import_string(render.context_builder)(**context)
        data = render_pdf(render.template_name, context)
        name = render.name if render.name.lower().endswith(".pdf") else f"{render.name}.pdf"
        document = store_generated(
            data=data,
            doc_type=render.doc_type,
            owner_user=render.owner_user,
            owner_enterprise=render.owner_enterprise,
            name=name,
        )
        try:
            render.document = document
            render.status = PdfRenderStatus.DONE
            render.finished_at = timezone.now()
            render.last_error = ""
            render.save(update_fields=["document", "status", "finished_at", "attempts", "last_error"])
            if render.on_done:
                import_string(render.on_done)(render=render, document=document, **render.on_done_kwargs)
        except Exception:
            # The rows roll back; the file written for them must not stay behind on disk.
            document.file.delete(save=False)
            raise
    return document


def note_render_failure(*, render_id: int, error: str, final: bool) -> None:
    """Keep the error for staff; after the last retry the render is marked failed."""
    update = {"last_error": error[:2000], "attempts": F("attempts") + 1}
    if final:
        update["status"] = PdfRenderStatus.FAILED
    PdfRender.objects.filter(pk=render_id).exclude(status=PdfRenderStatus.DONE).update(**update)


def retry_render(*, render: PdfRender, by) -> None:
    """Staff: put a failed render back in the queue (after fixing its template or data)."""
    with transaction.atomic():
        PdfRender.objects.filter(pk=render.pk, status=PdfRenderStatus.FAILED).update(
            status=PdfRenderStatus.PENDING, attempts=0
        )
        record(actor=by, action=gettext_noop("重新生成PDF"), obj=render)
        enqueue_render(render.pk)
