"""Reads of the reviews module, scoped to the reader and joined up front (fixed query counts)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from evaluations.models import QrCode, Review, ReviewItem


def pending_items(*, user) -> QuerySet[ReviewItem]:
    """The user's completed matters not yet rated: the 好差评 to-do items."""
    if user is None or not user.is_authenticated:
        return ReviewItem.objects.none()
    return ReviewItem.objects.filter(user=user, review__isnull=True).order_by("-completed_at", "-id")


def my_pending_item(*, user, pk: int) -> ReviewItem:
    """One of my items (any other user's id answers 404)."""
    return get_object_or_404(ReviewItem.objects.select_related("review"), pk=pk, user=user)


def my_reviews(*, user) -> QuerySet[Review]:
    return Review.objects.filter(user=user).select_related("case").order_by("-submitted_at", "-id")


def live_qr_code(*, token: str) -> QrCode:
    """A generated, active code by its link; anything else is 404 (no link before 生成)."""
    return get_object_or_404(
        QrCode.objects.select_related("service_point", "staff__staff_profile", "item"),
        token=token,
        generated_at__isnull=False,
        is_active=True,
    )


def review_by_token(*, token: str) -> Review:
    return get_object_or_404(Review.objects.select_related("case"), access_token=token)
