"""Issue 7: a NUL character anywhere in the input answered 500 (PostgreSQL refuses it); it is
refused in one place with 400."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.documents.models import Document
from tests.factories import UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    user = VerifiedUserFactory()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(out, "PNG")
    return SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/service-accounts/12%0034/",
        "/api/v1/service-accounts/12%0034/bills/",
        "/api/v1/documents/?q=a%00b",
    ],
)
def test_nul_in_the_path_or_query_is_400_not_500(api, path):
    response = api.get(path)
    assert response.status_code == 400 and response.json()["code"] == "nul_character"


def test_nul_in_a_delete_path_is_400(api):
    assert api.delete("/api/v1/outage-watches/12%0034/").status_code == 400


def test_nul_in_a_multipart_field_is_400_and_nothing_is_stored(api):
    response = api.post("/api/v1/documents/", {"doc_type": "property_proof\x00", "file": png()}, format="multipart")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert not Document.objects.exists()


def test_nul_in_json_is_400(api):
    raw = b'{"phone": "1381234\\u00001234", "purpose": "register"}'
    response = api.post("/api/v1/sms-codes/", raw, content_type="application/json")
    assert response.status_code == 400


def test_nul_in_a_page_form_or_cookie_is_400(client):
    user = UserFactory()
    client.force_login(user)
    assert client.post(reverse("accounts:login"), {"phone": "138\x0012341234", "password": "x"}).status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get(reverse("core:home")).status_code == 400


def test_a_binary_file_with_nul_bytes_is_still_accepted(api):
    response = api.post("/api/v1/documents/", {"doc_type": "property_proof", "file": png()}, format="multipart")
    assert response.status_code == 201 and Document.objects.count() == 1
