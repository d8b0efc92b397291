from django.db.models import QuerySet

from portal.accounts.models import Enterprise, EnterpriseMembership


def memberships_of(*, user) -> QuerySet[EnterpriseMembership]:
    """The user's enterprise bindings with their enterprise and power of attorney."""
    return (
        EnterpriseMembership.objects.filter(user=user)
        .select_related("enterprise", "power_of_attorney")
        .order_by("enterprise__name", "pk")
    )


def enterprises_of(*, user) -> QuerySet[Enterprise]:
    """Enterprises the user may act for (as legal representative or agent)."""
    return Enterprise.objects.filter(memberships__user=user).order_by("name", "pk")
