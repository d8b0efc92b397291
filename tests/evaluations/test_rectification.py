"""Bad reviews: the rectification case of the responsible unit (verify → rectify by a deadline in
working days → reply), the reviewer's answer, late cases escalated, appeals decided by a
supervisor."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services, statistics
from evaluations.models import AppealState, CaseState, Level, RectificationCase, Review
from evaluations.tasks import flag_overdue_cases
from portal.accounts.roles import Role
from portal.audit.models import AuditEvent
from portal.core.workdays import add_working_days
from portal.notifications.models import Notification
from portal.verification.models import Purpose, SmsMessage
from tests.evaluations.conftest import GOOD, UNIT, form_data
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

BAD = {
    "level": Level.VERY_DISSATISFIED,
    "ratings": GOOD["ratings"],
    "bad_reason": "slow",
    "bad_reason_text": "装表拖了两周",
}


@pytest.fixture
def bad_review(customer, complete_matter):
    item = complete_matter(customer)
    return services.submit_review(phone=customer.phone, item=item, user=customer, **BAD)


def test_a_bad_review_opens_a_case_for_the_unit_with_a_working_day_deadline(review_admin, bad_review, manager):
    case = bad_review.case

    assert case.state == CaseState.VERIFYING and case.unit == UNIT
    assert case.deadline == add_working_days(timezone.localdate(bad_review.submitted_at), 5)
    for person in (manager, review_admin):
        assert Notification.objects.filter(user=person, event="review.case_opened").exists()


def test_the_deadline_is_configurable(settings, customer, complete_matter):
    settings.REVIEW_RECTIFICATION_WORKING_DAYS = 2
    review = services.submit_review(phone=customer.phone, item=complete_matter(customer), user=customer, **BAD)
    assert review.case.deadline == add_working_days(timezone.localdate(review.submitted_at), 2)


def test_the_unit_verifies_and_replies_in_the_admin_and_the_reviewer_is_told(client, bad_review, manager, customer):
    case = bad_review.case
    client.force_login(manager)
    page = client.get(reverse("admin:evaluations_rectificationcase_change", args=[case.pk])).content.decode()
    assert "装表拖了两周" in page and "138****8001" in page and customer.phone not in page

    client.post(
        reverse("admin:evaluations_rectificationcase_verify", args=[case.pk]),
        {"verification_note": "已电话联系客户，确认装表延误属实"},
    )
    response = client.post(
        reverse("admin:evaluations_rectificationcase_reply", args=[case.pk]), {"rectification": "", "reply": "已整改"}
    )
    assert response.status_code == 400 and "请填写整改措施" in response.content.decode()
    assert "已整改" in response.content.decode()  # what was typed stays
    client.post(
        reverse("admin:evaluations_rectificationcase_reply", args=[case.pk]),
        {"rectification": "装表班组增加人手", "reply": "向您致歉，已安排专人跟进，今后装表不超过2个工作日"},
    )

    case.refresh_from_db()
    assert case.state == CaseState.REPLIED and case.handler == manager and case.on_time
    notice = Notification.objects.get(user=customer, event="review.case_replied")
    assert notice.link == reverse("evaluations:feedback", args=[bad_review.access_token])
    assert AuditEvent.objects.filter(action="差评整改答复", object_id=str(case.pk)).exists()

    client.force_login(customer)
    page = client.get(notice.link).content.decode()
    assert "今后装表不超过2个工作日" in page
    client.post(notice.link, {"satisfied": "1", "feedback": "谢谢"})
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.satisfied is True


def test_an_anonymous_reviewer_gets_the_reply_link_by_sms(
    client, visit_code, send_code, manager, django_capture_on_commit_callbacks
):
    phone = "13912345678"
    client.post(
        reverse("evaluations:qr_review", args=[visit_code.token]),
        form_data(
            1,
            phone=phone,
            sms_code=send_code(phone, Purpose.REVIEW),
            bad_reason="attitude",
            bad_reason_text="窗口人员态度生硬",
        ),
    )
    review = Review.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        services.reply_case(case=review.case, rectification="批评教育", reply="已对窗口人员批评教育", by=manager)

    text = SmsMessage.objects.filter(phone=phone).order_by("-id").first().text
    link = reverse("evaluations:feedback", args=[review.access_token])
    assert "已对窗口人员批评教育" in text and link in text
    assert RectificationCase.objects.get().reviewer_notified_at is not None


def test_a_dissatisfied_reviewer_escalates_to_the_supervisor(supervisor, bad_review, manager):
    services.reply_case(case=bad_review.case, rectification="改进", reply="已改进", by=manager)

    case = services.give_feedback(review=bad_review, satisfied=False, feedback="没有解决")

    assert case.state == CaseState.CLOSED and case.satisfied is False and case.escalated_at
    assert Notification.objects.filter(user=supervisor, event="review.case_escalated").exists()


def test_late_cases_are_flagged_and_escalated_once_by_the_daily_task(bad_review, supervisor, client):
    RectificationCase.objects.update(deadline=timezone.localdate() - timedelta(days=1))

    assert flag_overdue_cases.delay().get() == 1
    assert flag_overdue_cases.delay().get() == 0

    case = RectificationCase.objects.get()
    assert case.overdue_at and case.escalated_at
    assert Notification.objects.filter(user=supervisor, event="review.case_escalated").count() == 1
    client.force_login(supervisor)
    page = client.get(reverse("admin:evaluations_rectificationcase_changelist") + "?late=late").content.decode()
    assert "已超期" in page and bad_review.title in page


def test_a_manager_of_another_unit_cannot_open_the_case(client, bad_review):
    other = StaffFactory(roles=[Role.ACCOUNT_MANAGER])
    other.staff_profile.organization = "国网西宁供电公司城西供电中心"
    other.staff_profile.save()
    client.force_login(other)
    pk = bad_review.case.pk

    assert client.get(reverse("admin:evaluations_rectificationcase_change", args=[pk])).status_code == 404
    assert (
        client.post(
            reverse("admin:evaluations_rectificationcase_reply", args=[pk]), {"rectification": "x", "reply": "y"}
        ).status_code
        == 404
    )
    for name in ("rectificationcase", "review", "reviewitem"):
        listing = client.get(reverse(f"admin:evaluations_{name}_changelist")).content.decode()
        assert bad_review.title not in listing
    assert client.get(reverse("admin:evaluations_review_change", args=[bad_review.pk])).status_code == 302


def test_an_upheld_appeal_removes_the_review_from_the_statistics_and_is_logged(client, supervisor, bad_review, manager):
    client.force_login(manager)
    client.post(
        reverse("admin:evaluations_rectificationcase_appeal", args=[bad_review.case.pk]),
        {"reason": "malicious", "statement": "客户因个人纠纷恶意差评，有通话录音为证"},
    )
    appeal = bad_review.appeal.__class__.objects.get(review=bad_review)
    assert Notification.objects.filter(user=supervisor, event="review.appeal_filed").exists()
    # The unit cannot decide its own appeal.
    assert (
        client.post(
            reverse("admin:evaluations_appeal_decide", args=[appeal.pk]), {"upheld": "1", "decision_note": "同意"}
        ).status_code
        == 403
    )
    assert statistics.build_report().total.bad == 1

    client.force_login(supervisor)
    client.post(
        reverse("admin:evaluations_appeal_decide", args=[appeal.pk]),
        {"upheld": "1", "decision_note": "录音证实为恶意差评，申诉成立"},
    )

    appeal.refresh_from_db()
    bad_review.refresh_from_db()
    assert appeal.state == AppealState.UPHELD and appeal.decided_by == supervisor
    assert bad_review.excluded_from_stats
    assert statistics.build_report().total.reviews == 0
    assert AuditEvent.objects.filter(action="审核差评申诉", object_id=str(appeal.pk)).exists()


def test_a_rejected_appeal_keeps_the_review_counted(bad_review, manager, supervisor):
    appeal = services.file_appeal(review=bad_review, reason="mistaken", statement="评错对象", by=manager)

    services.decide_appeal(appeal=appeal, upheld=False, note="评价对象无误", by=supervisor)

    assert not Review.objects.get().excluded_from_stats
    assert statistics.build_report().total.bad == 1
