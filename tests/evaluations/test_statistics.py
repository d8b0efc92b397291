"""Statistics (rates by unit, staff, business and month, charts, CSV) and the fixed number of
queries of every list and report at 10 and at 1,000 reviews."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services, statistics
from evaluations.models import CaseState, Level, RectificationCase, Review, ReviewItem
from tests.evaluations.conftest import GOOD, UNIT

pytestmark = pytest.mark.django_db

WEST = "国网西宁供电公司城西供电中心"


def _rows(n: int, *, staff=None, user=None, start=None) -> list[Review]:
    """``n`` reviews of distinct phones (or, for one ``user``, six days apart), a fifth of them bad."""
    start = start or timezone.now() - timedelta(days=1)
    reviews = []
    for i in range(n):
        at = start - timedelta(days=6 * i) if user else start - timedelta(minutes=i)
        level = Level.DISSATISFIED if i % 5 == 0 else (Level.SATISFIED if i % 2 else Level.FAIRLY_SATISFIED)
        reviews.append(
            Review(
                source="qr_visit",
                user=user,
                phone=user.phone if user else f"139{i:08d}",
                level=level,
                bad_reason="slow" if level == Level.DISSATISFIED else "",
                bad_reason_text="慢" if level == 2 else "",
                title=f"个人新装 SQ{i:06d}",
                business="residential_new",
                business_label="个人新装",
                unit=UNIT if i % 2 else WEST,
                staff=staff,
                submitted_at=at,
                next_allowed_at=at + timedelta(days=5),
                **GOOD["ratings"],
            )
        )
    Review.objects.bulk_create(reviews)
    bad = Review.objects.filter(level=Level.DISSATISFIED)
    RectificationCase.objects.bulk_create(
        RectificationCase(
            review=r,
            unit=r.unit,
            deadline=timezone.localdate() - timedelta(days=1),
            state=CaseState.CLOSED if r.pk % 2 else CaseState.RECTIFYING,
            replied_at=timezone.now() - timedelta(days=3) if r.pk % 2 else None,
        )
        for r in bad
    )
    return reviews


def test_rates_by_unit_staff_business_and_month(customer, complete_matter, manager):
    items = [complete_matter(customer) for _ in range(4)]
    levels = [Level.VERY_SATISFIED, Level.SATISFIED, Level.FAIRLY_SATISFIED, Level.DISSATISFIED]
    for i, (item, level) in enumerate(zip(items, levels, strict=True)):
        extra = {"bad_reason": "slow", "bad_reason_text": "慢"} if level == Level.DISSATISFIED else {}
        review = Review(
            source="matter",
            item=item,
            phone=f"1390000000{i}",
            level=level,
            title=item.title,
            business=item.business,
            business_label=item.business_label,
            unit=item.unit,
            staff=manager,
            submitted_at=timezone.now(),
            next_allowed_at=timezone.now() + timedelta(days=5),
            bad_reason=extra.get("bad_reason", ""),
            bad_reason_text=extra.get("bad_reason_text", ""),
            **GOOD["ratings"],
        )
        review.save()
        if level == Level.DISSATISFIED:
            services.reply_case(case=services._open_case(review), rectification="整改", reply="已答复", by=manager)

    report = statistics.build_report()

    assert report.total.reviews == 4
    assert report.total.satisfaction_rate == 75.0 and report.total.bad_rate == 25.0
    assert report.total.on_time_rate == 100.0
    assert [(r.label, r.reviews) for r in report.by_unit] == [(UNIT, 4)]
    assert report.by_staff[0].label == f"王芳（{UNIT}）"
    assert [(r.label, r.reviews) for r in report.by_business] == [("个人新装", 4)]
    assert report.by_month[-1].reviews == 4 and len(report.by_month) == 12
    assert len(report.month_chart["bars"]) == 12 and "评价 4 条" in report.month_chart["desc"]


def test_a_late_open_case_counts_against_the_on_time_rate():
    _rows(10)
    report = statistics.build_report()
    # Two bad reviews, both past their deadline (yesterday): one replied in time (3 days ago), one still open.
    assert report.total.bad == 2
    assert report.total.cases_due == 2 and report.total.cases_on_time == 1 and report.total.on_time_rate == 50.0


def test_the_public_page_shows_rates_and_charts_without_personal_data(client):
    _rows(10)

    page = client.get(reverse("evaluations:statistics")).content.decode()

    assert 'data-testid="month-chart"' in page and 'data-testid="unit-chart"' in page
    assert "满意率" in page and "差评率" in page and "整改按期率" in page
    assert UNIT in page and "13900000001" not in page


def test_the_admin_report_filters_by_unit_and_exports_csv(client, review_admin):
    _rows(10)
    client.force_login(review_admin)

    page = client.get(reverse("admin:evaluations_review_statistics") + f"?unit={WEST}")
    assert page.context["report"].total.reviews == 5

    export = client.get(reverse("admin:evaluations_review_statistics") + "?format=csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["维度", "名称", "评价数"]
    assert ["合计", "合计", "10"] == rows[1][:3]
    assert any(r[0] == "单位" and r[1] == UNIT for r in rows)


def test_customers_and_account_managers_without_the_permission_see_no_statistics(client, customer):
    client.force_login(customer)
    assert client.get(reverse("admin:evaluations_review_statistics")).status_code == 302  # to the admin log-in


# --- fixed numbers of queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 1000])
def test_statistics_run_a_fixed_number_of_queries(client, review_admin, django_assert_max_num_queries, n):
    _rows(n)
    client.force_login(review_admin)

    with django_assert_max_num_queries(13):
        assert client.get(reverse("admin:evaluations_review_statistics")).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("admin:evaluations_review_statistics") + "?format=csv").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(reverse("evaluations:statistics")).status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_admin_lists_run_a_fixed_number_of_queries(client, review_admin, manager, django_assert_max_num_queries, n):
    _rows(n, staff=manager)
    client.force_login(review_admin)

    for name in ("review", "rectificationcase", "reviewitem", "appeal", "qrcode"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(f"admin:evaluations_{name}_changelist")).status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_customer_lists_run_a_fixed_number_of_queries(client, customer, django_assert_max_num_queries, n):
    _rows(n, user=customer, start=timezone.now() - timedelta(days=6))
    ReviewItem.objects.bulk_create(
        ReviewItem(user=customer, content_type_id=1, object_id=str(i), kind="application", title=f"事项{i}")
        for i in range(n)
    )
    client.force_login(customer)

    with django_assert_max_num_queries(10):
        assert client.get(reverse("evaluations:mine")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("core:home")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api-reviews")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api-review-items")).status_code == 200
