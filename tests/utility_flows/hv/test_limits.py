"""HV time limits, warnings, suspend / resume with reason and approver (SPEC 4.5)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from portal.core.errors import DomainError
from portal.core.workdays import add_working_days
from portal.notifications.models import Notification
from tests.factories import StaffFactory
from utility_flows.hv import services as hv
from utility_flows.hv.models import HVProcess, HVTimeLimit, Suspension

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return StaffFactory(name="陈静", roles=[Role.SUPERVISOR])


def test_the_limit_comes_from_the_editable_rows(hv_order, manager, later):
    process = hv_order.hv
    assert process.due_on == add_working_days(timezone.localdate(), 3)
    HVTimeLimit.objects.filter(stage="survey_booked").update(working_days=7)
    hv.take(process=process, by=manager, expected_visit_at=later)
    hv.book_survey(process=process, by=hv_order.customer, survey_at=later)
    assert process.due_on == add_working_days(timezone.localdate(), 7)
    hv_order.refresh_from_db()
    assert hv_order.step_due_on == process.due_on  # the backoffice queues see the HV stage's clock


def test_a_stage_whose_row_was_removed_has_no_limit_rather_than_the_seeded_default(hv_order, manager, later):
    """The rows are the one source of HV limits: no hidden fallback to the values in the code."""
    process = hv_order.hv
    HVTimeLimit.objects.filter(stage="survey_booked").delete()
    hv.take(process=process, by=manager, expected_visit_at=later)
    hv.book_survey(process=process, by=hv_order.customer, survey_at=later)
    assert process.due_on is None


def test_suspend_needs_a_reason_and_a_supervisor_and_stops_the_order(hv_order, manager, supervisor, later, client):
    process = hv_order.hv
    with pytest.raises(DomainError) as refused:
        hv.suspend(process=process, by=manager, reason="", approver=supervisor)
    assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        hv.suspend(process=process, by=manager, reason="客户资金未到位", approver=manager)
    assert refused.value.field == "approver"
    hv.suspend(process=process, by=manager, reason="客户资金未到位", approver=supervisor)
    assert process.suspended_at and process.due_on is None
    with pytest.raises(DomainError) as refused:
        hv.take(process=process, by=manager, expected_visit_at=later)
    assert refused.value.code == "suspended"
    client.force_login(hv_order.customer)
    assert "暂停办理" in client.get(reverse("utility_flows:hv_order", args=[hv_order.pk])).content.decode()
    # the paused days do not count
    HVProcess.objects.filter(pk=process.pk).update(suspended_at=timezone.now() - timedelta(days=10))
    process.refresh_from_db()
    before = process.stage_at
    hv.resume(process=process, by=manager, reason="资金已到位", approver=supervisor)
    assert process.stage_at - before >= timedelta(days=9)
    s = Suspension.objects.get(process=process)
    assert (s.reason, s.approver, s.resume_approver, s.resume_reason) == (
        "客户资金未到位",
        supervisor,
        supervisor,
        "资金已到位",
    )
    assert [e.name for e in process.log.all()][-2:] == ["suspend", "resume"]


def test_beat_warns_the_manager_before_and_supervisors_after_the_limit(hv_order, manager, supervisor):
    process = hv_order.hv
    today = timezone.localdate()
    HVProcess.objects.filter(pk=process.pk).update(due_on=today)
    assert hv.warn_limits(today=today) == (1, 0)
    assert hv.warn_limits(today=today) == (0, 0)  # once per stage
    assert Notification.objects.filter(user=manager, event="hv.due_soon").count() == 1
    HVProcess.objects.filter(pk=process.pk).update(due_on=today - timedelta(days=3))
    assert hv.warn_limits(today=today) == (0, 1)
    assert Notification.objects.filter(user=supervisor, event="hv.late").count() == 1


def test_admin_lists_late_and_suspended_orders(client, hv_order, manager, supervisor):
    HVProcess.objects.filter(pk=hv_order.hv.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    client.force_login(supervisor)
    url = reverse("admin:utility_flows_hvprocess_changelist")
    assert hv_order.number in client.get(url + "?clock=late").content.decode()
    assert hv_order.number not in client.get(url + "?clock=suspended").content.decode()
    action = reverse("admin:utility_flows_hvprocess_suspend", args=[hv_order.hv.pk])
    assert client.post(action, {"reason": "停电检修", "approver": supervisor.pk}).status_code == 400  # self-approval
    other = StaffFactory(roles=[Role.SUPERVISOR])
    assert client.post(action, {"reason": "停电检修", "approver": other.pk}).status_code == 302
    assert hv_order.number in client.get(url + "?clock=suspended").content.decode()
