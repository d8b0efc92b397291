from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from applications.models import AccountBinding, Application, ApplicationState, ServiceAccount


def my_application(*, user, pk: int) -> Application:
    """One of the user's applications; anyone else's id answers 404."""
    return get_object_or_404(
        Application.objects.select_related("service_account__region__parent", "region__parent", "enterprise"),
        pk=pk, applicant=user,
    )


def my_drafts(*, user, business_code: str | None = None) -> QuerySet[Application]:
    qs = Application.objects.filter(applicant=user, state=ApplicationState.DRAFT)
    if business_code:
        qs = qs.filter(business_code=business_code)
    return qs.order_by("-updated_at")


def bound_accounts(*, user) -> QuerySet[ServiceAccount]:
    return (
        ServiceAccount.objects.filter(bindings__user=user)
        .select_related("region__parent")
        .order_by("number")
    )


def is_bound(*, user, account: ServiceAccount) -> bool:
    return AccountBinding.objects.filter(user=user, account=account).exists()
