"""The backoffice: the acceptance queue, the order queues with their clocks, the processing
pages and their buttons, abnormal orders and time limits — as staff use them in the browser."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import AbnormalFlag, ApplicationState, Region
from portal.core.workdays import add_working_days, working_days_between
from tests.factories import ApplicationFactory, VerifiedUserFactory, WorkOrderFactory
from utility_flows import services
from utility_flows.models import OrderState, TimeLimit, WorkOrder

pytestmark = pytest.mark.django_db

# Resolved lazily: importing the URLconf at collection time would touch the database.
APPLICATIONS = "/admin/applications/application/"
ORDERS = "/admin/utility_flows/workorder/"


def order_page(order):
    return reverse("admin:utility_flows_workorder_change", args=[order.pk])


def application_page(application):
    return reverse("admin:applications_application_change", args=[application.pk])


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


# --- the acceptance queue -------------------------------------------------------------------------------


def test_the_queue_opens_on_submitted_applications_oldest_first_with_masked_phones(as_manager):
    older = ApplicationFactory(submitted_at=timezone.now() - timedelta(days=3))
    newer = ApplicationFactory()
    ApplicationFactory(state="returned")
    ApplicationFactory(state="draft", number=None, submitted_at=None)
    page = as_manager.get(APPLICATIONS)
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [older, newer]
    body = page.content.decode()
    phone = older.applicant.phone
    assert phone not in body and f"{phone[:3]}****{phone[-4:]}" in body
    assert "个人新装" in body


def test_queue_filters_by_state_business_district_and_flags(as_manager):
    returned = ApplicationFactory(state="returned", reason="照片模糊")
    chengdong = ApplicationFactory()
    chengxi_street = Region.objects.filter(kind="street").exclude(parent__name="城东区").first()
    elsewhere = ApplicationFactory(region=chengxi_street)
    flagged = ApplicationFactory()
    AbnormalFlag.objects.create(application=flagged, kind=AbnormalFlag.Kind.LV_OVER_LIMIT, detail="180 千瓦")

    def listed(**params):
        return set(as_manager.get(APPLICATIONS, params).context["cl"].result_list)

    assert listed(queue="returned") == {returned}
    assert listed(district=chengdong.region.parent_id) == {chengdong, flagged}
    assert listed(district=chengxi_street.parent_id) == {elsewhere}
    assert listed(flag="any") == {flagged}
    assert listed(flag="lv_over_limit") == {flagged}
    assert listed(business="peak_valley") == set()
    assert listed(business="residential_new", queue="all") == {returned, chengdong, elsewhere, flagged}


def test_the_queue_shows_working_days_waiting(as_manager):
    application = ApplicationFactory(submitted_at=timezone.now() - timedelta(days=14))
    body = as_manager.get(APPLICATIONS).content.decode()
    from portal.core.workdays import working_days_between

    waited = working_days_between(application.submitted_at, timezone.localdate())
    assert waited >= 8
    assert f'<span class="flows-badge danger">{waited}</span>' in body


def test_accepting_from_the_application_page_creates_the_order_and_opens_it(as_manager, manager):
    application = ApplicationFactory()
    page = as_manager.get(application_page(application))
    body = page.content.decode()
    assert "受理" in body and "退回补正" in body and "不予受理" in body
    assert "八一中路 8 号 3 单元 502 室" in body  # the summary of the answers
    response = as_manager.post(
        reverse("admin:applications_application_accept", args=[application.pk]), {"assignee": ""}
    )
    order = WorkOrder.objects.get(application=application)
    assert response.status_code == 302 and response["Location"] == order_page(order)
    assert order.assignee == manager
    followed = as_manager.get(response["Location"])
    assert f"已受理，工单 {order.number} 已分派给 王芳" in followed.content.decode()


def test_returning_without_a_reason_keeps_the_page_with_the_error_and_changes_nothing(as_manager):
    application = ApplicationFactory()
    url = reverse("admin:applications_application_return", args=[application.pk])
    response = as_manager.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "请填写原因" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    response = as_manager.post(url, {"reason": "请补充产权证明"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.reason) == (ApplicationState.RETURNED, "请补充产权证明")


def test_staff_without_the_role_see_no_buttons_and_cannot_post(client, inspector):
    application = ApplicationFactory()
    client.force_login(inspector)
    body = client.get(application_page(application)).content.decode()
    assert "受理此项业务需要“客户经理”或“营销主管”角色" in body
    assert 'name="accept"' not in body
    response = client.post(reverse("admin:applications_application_accept", args=[application.pk]), {"assignee": ""})
    assert response.status_code == 400
    assert "没有办理“个人新装”的权限" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_customers_cannot_reach_the_backoffice(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    response = client.post(reverse("admin:applications_application_accept", args=[application.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not WorkOrder.objects.exists()


# --- the order queues -------------------------------------------------------------------------------------


def test_order_queues_new_mine_due_soon_and_late(as_manager, manager, other_manager):
    today = timezone.localdate()
    new_mine = WorkOrderFactory(assignee=manager, step_due_on=add_working_days(today, 1))
    contacted_other = WorkOrderFactory(assignee=other_manager, state=OrderState.CONTACTED, step_due_on=today)
    late = WorkOrderFactory(assignee=other_manager, state=OrderState.SURVEYED, step_due_on=add_working_days(today, -2))
    later = WorkOrderFactory(assignee=manager, state=OrderState.CONTACTED, step_due_on=add_working_days(today, 5))
    archived = WorkOrderFactory(assignee=manager, state=OrderState.ARCHIVED, step_due_on=None)

    def listed(**params):
        return set(as_manager.get(ORDERS, params).context["cl"].result_list)

    assert listed() == {new_mine, contacted_other, late, later}
    assert listed(queue="new") == {new_mine}
    assert listed(queue="mine") == {new_mine, later}
    assert listed(queue="due_soon") == {new_mine, contacted_other}
    assert listed(queue="late") == {late}
    assert listed(queue="archived") == {archived}
    assert listed(queue="all", state="surveyed") == {late}
    assert listed(queue="all", assignee__id__exact=other_manager.pk) == {contacted_other, late}
    assert listed(queue="all", flow="change") == set()


def test_order_list_shows_each_clock_with_its_colour(as_manager, manager):
    today = timezone.localdate()
    WorkOrderFactory(assignee=manager, step_due_on=add_working_days(today, 3))
    WorkOrderFactory(assignee=manager, step_due_on=today)
    late_since = add_working_days(today, -2)
    WorkOrderFactory(assignee=manager, step_due_on=late_since)
    body = as_manager.get(ORDERS).content.decode()
    assert 'class="flows-badge ok"' in body and "剩余 3 个工作日" in body
    assert 'class="flows-badge warn"' in body and "今日到期" in body
    # Two working days back is late by 2 on a working day, by 1 on a weekend (nothing due then).
    late = working_days_between(late_since, today)
    assert 'class="flows-badge danger"' in body and f"超期 {late} 个工作日" in body


def test_the_order_page_offers_the_users_transitions_and_advancing_logs_it(as_manager, manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    body = as_manager.get(order_page(order)).content.decode()
    assert 'value="contact"' in body and "已联系客户" in body
    assert "剩余 1 个工作日" in body or "今日到期" in body
    response = as_manager.post(
        reverse("admin:utility_flows_workorder_advance", args=[order.pk]),
        {"transition": "contact", "expected_state": "accepted", "reason": "已电话联系"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.CONTACTED
    body = as_manager.get(order_page(order)).content.decode()
    assert 'value="survey"' in body and "已电话联系" in body


def test_a_stale_button_shows_refresh_and_the_typed_reason_stays(as_manager, manager, other_manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    services.advance(order=order, transition="contact", by=other_manager)
    response = as_manager.post(
        reverse("admin:utility_flows_workorder_advance", args=[order.pk]),
        {"transition": "contact", "expected_state": "accepted", "reason": "客户电话已接通"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "工单已被他人处理，请刷新" in body
    assert "客户电话已接通" in body
    assert WorkOrder.objects.get(pk=order.pk).transitions.filter(name="contact").count() == 1


def test_reassigning_and_collecting_a_deferred_document_from_the_order_page(as_manager, manager, other_manager):
    from applications.models import ApplicationDocument

    application = ApplicationFactory()
    promised = ApplicationDocument.objects.create(
        application=application,
        requirement="property_proof",
        how="deferred",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    order = services.accept_application(application=application, by=manager)
    body = as_manager.get(order_page(order)).content.decode()
    assert "产权证明" in body and "待补交" in body
    url = reverse("admin:utility_flows_workorder_collect", args=[order.pk, promised.pk])
    assert as_manager.post(url, {"note": ""}).status_code == 400
    assert as_manager.post(url, {"note": "已现场查验原件并留存复印件"}).status_code == 302
    promised.refresh_from_db()
    assert promised.fulfilled_at is not None
    response = as_manager.post(
        reverse("admin:utility_flows_workorder_reassign", args=[order.pk]),
        {"assignee": other_manager.pk, "reason": "片区调整"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.assignee == other_manager
    log = list(order.transitions.values_list("name", flat=True))
    assert log == ["accept", "collect_document", "reassign"]


def test_hv_order_page_says_it_waits_for_the_e_assistant(as_manager, manager):
    order = WorkOrderFactory(flow="hv_eassistant", state=OrderState.MANAGER_ASSIGNED, assignee=manager)
    body = as_manager.get(order_page(order)).content.decode()
    assert "办电e助手" in body
    assert 'name="transition"' not in body


# --- abnormal orders and time limits ------------------------------------------------------------------------


def test_resolving_an_abnormal_flag_records_who_and_the_note(as_manager, manager):
    flag = AbnormalFlag.objects.create(
        application=ApplicationFactory(), kind=AbnormalFlag.Kind.ONE_ADDRESS_MANY, detail="该地址已有户号"
    )
    listed = as_manager.get(reverse("admin:applications_abnormalflag_changelist"), {"resolved": "no"})
    assert flag in listed.context["cl"].result_list
    url = reverse("admin:applications_abnormalflag_change", args=[flag.pk])
    assert as_manager.post(url, {"resolution": ""}).status_code == 200  # the form shows the error
    flag.refresh_from_db()
    assert flag.resolved_at is None
    as_manager.post(url, {"resolution": "现场核实为同一户内分户，已说明"})
    flag.refresh_from_db()
    assert flag.resolved_by == manager and flag.resolution == "现场核实为同一户内分户，已说明"


def test_a_supervisor_edits_time_limits_within_the_flows_steps(client, supervisor):
    client.force_login(supervisor)
    add = reverse("admin:utility_flows_timelimit_add")
    response = client.post(add, {"flow": "change", "state": "surveyed", "business_code": "", "working_days": 2})
    assert "该流程没有这个环节" in response.content.decode()
    response = client.post(
        add,
        {
            "flow": "change",
            "state": "contacted",
            "business_code": "peak_valley",
            "working_days": 1,
            "note": "峰谷变更远程核实",
        },
    )
    assert response.status_code == 302
    assert TimeLimit.objects.get(business_code="peak_valley").working_days == 1


# --- fixed queries ---------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_application_queue_runs_the_same_queries_for_10_and_200_rows(as_manager, django_assert_max_num_queries):
    for _i in range(10):
        ApplicationFactory()
    with django_assert_max_num_queries(14):
        as_manager.get(APPLICATIONS)
    ten = _queries(as_manager, APPLICATIONS)
    for _i in range(190):
        ApplicationFactory()
    with django_assert_max_num_queries(14):
        response = as_manager.get(APPLICATIONS + "?queue=submitted")
    assert len(response.context["cl"].result_list) == 50  # a page of them, all measured
    assert _queries(as_manager, APPLICATIONS) == ten


def test_the_order_queue_runs_the_same_queries_for_10_and_200_rows(as_manager, manager, django_assert_max_num_queries):
    applicant = VerifiedUserFactory()
    for _i in range(10):
        WorkOrderFactory(assignee=manager, application__applicant=applicant)
    with django_assert_max_num_queries(14):
        as_manager.get(ORDERS)
    ten = _queries(as_manager, ORDERS)
    for _i in range(190):
        WorkOrderFactory(assignee=manager, application__applicant=applicant)
    with django_assert_max_num_queries(14):
        as_manager.get(ORDERS)
    assert _queries(as_manager, ORDERS) == ten
