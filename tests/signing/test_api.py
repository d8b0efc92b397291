"""REST API of signatures: the mobile app's signing pad saves through the same service."""

import pytest
from rest_framework.test import APIClient

from portal.signing.models import Signature
from tests.factories import VerifiedUserFactory
from tests.signing.conftest import as_data_url
from tests.signing.test_signature_service import png

pytestmark = pytest.mark.django_db

URL = "/api/v1/signatures/"


@pytest.fixture
def user():
    return VerifiedUserFactory()


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_signature_is_saved_and_listed(api, user, drawn_signature):
    response = api.post(URL, {"data_url": drawn_signature}, format="json")
    assert response.status_code == 201
    body = response.json()
    signature = Signature.objects.get(user=user)
    assert body["document_id"] == signature.image_id and body["sha256"] == signature.sha256
    image = api.get(body["image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert [s["id"] for s in api.get(URL).json()["results"]] == [signature.pk]


def test_a_blank_pad_is_refused_with_please_sign_first(api):
    response = api.post(URL, {"data_url": as_data_url(png((600, 200)))}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"data_url": ["请先签名"]}
    assert not Signature.objects.exists()


def test_a_jpeg_is_refused(api):
    response = api.post(URL, {"data_url": "data:image/jpeg;base64,/9j/4AAQ"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_signature"


def test_someone_elses_signatures_are_not_listed(api, drawn_signature):
    other = APIClient()
    other.force_authenticate(VerifiedUserFactory())
    other.post(URL, {"data_url": drawn_signature}, format="json")
    assert api.get(URL).json()["count"] == 0
    image_id = Signature.objects.get().image_id
    assert api.get(f"/api/v1/documents/{image_id}/file/").status_code == 404


def test_an_empty_or_oversize_data_url_says_why(api):
    assert api.post(URL, {"data_url": ""}, format="json").json()["fields"] == {"data_url": ["请先签名"]}
    huge = "data:image/png;base64," + "A" * 800_000
    assert api.post(URL, {"data_url": huge}, format="json").json()["fields"] == {
        "data_url": ["签名图片过大，请清除后重新签名"]
    }
