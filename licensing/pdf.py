"""The electronic licence (电子许可证): its template context, built in the worker, and the
callback that links the rendered PDF to the licence."""

import io

import segno
from django.conf import settings
from django.urls import reverse

from licensing.models import Licence


def verification_url(licence: Licence) -> str:
    """The public page the QR code opens (an absolute URL: it is read by a phone's camera)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("licensing:verify") + f"?number={licence.number}"


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def licence_context(*, licence_id: int) -> dict:
    licence = Licence.objects.select_related("firm__enterprise").prefetch_related("grants__level").get(pk=licence_id)
    url = verification_url(licence)
    return {
        "title": "承装（修、试）电力设施许可证",
        "document_number": licence.number,
        "licence": licence,
        "grants": list(licence.grants.all()),
        "verify_url": url,
        "qr_png": qr_png(url),
        "issued_on": licence.issued_on,
        "issuer": getattr(settings, "LICENSING_OFFICE_NAME", ""),
    }


def licence_rendered(*, render, document, licence_id: int) -> None:
    Licence.objects.filter(pk=licence_id).update(document=document)
