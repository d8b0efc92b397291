"""The backoffice: document types are editable, documents are listed masked and downloaded
through the same checked, audited view as customers use."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from portal.audit.models import AuditEvent, AuditKind
from portal.documents.models import DocumentType
from tests.factories import DocumentFactory, EnterpriseFactory, StaffFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="documents",
            codename__in=["view_document", "view_any_document", "view_documenttype", "change_documenttype"],
        )
    )
    client.force_login(user)
    return user


def test_the_document_list_masks_owners_and_links_to_the_checked_download(client, staff):
    owner = VerifiedUserFactory(name="欧阳娜娜", phone="13812345678")
    photo = DocumentFactory(owner_user=owner, doc_type=DocumentType.objects.get(code="id_card_front"))
    DocumentFactory(owner_user=None, owner_enterprise=EnterpriseFactory(name="青海高原制造有限公司"))
    page = client.get(reverse("admin:documents_document_changelist")).content.decode()
    assert "欧**娜 138****5678" in page
    assert "13812345678" not in page
    assert "欧阳娜娜" not in page
    assert "青海高原制造有限公司" in page
    assert "身份证人像面" in page
    download = reverse("documents:download", args=[photo.pk])
    assert download in page

    assert client.get(download).status_code == 200
    event = AuditEvent.objects.get(kind=AuditKind.ACCESS)
    assert event.subject == owner and event.actor == staff


@pytest.mark.parametrize("rows", [10, 200])
def test_the_document_list_runs_a_fixed_number_of_queries(client, staff, rows, django_assert_max_num_queries):
    DocumentFactory.create_batch(rows)
    # session, user, 2 permission lookups, type filter, 2 counts, page, date hierarchy (2),
    # session save (3)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("admin:documents_document_changelist"))
    assert response.status_code == 200


def test_document_types_are_editable_reference_data(client, staff):
    licence = DocumentType.objects.get(code="power_of_attorney")
    url = reverse("admin:documents_documenttype_change", args=[licence.pk])
    response = client.post(
        url,
        {
            "name": "授权委托书",
            "owner_kind": "any",
            "reusable": "on",
            "customer_upload": "on",
            "default_validity_months": "6",
            "description": "加盖公章",
        },
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.default_validity_months == 6 and licence.code == "power_of_attorney"


def test_staff_without_the_view_permission_cannot_download_from_the_admin_link(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("documents:download", args=[DocumentFactory().pk])).status_code == 404


def test_a_failed_pdf_render_is_retried_from_the_admin(client, django_capture_on_commit_callbacks):
    from portal.documents.models import PdfRender, PdfRenderStatus
    from portal.documents.services import request_pdf

    superuser = StaffFactory(is_superuser=True)
    client.force_login(superuser)
    render = request_pdf(
        template_name="pdf/example.html",
        context={"title": "答复单", "customer_name": "张伟"},
        doc_type="application_form",
        owner_user=VerifiedUserFactory(),
        name="答复单",
    )
    PdfRender.objects.filter(pk=render.pk).update(status=PdfRenderStatus.FAILED, last_error="font missing")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:documents_pdfrender_changelist"), {"action": "retry", "_selected_action": [render.pk]}
        )
    assert response.status_code == 302
    render.refresh_from_db()
    assert render.status == PdfRenderStatus.DONE and render.document is not None
    assert AuditEvent.objects.filter(action="重新生成PDF", actor=superuser).exists()


def test_the_signature_list_masks_the_signer(client, staff):
    from portal.signing.services import save_signature
    from tests.documents.conftest import signature_png
    from tests.signing.conftest import as_data_url

    staff.user_permissions.add(Permission.objects.get(codename="view_signature"))
    save_signature(
        user=VerifiedUserFactory(name="欧阳娜娜", phone="13812345678"), data_url=as_data_url(signature_png())
    )
    page = client.get(reverse("admin:signing_signature_changelist")).content.decode()
    assert "欧**娜 138****5678" in page and "13812345678" not in page
