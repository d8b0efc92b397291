"""The upload service judges files by content (SPEC 8)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.core.errors import DomainError
from portal.documents.services import store_upload
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(out, "PNG")
    return out.getvalue()


def upload(user, name, data, doc_type="property_proof"):
    return store_upload(upload=SimpleUploadedFile(name, data), doc_type=doc_type, uploaded_by=user, owner_user=user)


def test_a_photo_is_kept_reencoded_without_its_exif():
    user = VerifiedUserFactory()
    document = upload(user, "房产证.jpg", jpeg_with_exif())
    assert document.content_type == "image/jpeg"
    with document.file.open("rb") as fh, Image.open(fh) as stored:
        assert 0x010F not in stored.getexif()
    assert len(document.sha256) == 64


def test_a_renamed_exe_is_refused_whatever_its_name():
    user = VerifiedUserFactory()
    with pytest.raises(DomainError) as refused:
        upload(user, "photo.jpg", b"MZ\x90\x00" + b"\x00" * 200)
    assert "JPG、PNG 图片或 PDF" in refused.value.message
    assert user.documents.count() == 0


def test_an_oversize_file_is_refused_with_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(DomainError) as refused:
        upload(VerifiedUserFactory(), "big.png", png_bytes() + b"\x00" * 2048)
    assert "不能超过 1.0 KB" in refused.value.message
    assert refused.value.code == "too_large"


def test_a_truncated_png_is_refused():
    with pytest.raises(DomainError) as refused:
        upload(VerifiedUserFactory(), "cut.png", png_bytes()[:60])
    assert "损坏或不完整" in refused.value.message


def test_a_pdf_that_does_not_parse_is_refused():
    with pytest.raises(DomainError) as refused:
        upload(VerifiedUserFactory(), "scan.pdf", b"%PDF-1.7\n garbage without objects")
    assert "PDF 文件已损坏" in refused.value.message


def test_a_decompression_bomb_is_refused(settings):
    settings.UPLOAD_MAX_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("1", (3000, 3000)).save(out, "PNG")  # tiny file, 9 million pixels
    with pytest.raises(DomainError) as refused:
        upload(VerifiedUserFactory(), "bomb.png", out.getvalue())
    assert refused.value.code == "image_too_large"
