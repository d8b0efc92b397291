from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from portal.documents.models import Document


def documents_of(*, user) -> QuerySet[Document]:
    """Documents a customer owns personally or through an enterprise they act for."""
    enterprise_ids = user.memberships.values("enterprise_id")
    return (
        Document.objects.filter(owner_user=user)
        .union(Document.objects.filter(owner_enterprise__in=enterprise_ids))
    )


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
