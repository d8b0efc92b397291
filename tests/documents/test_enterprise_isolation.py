"""An enterprise's documents are read by its own members only: a member of enterprise A asking
for a document of enterprise B gets 404 everywhere, as if it did not exist."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.accounts.models import EnterpriseMembership
from portal.documents.models import DocumentType
from tests.factories import DocumentFactory, EnterpriseFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def licence_of(enterprise):
    return DocumentFactory(
        owner_user=None,
        owner_enterprise=enterprise,
        doc_type=DocumentType.objects.get(code="business_licence"),
        original_name="营业执照.png",
    )


def reads(user, document) -> list[int]:
    """Status codes of every way to read a document: download, preview, API detail, API file."""
    web = APIClient()
    web.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    return [
        web.get(reverse("documents:download", args=[document.pk])).status_code,
        web.get(reverse("documents:preview", args=[document.pk])).status_code,
        api.get(f"/api/v1/documents/{document.pk}/").status_code,
        api.get(f"/api/v1/documents/{document.pk}/file/").status_code,
    ]


def test_a_member_of_enterprise_a_cannot_read_a_document_of_enterprise_b():
    enterprise_a, enterprise_b = EnterpriseFactory(), EnterpriseFactory()
    member_of_a = VerifiedUserFactory()
    EnterpriseMembership.objects.create(user=member_of_a, enterprise=enterprise_a, relation="agent")
    # B has a member too: membership of *some* enterprise must not open B's files.
    EnterpriseMembership.objects.create(user=VerifiedUserFactory(), enterprise=enterprise_b, relation="agent")

    assert reads(member_of_a, licence_of(enterprise_a)) == [200, 200, 200, 200]
    assert reads(member_of_a, licence_of(enterprise_b)) == [404, 404, 404, 404]


def test_enterprise_b_documents_are_not_listed_for_a_member_of_a():
    enterprise_a, enterprise_b = EnterpriseFactory(), EnterpriseFactory()
    member_of_a = VerifiedUserFactory()
    EnterpriseMembership.objects.create(user=member_of_a, enterprise=enterprise_a, relation="agent")
    mine, theirs = licence_of(enterprise_a), licence_of(enterprise_b)
    api = APIClient()
    api.force_authenticate(member_of_a)
    body = api.get("/api/v1/documents/").json()
    ids = {d["id"] for d in (body["results"] if isinstance(body, dict) else body)}
    assert mine.pk in ids and theirs.pk not in ids
