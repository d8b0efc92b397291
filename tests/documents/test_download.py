"""Private files leave only through the download view, to the people they belong to (SPEC 8)."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from portal.accounts.models import EnterpriseMembership
from portal.audit.models import AuditEvent, AuditKind
from portal.documents.access import register_access_rule, unregister_access_rule
from portal.documents.models import DocumentType
from tests.factories import SMALL_PNG, DocumentFactory, EnterpriseFactory, StaffFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def download(client, document, view="documents:download"):
    return client.get(reverse(view, args=[document.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def id_card_photo(owner):
    return DocumentFactory(
        owner_user=owner, doc_type=DocumentType.objects.get(code="id_card_front"), original_name="身份证正面.png"
    )


def test_the_owner_downloads_their_file_under_its_chinese_name(client):
    owner = VerifiedUserFactory()
    document = DocumentFactory(owner_user=owner, original_name="房产证.png")
    client.force_login(owner)
    response = download(client, document)
    assert response.status_code == 200
    assert body(response) == SMALL_PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"document-{document.pk}.png\"; filename*=UTF-8''{quote('房产证.png')}"
    )


def test_preview_shows_the_file_inline(client):
    owner = VerifiedUserFactory()
    document = DocumentFactory(owner_user=owner)
    client.force_login(owner)
    response = download(client, document, "documents:preview")
    assert response["Content-Disposition"].startswith("inline; ")
    assert body(response) == SMALL_PNG


def test_a_hostile_original_name_cannot_break_the_header_or_the_extension(client):
    owner = VerifiedUserFactory()
    document = DocumentFactory(owner_user=owner, original_name='..\\..\\a"b\r\nSet-Cookie: x=1;.exe')
    client.force_login(owner)
    disposition = download(client, document)["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "Set-Cookie" not in disposition.split("filename*=")[0]
    assert disposition.endswith(".png")  # the stored type, never the name's
    assert '"' not in disposition.split("filename*=")[1]


def test_another_customer_gets_404_as_if_the_document_did_not_exist(client):
    document = DocumentFactory()
    client.force_login(VerifiedUserFactory())
    assert download(client, document).status_code == 404
    assert download(client, document, "documents:preview").status_code == 404
    missing = client.get(reverse("documents:download", args=[document.pk + 1000]))
    assert missing.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = download(client, DocumentFactory())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_member_of_the_owner_enterprise_downloads_its_licence(client):
    enterprise = EnterpriseFactory()
    licence = DocumentFactory(
        owner_user=None, owner_enterprise=enterprise, doc_type=DocumentType.objects.get(code="business_licence")
    )
    agent = VerifiedUserFactory()
    EnterpriseMembership.objects.create(user=agent, enterprise=enterprise, relation="agent")
    client.force_login(agent)
    assert download(client, licence).status_code == 200

    client.force_login(VerifiedUserFactory())  # someone else, of no enterprise
    assert download(client, licence).status_code == 404


def test_staff_need_the_view_permission(client):
    document = DocumentFactory()
    staff = StaffFactory()
    client.force_login(staff)
    assert download(client, document).status_code == 404

    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_document", "view_any_document"], content_type__app_label="documents"
        )
    )
    client.force_login(staff)
    assert download(client, document).status_code == 200


def test_a_customer_holding_the_permission_is_still_not_staff(client):
    customer = VerifiedUserFactory()
    customer.user_permissions.add(*Permission.objects.filter(codename__in=["view_document", "view_any_document"]))
    client.force_login(customer)
    assert download(client, DocumentFactory()).status_code == 404


def test_a_rule_registered_by_a_business_app_lets_its_people_in(client):
    document = DocumentFactory()
    chat_member = VerifiedUserFactory()

    def chat_members_read_posted_files(user, doc):
        return user.pk == chat_member.pk and doc.pk == document.pk

    register_access_rule(chat_members_read_posted_files)
    try:
        client.force_login(chat_member)
        assert download(client, document).status_code == 200
        client.force_login(VerifiedUserFactory())
        assert download(client, document).status_code == 404
    finally:
        unregister_access_rule(chat_members_read_posted_files)
    client.force_login(chat_member)
    assert download(client, document).status_code == 404


def test_staff_reading_an_id_photo_appears_in_the_owners_access_log(client):
    owner = VerifiedUserFactory()
    photo = id_card_photo(owner)
    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_document", "view_any_document"]))
    client.force_login(staff)
    assert download(client, photo, "documents:preview").status_code == 200

    event = AuditEvent.objects.get(kind=AuditKind.ACCESS, subject=owner)
    assert event.actor == staff
    assert event.action == "查看身份证人像面"
    assert event.object_id == str(photo.pk)
    assert "工号" in event.actor_label


def test_the_owner_reading_their_own_id_photo_is_not_logged(client):
    owner = VerifiedUserFactory()
    photo = id_card_photo(owner)
    client.force_login(owner)
    assert download(client, photo).status_code == 200
    assert not AuditEvent.objects.filter(kind=AuditKind.ACCESS).exists()


def test_reading_a_property_proof_is_not_a_sensitive_read(client):
    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_document", "view_any_document"]))
    client.force_login(staff)
    assert download(client, DocumentFactory()).status_code == 200
    assert not AuditEvent.objects.filter(kind=AuditKind.ACCESS).exists()


def test_a_refused_reader_leaves_no_access_record(client):
    photo = id_card_photo(VerifiedUserFactory())
    client.force_login(VerifiedUserFactory())
    assert download(client, photo).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditKind.ACCESS).exists()


def test_a_pdf_is_served_as_pdf(client):
    from tests.documents.conftest import pdf_bytes

    owner = VerifiedUserFactory()
    data = pdf_bytes()
    document = DocumentFactory(
        owner_user=owner,
        content_type="application/pdf",
        size=len(data),
        file__data=data,
        file__filename="x.pdf",
        original_name="供电方案.pdf",
    )
    client.force_login(owner)
    response = download(client, document, "documents:preview")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(quote("供电方案.pdf"))
    assert body(response) == data


def test_post_is_not_allowed_on_downloads(client):
    owner = VerifiedUserFactory()
    client.force_login(owner)
    assert client.post(reverse("documents:download", args=[DocumentFactory(owner_user=owner).pk])).status_code == 405
