"""一事一评: a completed matter becomes a to-do item with an invitation; the review form; the
five-day rule per mobile number; other people's items."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import Level, RectificationCase, Review, ReviewItem
from portal.accounts.roles import Role
from portal.core.errors import DomainError
from portal.core.signals import matter_completed
from portal.notifications.models import Notification
from tests.evaluations.conftest import GOOD, UNIT, form_data
from tests.factories import ApplicationFactory, ServiceAccountFactory, StaffFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def test_archiving_an_order_puts_a_review_item_in_the_to_do_list_and_invites_the_customer(customer):
    from utility_flows import services as flows

    manager = StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])
    order = flows.accept_application(application=ApplicationFactory(applicant=customer), by=manager)
    for step in ["contact", "survey", "reply_plan", "connect", "sign_contract", "archive"]:
        order = flows.advance(order=order, transition=step, by=manager)

    item = ReviewItem.objects.get(user=customer)
    assert item.title.startswith("个人新装 ")
    assert item.staff == manager and item.unit == UNIT and item.business == "residential_new"
    assert item.business_label == "个人新装"
    invitation = Notification.objects.get(user=customer, event="review.invited")
    assert invitation.link == reverse("evaluations:matter_review", args=[item.pk])
    assert "好差评" in invitation.body


def test_the_to_do_item_shows_on_the_home_page_and_in_service_records(client, customer, complete_matter):
    item = complete_matter(customer)
    client.force_login(customer)

    for url in (reverse("core:home"), reverse("utility_flows:records")):
        page = client.get(url).content.decode()
        assert item.title in page
        assert reverse("evaluations:matter_review", args=[item.pk]) in page
        assert "好差评" in page


def test_any_app_hooks_in_by_the_signal_without_being_imported(customer):
    """Licensing or the HV e-assistant send the same signal with their own matter."""
    matter = ServiceAccountFactory()  # any model instance stands in for a licence application
    for _ in range(2):  # a re-sent signal keeps one item and one invitation
        matter_completed.send(
            sender=type(matter),
            matter=matter,
            user=customer,
            kind="licence_application",
            title="承装（修、试）电力设施许可申请 XK2026001",
            business="licence_new",
            business_label="承装（修、试）电力设施许可申请",
            staff=None,
            unit="电力业务资质许可审核组",
        )

    item = ReviewItem.objects.get(user=customer)
    assert item.matter == matter
    assert item.content_type == ContentType.objects.get_for_model(matter)
    assert item.kind == "licence_application" and item.business_label == "承装（修、试）电力设施许可申请"
    assert Notification.objects.filter(user=customer, event="review.invited").count() == 1


def test_the_form_preselects_nothing_and_marks_required_fields(client, customer, complete_matter):
    item = complete_matter(customer)
    client.force_login(customer)

    page = client.get(reverse("evaluations:matter_review", args=[item.pk])).content.decode()

    for label in (
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
        "总体评价",
        "办理效率",
        "指引准确",
        "办理便捷",
        "系统易用",
    ):
        assert label in page
    assert "checked" not in page
    assert page.count('class="required-mark"') >= 7  # level, five sub-ratings, phone
    assert customer.phone in page and "disabled" in page  # own phone, read-only


def test_a_good_review_is_saved_and_leaves_the_to_do_list(client, customer, complete_matter):
    item = complete_matter(customer)
    client.force_login(customer)

    response = client.post(reverse("evaluations:matter_review", args=[item.pk]), form_data(Level.VERY_SATISFIED))

    assert response.status_code == 302 and response.url == reverse("core:home")
    review = Review.objects.get(item=item)
    assert review.phone == customer.phone and review.user == customer
    assert review.unit == UNIT and review.staff == item.staff
    assert not RectificationCase.objects.exists()
    home = client.get(reverse("core:home")).content.decode()
    assert "评价已提交" in home
    assert reverse("evaluations:matter_review", args=[item.pk]) not in home


def test_a_bad_review_needs_a_reason_and_keeps_what_was_typed(client, customer, complete_matter):
    item = complete_matter(customer)
    client.force_login(customer)

    response = client.post(
        reverse("evaluations:matter_review", args=[item.pk]), form_data(Level.DISSATISFIED, comment="等了很久")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["bad_reason"] == ["差评请选择原因类别"]
    assert form.errors["bad_reason_text"] == ["差评请说明具体原因"]
    assert "等了很久" in response.content.decode()
    assert not Review.objects.exists()


def test_a_second_review_from_the_same_phone_within_five_days_is_refused_with_the_date(customer, complete_matter):
    first, second = complete_matter(customer), complete_matter(customer)
    review = services.submit_review(phone=customer.phone, item=first, user=customer, **GOOD)

    with pytest.raises(DomainError) as refused:
        services.submit_review(phone=customer.phone, item=second, user=customer, **GOOD)

    possible = timezone.localtime(review.submitted_at + timedelta(days=5)).strftime("%Y-%m-%d %H:%M")
    assert refused.value.code == "review_too_soon"
    assert f"{possible} 起可再次评价" in str(refused.value.message)
    # Five days later the same number may review again.
    Review.objects.filter(pk=review.pk).update(
        submitted_at=review.submitted_at - timedelta(days=5, minutes=1),
        next_allowed_at=review.next_allowed_at - timedelta(days=5, minutes=1),
    )
    assert services.submit_review(phone=customer.phone, item=second, user=customer, **GOOD).pk


def test_the_page_shows_the_refusal_next_to_the_phone(client, customer, complete_matter):
    first, second = complete_matter(customer), complete_matter(customer)
    client.force_login(customer)
    client.post(reverse("evaluations:matter_review", args=[first.pk]), form_data())

    response = client.post(reverse("evaluations:matter_review", args=[second.pk]), form_data())

    errors = response.context["form"].errors["phone"]
    assert "5天内已评价过一次" in errors[0] and "起可再次评价" in errors[0]
    assert not Review.objects.filter(item=second).exists()


def test_the_database_itself_refuses_two_reviews_of_one_phone_within_five_days(customer):
    now = timezone.now()
    row = dict(
        source="qr_visit", phone="13900001111", level=5, overall=5, efficiency=5, guidance=5, convenience=5, usability=5
    )
    Review.objects.create(**row, submitted_at=now, next_allowed_at=now + timedelta(days=5))

    with pytest.raises(IntegrityError, match="review_one_per_phone_in_window"), transaction.atomic():
        Review.objects.create(**row, submitted_at=now + timedelta(days=4), next_allowed_at=now + timedelta(days=9))
    # Exactly five days later is allowed; another phone at once too.
    Review.objects.create(**row, submitted_at=now + timedelta(days=5), next_allowed_at=now + timedelta(days=10))
    Review.objects.create(**{**row, "phone": "13900002222"}, submitted_at=now, next_allowed_at=now + timedelta(days=5))


def test_a_matter_is_reviewed_once(customer, complete_matter):
    item = complete_matter(customer)
    services.submit_review(phone=customer.phone, item=item, user=customer, **GOOD)
    Review.objects.update(
        next_allowed_at=timezone.now() - timedelta(seconds=1), submitted_at=timezone.now() - timedelta(days=6)
    )

    with pytest.raises(DomainError) as refused:
        services.submit_review(phone=customer.phone, item=item, user=customer, **GOOD)
    assert refused.value.code == "already_reviewed"


def test_another_customers_item_answers_404(client, customer, complete_matter):
    item = complete_matter(customer)
    client.force_login(VerifiedUserFactory())

    assert client.get(reverse("evaluations:matter_review", args=[item.pk])).status_code == 404
    assert client.post(reverse("evaluations:matter_review", args=[item.pk]), form_data()).status_code == 404
    assert not Review.objects.exists()


def test_the_form_needs_a_log_in(client, customer, complete_matter):
    item = complete_matter(customer)
    response = client.get(reverse("evaluations:matter_review", args=[item.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_my_reviews_page_lists_pending_and_done(client, customer, complete_matter):
    done, pending = complete_matter(customer), complete_matter(customer)
    services.submit_review(
        phone=customer.phone,
        item=done,
        user=customer,
        level=Level.DISSATISFIED,
        ratings=GOOD["ratings"],
        bad_reason="slow",
        bad_reason_text="超过承诺时限",
    )
    client.force_login(customer)

    page = client.get(reverse("evaluations:mine")).content.decode()

    assert pending.title in page and done.title in page and "待核实" in page


def test_a_matter_completed_by_staff_reading_english_is_titled_in_the_sites_language(db):
    """Names travel lazily in the signal: the to-do item and the statistics read Chinese even
    when the reviewer who decided the licence works in the English interface."""
    from django.utils import translation

    from tests.licensing.helpers import licensed_firm

    with translation.override("en"):
        licence = licensed_firm(name="青海雪域电力工程有限公司")
    item = ReviewItem.objects.get(kind="licence_application", object_id=str(licence.firm.applications.get().pk))
    assert item.business_label == "许可证新申请" and item.title.startswith("许可证新申请 ")
