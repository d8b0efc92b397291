from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applications.models import AccountBinding, Application, ApplicationState, ServiceAccount


def my_application(*, user, pk: int) -> Application:
    """One of the user's applications; anyone else's id answers 404."""
    return get_object_or_404(
        Application.objects.select_related("service_account__region__parent", "region__parent", "enterprise"),
        pk=pk,
        applicant=user,
    )


def my_drafts(*, user, business_code: str | None = None) -> QuerySet[Application]:
    qs = Application.objects.filter(applicant=user, state=ApplicationState.DRAFT)
    if business_code:
        qs = qs.filter(business_code=business_code)
    return qs.order_by("-updated_at")


def bound_accounts(*, user) -> QuerySet[ServiceAccount]:
    return ServiceAccount.objects.filter(bindings__user=user).select_related("region__parent").order_by("number")


def is_bound(*, user, account: ServiceAccount) -> bool:
    return AccountBinding.objects.filter(user=user, account=account).exists()


def account_by_number(number: str) -> ServiceAccount | None:
    """An account by its number, whoever it is bound to (callers check the binding)."""
    return ServiceAccount.objects.filter(number=number).select_related("region__parent").first()


def enterprises_of(user):
    """The enterprises a user may apply for: those they are bound to (法人代表 or 经办人)."""
    from portal.accounts.models import Enterprise

    if not getattr(user, "is_authenticated", False):
        return Enterprise.objects.none()
    return Enterprise.objects.filter(memberships__user=user).order_by("name")


def on_file_subject_proof(*, enterprise, user, codes):
    """A valid subject proof the portal already holds (一证通办), newest first."""
    from portal.documents.models import Document

    if enterprise is not None:
        owner = {"owner_enterprise": enterprise}
    else:
        owner = {"owner_user": user, "owner_enterprise": None}
    return (
        Document.objects.filter(doc_type__code__in=codes, doc_type__reusable=True, **owner)
        .valid_on(timezone.localdate())
        .select_related("doc_type")
        .order_by("-created_at")
        .first()
    )
