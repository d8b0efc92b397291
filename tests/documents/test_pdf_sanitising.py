"""Issue 7: a PDF with /OpenAction JavaScript was accepted and served inline unchanged."""

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.documents.models import Document
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db
ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction", b"/AA")


def hostile_pdf() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    names = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {
                    NameObject("/Names"): ArrayObject(
                        [
                            TextStringObject("x"),
                            DictionaryObject(
                                {
                                    NameObject("/S"): NameObject("/JavaScript"),
                                    NameObject("/JS"): TextStringObject("app.alert('pwned')"),
                                }
                            ),
                        ]
                    )
                }
            )
        }
    )
    writer._root_object[NameObject("/Names")] = names
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.launchURL('x')"),
        }
    )
    page[NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("calc.exe"),
                }
            )
        }
    )
    writer.add_attachment("payload.exe", b"MZ" + b"\x00" * 64)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert all(marker in data for marker in (b"/OpenAction", b"/JavaScript", b"/Launch", b"/EmbeddedFile"))
    return data


@pytest.fixture
def api():
    client = APIClient()
    user = VerifiedUserFactory()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def upload(api, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.post(
        "/api/v1/documents/",
        {"doc_type": "property_proof", "file": SimpleUploadedFile("证明.pdf", data, content_type="application/pdf")},
        format="multipart",
    )


def test_scripts_launch_actions_and_embedded_files_are_removed_and_the_pages_kept(api):
    response = upload(api, hostile_pdf())
    assert response.status_code == 201
    stored = Document.objects.get().file.read()
    assert not any(marker in stored for marker in ACTIVE)
    assert len(PdfReader(io.BytesIO(stored)).pages) == 1


def test_a_preview_is_served_in_a_csp_sandbox(api):
    document_id = upload(api, hostile_pdf()).json()["id"]
    response = api.get(f"/api/v1/documents/{document_id}/file/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_preview_page_is_sandboxed_too(client):
    from django.urls import reverse

    from tests.factories import DocumentFactory

    document = DocumentFactory()
    client.force_login(document.owner_user)
    response = client.get(reverse("documents:preview", args=[document.pk]))
    assert response.status_code == 200 and "sandbox" in response["Content-Security-Policy"]
