"""Issue 7: inspectors (用电检查人员) read every customer's ID-card photos through
documents.view_document, though their role covers pause / reduction / restore only."""

import pytest
from django.urls import reverse

from applications.models import ApplicationDocument
from portal.accounts.roles import Role
from portal.audit.models import AuditEvent
from portal.documents.models import DocumentType
from tests.factories import ApplicationFactory, DocumentFactory, ServiceAccountFactory, StaffFactory

pytestmark = pytest.mark.django_db


def id_photo_of(business_code: str, **extra):
    sensitive = DocumentType.objects.filter(sensitive=True).first()
    document = DocumentFactory(**({"doc_type": sensitive} if sensitive else {}))
    application = ApplicationFactory(business_code=business_code, applicant=document.owner_user, **extra)
    ApplicationDocument.objects.create(
        application=application, requirement="id_photo", document=document, how="uploaded"
    )
    return document


def read(client, staff, document) -> int:
    client.force_login(staff)
    return client.get(reverse("documents:download", args=[document.pk])).status_code


def test_an_inspector_reads_the_files_of_a_pause_but_not_of_a_new_connection(client):
    inspector = StaffFactory(roles=[Role.INSPECTOR])
    new_connection = id_photo_of("residential_new")
    pause = id_photo_of("pause", service_account=ServiceAccountFactory())

    assert read(client, inspector, new_connection) == 404
    assert read(client, inspector, pause) == 200


def test_an_inspector_reads_no_file_that_is_not_part_of_an_application(client):
    assert read(client, StaffFactory(roles=[Role.INSPECTOR]), DocumentFactory()) == 404


def test_an_account_manager_reads_any_customers_file_and_the_read_is_audited(client):
    manager = StaffFactory(roles=[Role.ACCOUNT_MANAGER])
    document = id_photo_of("residential_new")
    assert read(client, manager, document) == 200
    if document.doc_type.sensitive:
        assert AuditEvent.objects.filter(actor=manager, kind="access").exists()
