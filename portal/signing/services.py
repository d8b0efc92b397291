"""Handwritten signatures (SPEC 4.2 stages 7–18: the customer signs pushed documents).

The signing pad in the browser sends a PNG data URL; the server decides whether it is a real,
non-blank PNG of sane size, crops it to the ink and keeps it as a Document of type
``signature``. Business apps place it on their PDFs with the ``data_uri`` filter."""

import base64
import binascii
import io
import warnings

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image

from portal.core.errors import DomainError
from portal.documents.services import store_generated, strict_image_loading
from portal.signing.models import Signature

DATA_URL_PREFIX = "data:image/png;base64,"
# A phone's canvas at 3x pixel density is about 1200 x 550; a wide desktop one 2000 x 400.
MAX_SIGNATURE_BYTES = 512 * 1024
MAX_SIDE = 4000
MAX_PIXELS = 6_000_000
# Fewer dark pixels than this is an empty pad or a stray tap, not a signature.
MIN_INK_PIXELS = 40
# Pixels darker than this (on white) count as ink.
INK_THRESHOLD = 200
CROP_MARGIN = 8


def _refuse(message, code: str, field: str) -> DomainError:
    return DomainError(message, code=code, field=field)


def _decode_png(data_url: str, field: str) -> bytes:
    if not data_url or not data_url.strip():
        raise _refuse(_("请先签名"), "blank", field)
    data_url = data_url.strip()
    if not data_url.startswith(DATA_URL_PREFIX):
        raise _refuse(_("签名须为 PNG 图片，请清除后重新签名"), "bad_signature", field)
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > (MAX_SIGNATURE_BYTES * 4) // 3 + 4:
        raise _refuse(_("签名图片过大，请清除后重新签名"), "too_large", field)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(_("签名数据已损坏，请清除后重新签名"), "bad_signature", field) from None
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise _refuse(_("签名图片过大，请清除后重新签名"), "too_large", field)
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise _refuse(_("签名须为 PNG 图片，请清除后重新签名"), "bad_signature", field)
    return raw


def signature_png(data_url: str, *, field: str = "signature") -> bytes:
    """Check a signing pad's data URL and return the signature as a PNG cropped to the ink
    (transparent background, no metadata). Raises DomainError on ``field``: "请先签名" for an
    empty pad, a reason for anything that is not a sane PNG."""
    raw = _decode_png(data_url, field)
    strict_image_loading()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as image:
                if image.format != "PNG":
                    raise _refuse(_("签名须为 PNG 图片，请清除后重新签名"), "bad_signature", field)
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise _refuse(_("签名图片尺寸过大，请清除后重新签名"), "too_large", field)
                image.load()
                rgba = image.convert("RGBA")
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("签名图片尺寸过大，请清除后重新签名"), "too_large", field) from None
    except (OSError, SyntaxError, ValueError):
        raise _refuse(_("签名数据已损坏，请清除后重新签名"), "bad_signature", field) from None

    # Ink is what is dark once the pad (transparent or white) is laid on white paper.
    on_white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    on_white.alpha_composite(rgba)
    lightness = on_white.convert("L")
    ink = lightness.point(lambda v: 255 if v < INK_THRESHOLD else 0)
    if ink.histogram()[255] < MIN_INK_PIXELS:
        raise _refuse(_("请先签名"), "blank", field)
    bbox = ink.getbbox()
    assert bbox is not None  # there is ink: the histogram said so
    left, top, right, bottom = bbox
    box = (
        max(left - CROP_MARGIN, 0),
        max(top - CROP_MARGIN, 0),
        min(right + CROP_MARGIN, rgba.width),
        min(bottom + CROP_MARGIN, rgba.height),
    )
    # Only the ink is kept, on a transparent background, so the signature sits on any page;
    # the pen's soft edges stay soft.
    cropped = on_white.crop(box)
    cropped.putalpha(lightness.crop(box).point(lambda v: min(255, (255 - v) * 2)))
    out = io.BytesIO()
    cropped.save(out, "PNG", optimize=True)
    return out.getvalue()


def save_signature(*, user, data_url: str, field: str = "signature") -> Signature:
    """Keep the signature ``user`` drew on the signing pad. Raises DomainError ("请先签名"
    for an empty pad)."""
    png = signature_png(data_url, field=field)
    with transaction.atomic():
        document = store_generated(
            data=png,
            doc_type="signature",
            owner_user=user,
            name=_("手写签名") + ".png",
            source="upload",
            created_by=user,
            audit_action=gettext_noop("保存手写签名"),
        )
        return Signature.objects.create(user=user, image=document, sha256=document.sha256)


def latest_signature(*, user) -> Signature | None:
    """The signature a user saved last, if any."""
    return Signature.objects.filter(user=user).select_related("image").order_by("-created_at", "-id").first()
