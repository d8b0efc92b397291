"""A phone photo is stored the way it was taken: the EXIF orientation is applied when the image is
re-encoded (the re-encoded file has no EXIF left to say how to turn it)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from applications import services
from portal.documents.services import store_upload
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

RED, BLUE = (220, 20, 20), (20, 20, 220)


def sideways_jpeg() -> bytes:
    """120×90 pixels as the sensor stored them, left half red, with EXIF Orientation=6: the
    camera was turned, the picture is meant to be shown rotated 90° clockwise (90×120)."""
    image = Image.new("RGB", (120, 90), BLUE)
    image.paste(RED, (0, 0, 60, 90))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def near(pixel, colour) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def assert_upright(document) -> None:
    with document.file.open("rb") as fh, Image.open(fh) as stored:
        assert stored.size == (90, 120)
        assert 0x0112 not in stored.getexif()  # nothing left for a viewer to turn again
        rgb = stored.convert("RGB")
        # Turned clockwise, the sensor's left (red) half is now the top.
        assert near(rgb.getpixel((45, 15)), RED) and near(rgb.getpixel((45, 105)), BLUE)


def test_an_uploaded_photo_is_stored_turned_as_its_exif_orientation_says():
    user = VerifiedUserFactory()
    document = store_upload(
        upload=SimpleUploadedFile("门牌.jpg", sideways_jpeg()),
        doc_type="property_proof",
        uploaded_by=user,
        owner_user=user,
    )
    assert_upright(document)


def test_a_photo_uploaded_for_an_application_is_stored_upright():
    user = VerifiedUserFactory()
    application = services.start_application(user=user, business_code="residential_new")
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        f"/api/v1/applications/{application.pk}/documents/id_front/",
        {"file": SimpleUploadedFile("身份证.jpg", sideways_jpeg(), content_type="image/jpeg")},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "uploaded"
    assert_upright(application.documents.get(requirement="id_front").document)
