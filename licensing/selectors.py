"""Reads of licensing, scoped to the user and with their relations loaded (fixed queries)."""

from django.db.models import Count, Prefetch, Q, QuerySet

from licensing.models import (
    Achievement,
    AppliedCategory,
    Firm,
    LicenceApplication,
    RuleScheme,
    StaffMember,
    StaffStatus,
)


def firm_of(user) -> Firm | None:
    """The firm the user acts for (a member of its enterprise), or None."""
    if not user.is_authenticated:
        return None
    return (
        Firm.objects.select_related("enterprise", "parent")
        .filter(enterprise__memberships__user=user)
        .order_by("pk")
        .first()
    )


def active_scheme() -> RuleScheme:
    return RuleScheme.objects.get(is_active=True)


def applications_of(user) -> QuerySet[LicenceApplication]:
    return (
        LicenceApplication.objects.filter(firm__enterprise__memberships__user=user)
        .select_related("firm__enterprise", "licence", "scheme")
        .prefetch_related(Prefetch("categories", AppliedCategory.objects.select_related("level")))
    )


def staff_of(user) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(firm__enterprise__memberships__user=user).select_related("firm__enterprise")


def current_staff(firm: Firm) -> QuerySet[StaffMember]:
    return firm.staff.exclude(status=StaffStatus.LEFT).order_by("kind", "id")


def achievements_of(user) -> QuerySet[Achievement]:
    return Achievement.objects.filter(application__firm__enterprise__memberships__user=user).select_related(
        "application"
    )


def review_queue() -> QuerySet[LicenceApplication]:
    return (
        LicenceApplication.objects.select_related("firm__enterprise", "reviewer", "licence", "scheme")
        .prefetch_related(Prefetch("categories", AppliedCategory.objects.select_related("level")))
        .annotate(n_achievements=Count("achievements", distinct=True))
    )


def staff_counts(firm: Firm) -> dict[str, int]:
    counted = [StaffStatus.ACTIVE, StaffStatus.OFFBOARDING]
    from licensing.models import SENIOR_TITLES, StaffKind

    return firm.staff.filter(status__in=counted).aggregate(
        technical=Count("pk", filter=Q(kind=StaffKind.TECHNICAL)),
        senior=Count("pk", filter=Q(kind=StaffKind.TECHNICAL, title_level__in=SENIOR_TITLES)),
        skilled=Count("pk", filter=Q(kind=StaffKind.SKILLED)),
        electricians=Count("pk", filter=Q(kind=StaffKind.SKILLED, is_hv_electrician=True)),
    )
