"""REST API of documents: the customer's own documents, upload, the file, the types."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from portal.accounts.models import EnterpriseMembership
from portal.audit.models import AuditEvent, AuditKind
from portal.documents.models import Document, DocumentType
from tests.documents.conftest import jpeg_bytes, pdf_bytes, png_bytes
from tests.factories import SMALL_PNG, DocumentFactory, EnterpriseFactory, StaffFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/documents/"


@pytest.fixture
def customer():
    return VerifiedUserFactory()


@pytest.fixture
def api(customer):
    client = APIClient()
    client.force_authenticate(customer)
    return client


def upload_data(**overrides):
    data = {
        "doc_type": "property_proof",
        "issued_on": "2024-03-01",
        "expires_on": (timezone.localdate() + timedelta(days=400)).isoformat(),
        "file": SimpleUploadedFile("房产证.jpg", jpeg_bytes()),
    }
    data.update(overrides)
    return data


def test_a_customer_uploads_a_document_and_finds_it_in_their_list(api, customer):
    response = api.post(LIST, upload_data(), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["doc_type"] == {"code": "property_proof", "name": "产权证明"}
    assert body["content_type"] == "image/jpeg"
    assert body["issued_on"] == "2024-03-01"
    assert body["validity"] == "valid"
    assert body["owner_enterprise"] is None
    assert body["file_url"].endswith(f"/api/v1/documents/{body['id']}/file/")

    listed = api.get(LIST).json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == body["id"]


def test_an_enterprise_document_is_uploaded_for_an_enterprise_the_user_acts_for(api, customer):
    enterprise = EnterpriseFactory()
    EnterpriseMembership.objects.create(user=customer, enterprise=enterprise, relation="agent")
    response = api.post(
        LIST, upload_data(doc_type="business_licence", owner_enterprise=enterprise.pk), format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["owner_enterprise"] == {"id": enterprise.pk, "name": enterprise.name}


def test_a_stranger_enterprise_is_refused(api):
    response = api.post(
        LIST, upload_data(doc_type="business_licence", owner_enterprise=EnterpriseFactory().pk), format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["owner_enterprise"] == ["只能为本人绑定的企业上传证照"]
    assert not Document.objects.exists()


def test_generated_types_cannot_be_uploaded(api):
    response = api.post(LIST, upload_data(doc_type="signature"), format="multipart")
    assert response.status_code == 400
    assert "doc_type" in response.json()["fields"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("照片.jpg", b"MZ\x90\x00" + b"\x00" * 300, "只能上传 JPG、PNG 图片或 PDF 文件"),
        ("cut.png", png_bytes((300, 200), "red")[:80], "图片文件已损坏或不完整"),
        ("scan.pdf", b"%PDF-1.7\n not really a pdf", "PDF 文件已损坏"),
    ],
    ids=["renamed-exe", "truncated-png", "unparsable-pdf"],
)
def test_refused_files_say_why_on_the_file_field(api, name, data, message):
    response = api.post(LIST, upload_data(file=SimpleUploadedFile(name, data)), format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert message in body["fields"]["file"][0]
    assert body["detail"] == body["fields"]["file"][0]
    assert not Document.objects.exists()


def test_an_oversize_file_is_refused_with_the_limit(api, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    response = api.post(
        LIST, upload_data(file=SimpleUploadedFile("big.png", png_bytes() + b"\0" * 4096)), format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "too_large"
    assert "文件不能超过 2.0 KB" in response.json()["fields"]["file"][0]


def test_a_pdf_upload_is_accepted(api):
    response = api.post(LIST, upload_data(file=SimpleUploadedFile("x.pdf", pdf_bytes())), format="multipart")
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"


def test_the_detail_of_another_users_document_is_404(api):
    other = DocumentFactory()
    response = api.get(f"{LIST}{other.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get(f"{LIST}{other.pk}/file/").status_code == 404


def test_the_detail_of_my_document(api, customer):
    document = DocumentFactory(owner_user=customer, expires_on=timezone.localdate() - timedelta(days=1))
    body = api.get(f"{LIST}{document.pk}/").json()
    assert body["id"] == document.pk and body["validity"] == "expired"


def test_the_file_endpoint_streams_the_file_with_its_headers(api, customer):
    document = DocumentFactory(owner_user=customer, original_name="房产证.png")
    response = api.get(f"{LIST}{document.pk}/file/", HTTP_ACCEPT="image/png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SMALL_PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{quote('房产证.png')}")


def test_staff_reading_an_id_photo_through_the_api_is_logged_but_its_details_are_not(customer):
    photo = DocumentFactory(owner_user=customer, doc_type=DocumentType.objects.get(code="id_card_back"))
    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_document", "view_any_document"]))
    client = APIClient()
    client.force_authenticate(staff)
    assert client.get(f"{LIST}{photo.pk}/").status_code == 200
    assert not AuditEvent.objects.filter(kind=AuditKind.ACCESS).exists()
    assert client.get(f"{LIST}{photo.pk}/file/").status_code == 200
    assert AuditEvent.objects.get(kind=AuditKind.ACCESS).action == "查看身份证国徽面"


def test_anonymous_requests_are_refused():
    response = APIClient().get(LIST)
    assert response.status_code in (401, 403)


def all_pages(api, url) -> list[dict]:
    results = []
    while url:
        body = api.get(url).json()
        results += body["results"]
        url = body["next"]
    return results


def test_document_types_list_what_can_be_uploaded(api):
    types = {t["code"]: t for t in all_pages(api, "/api/v1/document-types/")}
    assert types["business_licence"]["owner_kind"] == "enterprise"
    assert types["id_card_front"]["sensitive"] is True
    assert types["signature"]["customer_upload"] is False
    assert types["property_proof"]["customer_upload"] is True


@pytest.mark.parametrize("rows", [10, 200])
def test_the_list_runs_a_fixed_number_of_queries(customer, rows, django_assert_max_num_queries):
    enterprise = EnterpriseFactory()
    EnterpriseMembership.objects.create(user=customer, enterprise=enterprise, relation="agent")
    DocumentFactory.create_batch(rows // 2, owner_user=customer)
    DocumentFactory.create_batch(
        rows - rows // 2,
        owner_user=None,
        owner_enterprise=enterprise,
        doc_type=DocumentType.objects.get(code="business_licence"),
    )
    DocumentFactory.create_batch(3)  # someone else's
    client = APIClient()
    client.force_authenticate(customer)
    with django_assert_max_num_queries(2):  # count + page
        body = client.get(LIST).json()
    assert body["count"] == rows
    assert len(body["results"]) == min(rows, 20)


def test_the_schema_documents_the_file_endpoint_as_binary():
    client = APIClient()
    client.force_authenticate(VerifiedUserFactory())
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    file_get = schema["paths"]["/api/v1/documents/{id}/file/"]["get"]
    assert file_get["tags"] == ["documents"]
    content = file_get["responses"]["200"]["content"]
    assert set(content) == {"image/jpeg", "image/png", "application/pdf"}
    assert content["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert "404" in file_get["responses"]
    upload = schema["paths"]["/api/v1/documents/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert upload["summary"] == "上传证照"
