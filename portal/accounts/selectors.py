from django.db.models import Q, QuerySet

from portal.accounts.models import Enterprise, EnterpriseMembership, MembershipRequest, MembershipRequestStatus


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


def membership_of(*, user, enterprise_id: int) -> EnterpriseMembership | None:
    memberships = EnterpriseMembership.objects.filter(user=user, enterprise_id=enterprise_id)
    return memberships.select_related("enterprise").first()


def membership_requests_visible_to(*, user) -> QuerySet[MembershipRequest]:
    """Requests the user made, and requests to the enterprises the user is a member of."""
    return (
        MembershipRequest.objects.filter(
            Q(user=user) | Q(enterprise__in=EnterpriseMembership.objects.filter(user=user).values("enterprise_id"))
        )
        .select_related("user", "enterprise", "decided_by")
        .order_by("-created_at", "-pk")
    )


def pending_requests_of(*, user) -> QuerySet[MembershipRequest]:
    """The user's own requests still waiting or refused (approved ones are memberships)."""
    return (
        MembershipRequest.objects.filter(user=user)
        .exclude(status=MembershipRequestStatus.APPROVED)
        .select_related("enterprise", "decided_by")
        .order_by("-created_at", "-pk")
    )
