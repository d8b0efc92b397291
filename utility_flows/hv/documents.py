"""Pushed documents of the HV e-assistant: rendered by the worker, signed by the customer.

The signed copy is a NEW PDF: the worker lays the signature (and seal) picture over the last
page of the unsigned PDF with pypdf and keeps the result with its SHA-256. The unsigned copy
stays as it was; both are readable by the customer and staff."""

from __future__ import annotations

import base64
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader, PdfWriter

from portal.core.errors import DomainError
from utility_flows.hv.models import PushedDocument

MM = 72 / 25.4


def pdf_context(*, pushed_id: int) -> dict:
    """Template context of a pushed document (called in the worker)."""
    pushed = PushedDocument.objects.select_related(
        "process__order__application__enterprise",
        "process__order__assignee__staff_profile",
        "process__order__region",
        "pushed_by",
    ).get(pk=pushed_id)
    process = pushed.process
    order = process.order
    application = order.application
    answers = (application.data or {}).get("answers", {})
    last = {s.kind: s for s in process.submissions.order_by("at", "id")}
    return {
        "title": pushed.get_kind_display(),
        "document_number": f"{order.number}-{pushed.pk}",
        "issued_on": timezone.localdate(pushed.pushed_at).isoformat(),
        "pushed": pushed,
        "process": process,
        "order": order,
        "application": application,
        "customer_name": application.enterprise.name if application.enterprise else order.customer.name,
        "answers": answers,
        "submissions": last,
        "manager": order.assignee,
    }


def pushed_rendered(*, render, document, pushed_id: int) -> None:
    """The worker finished a pushed document: link it (the customer may now preview and sign)."""
    PushedDocument.objects.filter(pk=pushed_id).update(unsigned=document)


def _signing_spot(page) -> tuple[float, float] | None:
    """Where the customer's signature line (客户签字) is on the page, in PDF points."""
    found: list[tuple[float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if "客户签字" in text and not found:
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found[0] if found else None


def _overlay(width: float, height: float, pictures: list[tuple[bytes, float, float, float]]) -> PdfReader:
    """A transparent page of ``width`` x ``height`` points with each (png, x, y, width_mm) placed
    with its lower-left corner at (x, y) — drawn by WeasyPrint, which keeps PNG transparency."""
    from weasyprint import HTML

    imgs = []
    for png, x, y, width_mm in pictures:
        with Image.open(io.BytesIO(png)) as image:
            ratio = image.height / image.width
        h_pt = width_mm * MM * ratio
        top = height - y - h_pt
        uri = "data:image/png;base64," + base64.b64encode(png).decode()
        imgs.append(f'<img src="{uri}" style="position:absolute;left:{x:.1f}pt;top:{top:.1f}pt;width:{width_mm}mm">')
    html = (
        f"<html><head><style>@page {{ size: {width:.1f}pt {height:.1f}pt; margin: 0 }} body {{ margin: 0 }}"
        f"</style></head><body>{''.join(imgs)}</body></html>"
    )
    return PdfReader(io.BytesIO(HTML(string=html).write_pdf()))


def stamp(pdf: bytes, *, signature_png: bytes | None, seal_png: bytes | None = None, caption: str = "") -> bytes:
    """The signed PDF: the unsigned one with the signature (and seal) placed under the
    customer's signature line of the last page (lower right when the line is not found)."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    writer.append(reader)
    last = writer.pages[-1]
    width, height = float(last.mediabox.width), float(last.mediabox.height)
    spot = _signing_spot(reader.pages[-1])
    if spot is not None:
        x, y = spot
        sig_at, seal_at = (x + 2 * MM, y - 26 * MM), (x + 14 * MM, y - 36 * MM)
    else:
        sig_at, seal_at = (width - 88 * MM, 30 * MM), (width - 56 * MM, 30 * MM)
    pictures = []
    if seal_png:
        pictures.append((seal_png, *seal_at, 38))
    if signature_png:
        pictures.append((signature_png, *sig_at, 45))
    if pictures:
        last.merge_page(_overlay(width, height, pictures).pages[0])
    if caption:
        writer.add_metadata({"/Subject": caption})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def latest(process, kind: str) -> PushedDocument | None:
    return process.documents.filter(kind=kind).order_by("-pushed_at", "-id").first()


def ready_to_sign(process, kind: str) -> PushedDocument:
    pushed = latest(process, kind)
    if pushed is None or pushed.unsigned_id is None:
        raise DomainError(_("文件正在生成，请稍后刷新再签署"), code="not_ready")
    if pushed.signed_at is not None:
        raise DomainError(_("该文件已签署"), code="already_signed")
    return pushed


def make_signed_copy(*, pushed_id: int, seal_id: int | None = None) -> int | None:
    """Worker: write the signed PDF of a pushed document (idempotent)."""
    from portal.documents.services import store_generated

    with transaction.atomic():
        pushed = (
            PushedDocument.objects.select_for_update(of=("self",))
            .select_related(
                "unsigned",
                "process__order__application__enterprise",
            )
            .get(pk=pushed_id)
        )
        if pushed.signed_id is not None:
            return pushed.signed_id
        from portal.signing.models import Signature

        signature = (
            Signature.objects.filter(user=pushed.signed_by, created_at__lte=pushed.signed_at)
            .select_related("image")
            .order_by("-created_at", "-id")
            .first()
            if pushed.signed_how != PushedDocument.SignedBy.SCAN
            else None
        )
        seal_png = None
        if seal_id:
            from portal.signing.models import Seal

            seal_png = Seal.objects.select_related("image").get(pk=seal_id).image.file.read()
        with pushed.unsigned.file.open("rb") as f:
            unsigned = f.read()
        signed = stamp(
            unsigned,
            signature_png=signature.image.file.read() if signature else None,
            seal_png=seal_png,
            caption=_("%(name)s 于 %(at)s 签署")
            % {"name": pushed.signed_by.name, "at": timezone.localtime(pushed.signed_at).strftime("%Y-%m-%d %H:%M")},
        )
        order = pushed.process.order
        enterprise = order.application.enterprise
        document = store_generated(
            data=signed,
            doc_type="hv_pushed",
            owner_user=order.customer if enterprise is None else None,
            owner_enterprise=enterprise,
            name=f"{pushed.get_kind_display()}-{order.number}-{_('已签署')}.pdf",
            created_by=pushed.signed_by,
            audit_action=_("生成已签署文件"),
        )
        PushedDocument.objects.filter(pk=pushed.pk).update(signed=document, signed_sha256=document.sha256)
        return document.pk
