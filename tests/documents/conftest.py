import importlib
import io

import pytest
from PIL import Image, ImageDraw

from tests.documents.stand_ins import install_unread_count_stand_in


@pytest.fixture(autouse=True)
def _pages_of_other_branches(settings):
    settings.ROOT_URLCONF = "tests.documents.stand_in_urls"
    install_unread_count_stand_in()


def png_bytes(size=(40, 40), colour="white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(64, 48), colour="teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signature_png(size=(600, 200)) -> bytes:
    """A zig-zag drawn in black on a transparent pad, like signature_pad's output."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(20, 150), (120, 40), (200, 160), (300, 50), (420, 170), (560, 60)], fill=(0, 0, 0, 255), width=6
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def reseed_document_types() -> None:
    """Put back the document types the migrations seed, after a transactional test (ours or
    another app's) flushed the tables. Django's serialized_rollback cannot be used next to
    Playwright: its sync API gives the test a fresh database connection object that lacks the
    serialized copy."""
    from django.apps import apps

    for migration in ("0002_platform_document_types", "0004_signature_type"):
        importlib.import_module(f"portal.documents.migrations.{migration}").seed(apps, None)
