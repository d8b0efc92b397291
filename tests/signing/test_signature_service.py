"""save_signature keeps a real handwritten signature and refuses anything else."""

import base64
import hashlib
import io

import pytest
from PIL import Image, ImageDraw

from portal.audit.models import AuditEvent
from portal.core.errors import DomainError
from portal.documents.models import Document
from portal.signing.models import Signature
from portal.signing.services import latest_signature, save_signature
from tests.factories import VerifiedUserFactory
from tests.signing.conftest import as_data_url

pytestmark = pytest.mark.django_db


def png(size, fill=(0, 0, 0, 0), mode="RGBA", draw=None) -> bytes:
    image = Image.new(mode, size, fill)
    if draw:
        draw(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def refused(user, data_url) -> DomainError:
    with pytest.raises(DomainError) as error:
        save_signature(user=user, data_url=data_url)
    assert not Signature.objects.exists() and not Document.objects.exists()
    return error.value


def test_a_drawn_signature_is_kept_as_a_cropped_transparent_png(drawn_signature):
    user = VerifiedUserFactory()
    signature = save_signature(user=user, data_url=drawn_signature)

    document = signature.image
    assert document.doc_type.code == "signature"
    assert document.owner_user == user and document.content_type == "image/png"
    with document.file.open("rb") as fh:
        stored = fh.read()
    assert signature.sha256 == document.sha256 == hashlib.sha256(stored).hexdigest()
    with Image.open(io.BytesIO(stored)) as image:
        # The 600 x 200 pad is cropped to the ink (plus a margin); the paper stays transparent.
        assert image.size[0] < 600 and image.size[1] < 200
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0
    assert latest_signature(user=user) == signature
    assert AuditEvent.objects.filter(action="保存手写签名", actor=user).exists()


def test_a_signature_on_a_white_pad_loses_its_white(drawn_signature):
    data = png(
        (400, 160),
        fill=(255, 255, 255, 255),
        draw=lambda d: d.line([(20, 120), (200, 30), (380, 130)], fill=(20, 20, 120, 255), width=5),
    )
    signature = save_signature(user=VerifiedUserFactory(), data_url=as_data_url(data))
    with signature.image.file.open("rb") as fh, Image.open(fh) as image:
        assert image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    "data_url",
    [
        "",
        "   ",
        as_data_url(png((600, 200))),  # an untouched transparent pad
        as_data_url(png((600, 200), fill=(255, 255, 255, 255))),  # an untouched white pad
        as_data_url(png((600, 200), draw=lambda d: d.point((300, 100), fill=(0, 0, 0, 255)))),  # a stray tap
    ],
    ids=["empty", "spaces", "transparent-pad", "white-pad", "one-dot"],
)
def test_a_blank_pad_is_refused_with_please_sign_first(data_url):
    error = refused(VerifiedUserFactory(), data_url)
    assert error.message == "请先签名"
    assert error.code == "blank"


def test_a_jpeg_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (300, 100), "black").save(out, "JPEG")
    for data_url in (
        "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode(),
        "data:image/png;base64," + base64.b64encode(out.getvalue()).decode(),
    ):
        error = refused(VerifiedUserFactory(), data_url)
        assert "PNG" in error.message


def test_an_svg_or_plain_text_is_refused():
    for data_url in ("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "javascript:alert(1)", "hello"):
        assert refused(VerifiedUserFactory(), data_url).code == "bad_signature"


def test_broken_base64_and_a_truncated_png_are_refused(drawn_signature):
    assert refused(VerifiedUserFactory(), drawn_signature[:-7] + "!!!!!!!").code == "bad_signature"
    raw = base64.b64decode(drawn_signature.split(",", 1)[1])
    assert refused(VerifiedUserFactory(), as_data_url(raw[: len(raw) // 2])).code == "bad_signature"


def test_an_oversize_signature_is_refused():
    noise = Image.effect_noise((900, 900), 120).convert("RGBA")
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 512 * 1024
    error = refused(VerifiedUserFactory(), as_data_url(out.getvalue()))
    assert error.code == "too_large"
    assert error.message == "签名图片过大，请清除后重新签名"


def test_a_huge_canvas_is_refused_before_it_is_decoded():
    # Tiny file, 25 million pixels.
    error = refused(VerifiedUserFactory(), as_data_url(png((5000, 5000), mode="L", fill=255)))
    assert error.code == "too_large"
