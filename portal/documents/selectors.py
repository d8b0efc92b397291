from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from portal.documents.access import owned_by_q
from portal.documents.models import Document, DocumentType


def documents_of(*, user) -> QuerySet[Document]:
    """Documents a customer owns personally or through an enterprise they act for, newest
    first, with what a list shows already joined (one query whatever the number of rows)."""
    return (
        Document.objects.filter(owned_by_q(user))
        .select_related("doc_type", "owner_enterprise")
        .order_by("-created_at", "-id")
    )


def document_for_reading(*, pk: int) -> Document | None:
    """One document with what the download view and the audit need; access is checked by
    the caller with ``portal.documents.access.can_view``."""
    return Document.objects.select_related("doc_type", "owner_user", "owner_enterprise").filter(pk=pk).first()


def uploadable_types() -> QuerySet[DocumentType]:
    """Types a customer may upload themselves."""
    return DocumentType.objects.filter(customer_upload=True).order_by("name")


def reusable_document(
    *, doc_type_code: str, owner_user=None, owner_enterprise=None, on: date | None = None
) -> Document | None:
    """The newest valid document of that type already on file for that owner (一证通办), or None."""
    on = on or timezone.localdate()
    qs = Document.objects.filter(doc_type__code=doc_type_code, doc_type__reusable=True).valid_on(on)
    if owner_enterprise is not None:
        qs = qs.filter(owner_enterprise=owner_enterprise)
    elif owner_user is not None:
        qs = qs.filter(owner_user=owner_user, owner_enterprise=None)
    else:
        return None
    return qs.select_related("doc_type").order_by("-created_at").first()
