"""The demo data of 好差评 after ``seed_demo``: what a newcomer clicks through."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations.models import Appeal, AppealState, CaseState, Level, QrCode, RectificationCase, Review, ReviewItem
from portal.accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_every_level_an_open_and_a_closed_case_an_appeal_and_a_to_do(client):
    call_command("seed_demo", stdout=io.StringIO())
    first = sorted(Review.objects.values_list("access_token", "level", "excluded_from_stats"))
    output = io.StringIO()
    call_command("seed_demo", stdout=output)

    assert sorted(Review.objects.values_list("access_token", "level", "excluded_from_stats")) == first
    assert set(Review.objects.values_list("level", flat=True)) == set(Level.values)
    states = set(RectificationCase.objects.values_list("state", flat=True))
    assert CaseState.VERIFYING in states and CaseState.CLOSED in states
    assert Appeal.objects.filter(state=AppealState.PENDING).count() == 1
    code = QrCode.objects.get()
    assert code.is_generated and f"/r/{code.token}/" in output.getvalue()
    resident = User.objects.get(phone="18609710001")
    item = ReviewItem.objects.get(user=resident, review__isnull=True)
    client.force_login(resident)
    assert reverse("evaluations:matter_review", args=[item.pk]) in client.get(reverse("core:home")).content.decode()
    client.force_login(User.objects.get(phone="18609710016"))  # 孙佳琪, 好差评管理员
    for url in (
        "admin:evaluations_review_statistics",
        "admin:evaluations_rectificationcase_changelist",
        "admin:evaluations_qrcode_changelist",
        "admin:evaluations_appeal_changelist",
    ):
        assert client.get(reverse(url)).status_code == 200
