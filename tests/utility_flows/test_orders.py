"""Work orders through the services the backoffice calls: acceptance, both state machines,
permissions, two people acting at once, the log, and what archiving does to accounts."""

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from applications.catalog import registry
from applications.catalog.base import CONFIRM_STEP, DOCUMENTS_STEP, Business, Flow, Step, Trips
from applications.models import AccountBinding, AccountChange, Application, ApplicationState, ServiceAccount
from portal.accounts.roles import Role
from portal.core.errors import DomainError
from portal.core.workdays import WorkCalendar, add_working_days
from tests.factories import ApplicationFactory, ServiceAccountFactory, StaffFactory, VerifiedUserFactory
from utility_flows import services
from utility_flows.limits import sync_time_limits
from utility_flows.models import OrderState, WorkOrder, WorkOrderTransition

pytestmark = pytest.mark.django_db

LV_PATH = ["contact", "survey", "reply_plan", "connect", "sign_contract", "archive"]


@pytest.fixture
def declare():
    """Declare a business for one test only (the ones another engineer has not declared yet)."""
    declared = []

    def _declare(**kwargs):
        defaults = dict(
            row=90 + len(declared),
            group="change",
            voltage="LV",
            trips=Trips.ZERO,
            flow=Flow.CHANGE,
            # Answers live under a step key (the factory fills "location").
            steps=[Step("location", "用电信息"), Step(DOCUMENTS_STEP, "上传材料"), Step(CONFIRM_STEP, "确认提交")],
        )
        defaults.update(kwargs)
        business = registry.register(Business(**defaults))
        declared.append(business.code)
        # As after a migrate: the time-limit rows are seeded from the declarations.
        sync_time_limits()
        return business

    yield _declare
    for code in declared:
        registry._BUSINESSES.pop(code, None)


def run(order, names, by, **kwargs):
    for name in names:
        order = services.advance(order=order, transition=name, by=by, **kwargs)
    return order


# --- acceptance -------------------------------------------------------------------------------------


def test_acceptance_creates_the_order_assigned_to_the_accepting_manager_with_a_one_day_clock(manager):
    application = ApplicationFactory()
    order = services.accept_application(application=application, by=manager)
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
    assert order.state == OrderState.ACCEPTED
    assert order.flow == Flow.LV_CONNECTION
    assert order.assignee == manager
    assert order.customer == application.applicant
    assert order.region.name == "城东区"  # the street's district: queues filter by district
    assert order.number == f"GD{timezone.localdate():%Y%m%d}{order.pk:06d}"
    assert order.step_due_on == add_working_days(timezone.localdate(), 1)  # LV contact: 1 working day
    entry = order.transitions.get()
    assert (entry.name, entry.from_state, entry.to_state, entry.by) == ("accept", "", "accepted", manager)
    assert "王芳" in entry.reason
    assert application.events.filter(to_state="accepted", actor=manager).exists()


def test_a_supervisor_accepting_assigns_the_manager_with_fewest_open_orders(supervisor, manager, other_manager):
    busy = ApplicationFactory()
    services.accept_application(application=busy, by=manager)  # 王芳 now has one open order
    order = services.accept_application(application=ApplicationFactory(), by=supervisor)
    assert order.assignee == other_manager


def test_an_assignee_must_hold_the_handler_role(manager, inspector):
    application = ApplicationFactory()
    with pytest.raises(DomainError) as refused:
        services.accept_application(application=application, by=manager, assignee=inspector)
    assert refused.value.field == "assignee"
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert not WorkOrder.objects.exists()


def test_without_any_account_manager_acceptance_is_refused_and_nothing_changes(supervisor):
    application = ApplicationFactory()
    with pytest.raises(DomainError, match="没有在岗的客户经理"):
        services.accept_application(application=application, by=supervisor)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_a_customer_or_staff_without_the_role_cannot_accept(inspector):
    application = ApplicationFactory()
    for outsider in (application.applicant, inspector, StaffFactory()):
        with pytest.raises(DomainError) as refused:
            services.accept_application(application=application, by=outsider)
        assert refused.value.code == "forbidden"
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_an_application_can_be_accepted_only_once(manager, other_manager):
    application = ApplicationFactory()
    services.accept_application(application=application, by=manager)
    with pytest.raises(DomainError, match="已受理"):
        services.accept_application(application=Application.objects.get(pk=application.pk), by=other_manager)
    assert WorkOrder.objects.count() == 1


def test_returned_application_is_fixed_resubmitted_and_then_accepted(manager, send_code):
    from applications import services as application_services
    from portal.verification.models import Purpose

    application = ApplicationFactory()
    services.return_application(application=application, by=manager, reason="产权证明照片模糊，请重新上传")
    application.refresh_from_db()
    assert application.state == ApplicationState.RETURNED
    assert application.reason == "产权证明照片模糊，请重新上传"
    # The customer uploads again (the lead's documents step) and resubmits with a new code.
    from tests.applications.conftest import photo

    customer = application.applicant
    assert (
        application_services.save_documents(
            application=application,
            user=customer,
            uploads={"id_front": photo(), "id_back": photo(), "property_proof": photo(), "meter_photo": photo()},
            deferrals={},
        )
        == {}
    )
    application_services.submit_application(
        application=application, user=customer, sms_code=send_code(customer.phone, Purpose.SUBMIT)
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    order = services.accept_application(application=application, by=manager)
    assert order.state == OrderState.ACCEPTED
    assert list(application.events.values_list("to_state", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_rejection_needs_a_reason_and_the_handler_role(manager, inspector):
    application = ApplicationFactory()
    with pytest.raises(DomainError) as no_reason:
        services.reject_application(application=application, by=manager, reason="  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError):
        services.reject_application(application=application, by=inspector, reason="不在供电区域")
    services.reject_application(application=application, by=manager, reason="用电地址不在本公司供电区域")
    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED


# --- the LV connection machine ---------------------------------------------------------------------


def test_lv_new_connection_runs_every_step_and_archive_opens_and_binds_the_account(manager):
    application = ApplicationFactory(capacity=Decimal("8"))
    # The customer signed the smart-payment agreement after submitting (as the EV charger's
    # completion page leads them to): the account the order opens carries it.
    application.data["smart_payment"] = {
        "agreed_at": "2026-11-20T10:00:00+08:00",
        "version": "1",
        "by": application.applicant_id,
    }
    application.save(update_fields=["data"])
    customer = application.applicant
    order = services.accept_application(application=application, by=manager)
    seen = [order.state]
    for name in LV_PATH:
        order = services.advance(order=order, transition=name, by=manager)
        seen.append(order.state)
    assert seen == ["accepted", "contacted", "surveyed", "plan_replied", "connected", "contracted", "archived"]
    assert order.closed_at is not None and order.step_due_on is None
    application.refresh_from_db()
    assert application.state == ApplicationState.COMPLETED
    account = application.service_account
    assert account.number.startswith("639") and len(account.number) == 10
    assert (account.holder_name, account.holder_id_number) == (customer.name, customer.id_number)
    assert account.capacity == Decimal("8")
    assert account.address == application.address and account.region == application.region
    assert account.usage_nature == "residential" and account.customer_kind == "resident"
    assert account.voltage == "220V"
    assert account.smart_payment is True
    assert account.registered_phone == customer.phone
    binding = AccountBinding.objects.get(user=customer, account=account)
    assert binding.via == AccountBinding.Via.CONNECTION
    assert "新户号" in order.transitions.get(name="archive").reason


def test_grid_works_path_needs_a_reason_and_leads_to_connection(manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    order = run(order, ["contact", "survey", "reply_plan"], manager)
    with pytest.raises(DomainError) as no_reason:
        services.advance(order=order, transition="start_grid_works", by=manager)
    assert no_reason.value.field == "reason"
    order = services.advance(order=order, transition="start_grid_works", by=manager, reason="需新建低压线路 200 米")
    assert order.state == OrderState.GRID_WORKS
    assert order.step_due_on == add_working_days(timezone.localdate(), 10)
    order = run(order, ["connect", "sign_contract", "archive"], manager)
    assert order.state == OrderState.ARCHIVED
    assert list(order.transitions.values_list("name", flat=True)) == [
        "accept",
        "contact",
        "survey",
        "reply_plan",
        "start_grid_works",
        "connect",
        "sign_contract",
        "archive",
    ]


def test_a_step_out_of_order_is_refused_with_the_current_step(manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    with pytest.raises(DomainError, match="已受理") as refused:
        services.advance(order=order, transition="connect", by=manager)
    assert refused.value.code == "not_allowed"
    with pytest.raises(DomainError):  # change-machine steps do not apply to a connection
        run(order, ["contact", "check_on_site"], manager)
    order.refresh_from_db()
    assert order.state == OrderState.CONTACTED


def test_lv_capacity_increase_archive_raises_the_accounts_capacity(declare, manager):
    declare(
        code="test_lv_increase",
        name="低压增容（测试）",
        group="connection",
        flow=Flow.LV_CONNECTION,
        needs_account=True,
        capacity_answer="capacity",
        capacity_is_increase=True,
    )
    customer = VerifiedUserFactory()
    account = ServiceAccountFactory(capacity=Decimal("8"), holder_name=customer.name)
    application = ApplicationFactory(
        business_code="test_lv_increase",
        applicant=customer,
        service_account=account,
        capacity=Decimal("12"),
        extra_answers={"capacity": "12"},
    )
    order = services.accept_application(application=application, by=manager)
    run(order, LV_PATH, manager)
    account.refresh_from_db()
    assert account.capacity == Decimal("20")
    change = AccountChange.objects.get(account=account)
    assert (change.field, change.old_value, change.new_value) == ("capacity", "8.0", "20.0")
    assert change.applied_at is not None


# --- the change machine ------------------------------------------------------------------------------


def test_peak_valley_order_flips_the_account_when_executed_and_completes_at_archive(manager):
    customer = VerifiedUserFactory()
    account = ServiceAccountFactory(holder_name=customer.name, peak_valley=False)
    AccountBinding.objects.create(user=customer, account=account, via=AccountBinding.Via.HOLDER_ID)
    application = ApplicationFactory(business_code="peak_valley", applicant=customer, service_account=account)
    order = services.accept_application(application=application, by=manager)
    assert order.flow == Flow.CHANGE
    order = run(order, ["contact", "check_at_desk"], manager)
    assert order.state == OrderState.CHECKED
    order = services.advance(order=order, transition="execute", by=manager)
    account.refresh_from_db()
    assert account.peak_valley is True
    assert account.peak_valley_line == "已执行峰谷电价，您当前可取消峰谷电"
    assert f"{timezone.localdate().isoformat()} 起生效" in order.transitions.get(name="execute").reason
    order = services.advance(order=order, transition="archive", by=manager)
    application.refresh_from_db()
    assert (order.state, application.state) == (OrderState.ARCHIVED, ApplicationState.COMPLETED)


def test_a_change_dated_ahead_is_registered_now_and_applied_by_the_daily_task(declare, manager):
    declare(
        code="test_demand",
        name="需量值变更（测试）",
        voltage="HV",
        needs_account=True,
        contact_days=3,
        effective_rule="next_month",
        account_changes=lambda account, answers: {"contracted_demand": answers["demand"]},
    )
    customer = VerifiedUserFactory()
    account = ServiceAccountFactory(
        customer_kind="enterprise",
        voltage="10kV",
        capacity=Decimal("630"),
        basic_charge="demand",
        contracted_demand=Decimal("400"),
    )
    first_of_next_month = registry.get("test_demand").effective_date(timezone.localdate())
    application = ApplicationFactory(
        business_code="test_demand",
        applicant=customer,
        service_account=account,
        effective_on=first_of_next_month,
        extra_answers={"demand": "450"},
    )
    order = services.accept_application(application=application, by=manager)
    # Capacity / demand changes: contact within 3 working days (seed 003), declared by the business.
    assert order.step_due_on == add_working_days(timezone.localdate(), 3)
    run(order, ["contact", "check_on_site", "execute", "archive"], manager)
    account.refresh_from_db()
    assert account.contracted_demand == Decimal("400")  # not before next month
    from utility_flows.tasks import apply_due_account_changes

    assert apply_due_account_changes.apply(kwargs={}).get() == 0  # eager task: nothing due today
    from applications.services import apply_due_account_changes as apply_due

    assert apply_due(today=first_of_next_month) == 1
    account.refresh_from_db()
    assert account.contracted_demand == Decimal("450")


def test_pause_orders_are_the_inspectors_not_the_account_managers(declare, manager, inspector, supervisor):
    declare(
        code="test_pause",
        name="暂停（测试）",
        group="pause",
        handler_role=Role.INSPECTOR,
        needs_account=True,
        account_changes=lambda account, answers: {"status": "paused", "paused_capacity": answers["pause_capacity"]},
    )
    account = ServiceAccountFactory(customer_kind="enterprise", voltage="380V", capacity=Decimal("100"))
    application = ApplicationFactory(
        business_code="test_pause", service_account=account, extra_answers={"pause_capacity": "100"}
    )
    with pytest.raises(DomainError):
        services.accept_application(application=application, by=manager)
    order = services.accept_application(application=application, by=inspector)
    assert order.assignee == inspector
    with pytest.raises(DomainError) as refused:
        services.advance(order=order, transition="contact", by=manager)
    assert refused.value.code == "forbidden"
    order = run(order, ["contact", "check_on_site"], inspector)
    order = run(order, ["execute", "archive"], supervisor)  # supervisors may act on any order
    account.refresh_from_db()
    assert (account.status, account.paused_capacity) == ("paused", Decimal("100"))


# --- HV: waits for the e-assistant ------------------------------------------------------------------


def test_hv_acceptance_assigns_the_manager_and_the_order_waits_with_no_transition(declare, manager):
    declare(
        code="test_hv_new",
        name="高压新装（测试）",
        group="high_voltage",
        voltage="HV",
        trips=Trips.ONE,
        flow=Flow.HV_EASSISTANT,
        is_new_connection=True,
        customer_kind="enterprise",
        contact_days=3,
    )
    order = services.accept_application(application=ApplicationFactory(business_code="test_hv_new"), by=manager)
    assert order.state == OrderState.MANAGER_ASSIGNED
    assert order.assignee == manager
    assert order.step_due_on == add_working_days(timezone.localdate(), 3)
    assert services.available_transitions(order, manager) == []
    for name in services.TRANSITIONS:
        with pytest.raises(DomainError):
            services.advance(order=order, transition=name, by=manager)
    order.refresh_from_db()
    assert order.state == OrderState.MANAGER_ASSIGNED


# --- permissions ---------------------------------------------------------------------------------------


def test_a_customer_or_a_staff_member_without_the_role_cannot_advance(manager, inspector):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    for outsider in (order.customer, inspector, StaffFactory(), VerifiedUserFactory()):
        assert services.available_transitions(order, outsider) == []
        with pytest.raises(DomainError) as refused:
            services.advance(order=order, transition="contact", by=outsider)
        assert refused.value.code == "forbidden"
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED
    assert order.transitions.count() == 1


def test_available_transitions_offer_both_ways_out_of_the_plan(manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    order = run(order, ["contact", "survey", "reply_plan"], manager)
    offered = {
        name: (label, needs_reason) for name, label, needs_reason in services.available_transitions(order, manager)
    }
    assert offered == {"start_grid_works": ("启动配套电网工程", True), "connect": ("装表接电", False)}


# --- two people at once -----------------------------------------------------------------------------


def test_two_staff_acting_on_the_same_state_the_second_gets_a_clear_error(manager, other_manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    mine, theirs = WorkOrder.objects.get(pk=order.pk), WorkOrder.objects.get(pk=order.pk)
    services.advance(order=mine, transition="contact", by=manager)
    with pytest.raises(DomainError) as second:
        services.advance(order=theirs, transition="contact", by=other_manager)
    assert second.value.message == "工单已被他人处理，请刷新"
    assert second.value.code == "concurrent"
    assert theirs.state == OrderState.CONTACTED  # refreshed: the page can show the truth
    assert WorkOrder.objects.get(pk=order.pk).transitions.filter(name="contact").count() == 1


def test_a_stale_page_is_refused_even_for_a_different_transition(manager, other_manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    order = run(order, ["contact", "survey", "reply_plan"], manager)
    seen_by_other = WorkOrder.objects.get(pk=order.pk)
    services.advance(order=order, transition="connect", by=manager)
    with pytest.raises(DomainError, match="工单已被他人处理，请刷新"):
        services.advance(order=seen_by_other, transition="start_grid_works", by=other_manager, reason="线路不足")
    assert WorkOrder.objects.get(pk=order.pk).state == OrderState.CONNECTED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_one_wins_the_other_is_told_to_refresh():
    manager = StaffFactory(name="王芳", roles=[Role.ACCOUNT_MANAGER])
    other_manager = StaffFactory(name="刘洋", roles=[Role.ACCOUNT_MANAGER])
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, user):
        try:
            local = WorkOrder.objects.get(pk=order.pk)
            barrier.wait(timeout=10)
            services.advance(order=local, transition="contact", by=user)
            outcomes[name] = "ok"
        except DomainError as exc:
            outcomes[name] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(n, u)) for n, u in (("a", manager), ("b", other_manager))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["ok", "工单已被他人处理，请刷新"]
    assert WorkOrderTransition.objects.filter(order_id=order.pk, name="contact").count() == 1


# --- the log ----------------------------------------------------------------------------------------------


def test_every_transition_is_logged_with_who_when_from_to_and_why_and_cannot_be_edited(manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    before = timezone.now()
    order = services.advance(order=order, transition="contact", by=manager, reason="已电话联系，约定明天上午上门")
    entry = order.transitions.get(name="contact")
    assert (entry.from_state, entry.to_state, entry.by) == ("accepted", "contacted", manager)
    assert entry.reason == "已电话联系，约定明天上午上门"
    assert entry.at >= before
    assert entry.label == "已联系客户"
    entry.reason = "改写历史"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        WorkOrderTransition.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(DatabaseError):  # the database refuses too (PostgreSQL trigger)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE utility_flows_workordertransition SET reason = 'x' WHERE id = %s", [entry.pk])
    assert WorkOrderTransition.objects.get(pk=entry.pk).reason == "已电话联系，约定明天上午上门"


def test_reassignment_needs_a_reason_and_is_logged(manager, other_manager, supervisor):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    with pytest.raises(DomainError) as no_reason:
        services.reassign(order=order, to=other_manager, by=supervisor, reason="")
    assert no_reason.value.field == "reason"
    order = services.reassign(order=order, to=other_manager, by=supervisor, reason="王芳休假")
    assert order.assignee == other_manager
    entry = order.transitions.get(name="reassign")
    assert entry.by == supervisor and "王芳 → 刘洋：王芳休假" in entry.reason
    assert entry.from_state == entry.to_state == "accepted"


# --- the clock ----------------------------------------------------------------------------------------------


def test_the_clock_counts_working_days_across_the_spring_festival(manager):
    from utility_flows.clock import LimitTable, clock_for, due_date

    order = services.accept_application(application=ApplicationFactory(), by=manager)
    calendar, table = WorkCalendar(date(2026, 1, 1), date(2026, 3, 31)), LimitTable()
    # Accepted on Saturday 2026-02-14 (a working day, 调休) at 16:00: one working day to contact
    # the customer runs over the nine-day holiday to Tuesday 2-24.
    start = timezone.make_aware(datetime(2026, 2, 14, 16, 0))
    due = due_date(order, table, calendar, start=start)
    assert due == date(2026, 2, 24)
    assert clock_for(due, calendar, today=date(2026, 2, 14)).label == "剩余 1 个工作日"
    assert clock_for(due, calendar, today=date(2026, 2, 18)).label == "剩余 1 个工作日"  # holiday: no day used
    today = clock_for(due, calendar, today=date(2026, 2, 24))
    assert (today.label, today.badge) == ("今日到期", "warn")
    late = clock_for(due, calendar, today=date(2026, 2, 27))
    assert (late.label, late.badge, late.overdue) == ("超期 3 个工作日", "danger", True)
    # Saturday 2-28 is a working day (调休): late by 4.
    assert clock_for(due, calendar, today=date(2026, 2, 28)).label == "超期 4 个工作日"
    assert clock_for(date(2026, 3, 13), calendar, today=date(2026, 3, 2)).badge == "ok"


def test_a_batch_calendar_gives_the_same_answers_as_the_single_functions():
    from portal.core.models import CalendarOverride
    from portal.core.workdays import working_days_between

    CalendarOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="2027年元旦")
    calendar = WorkCalendar(date(2026, 12, 1), date(2027, 1, 31))
    for start in (date(2026, 2, 13), date(2026, 9, 30), date(2026, 12, 31)):
        for n in (1, 3, 10):
            assert calendar.add_working_days(start, n) == add_working_days(start, n)
            assert calendar.working_days_between(start, add_working_days(start, n)) == n
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == working_days_between(
        date(2026, 3, 9), date(2026, 3, 6)
    )


def test_staff_edit_a_time_limit_and_new_orders_follow_it(manager):
    from utility_flows.models import TimeLimit

    TimeLimit.objects.filter(flow=Flow.LV_CONNECTION, state="accepted", business_code="").update(working_days=2)
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    assert order.step_due_on == add_working_days(timezone.localdate(), 2)
    TimeLimit.objects.create(
        flow=Flow.LV_CONNECTION, state="contacted", business_code="residential_new", working_days=4
    )
    order = services.advance(order=order, transition="contact", by=manager)
    assert order.step_due_on == add_working_days(timezone.localdate(), 4)


def test_account_numbers_never_collide_with_existing_ones(manager):
    order = services.accept_application(application=ApplicationFactory(), by=manager)
    ServiceAccountFactory(number=str(6390000000 + order.pk))
    run(order, LV_PATH, manager)
    order.application.refresh_from_db()
    assert order.application.service_account.number == str(6390000000 + order.pk + 1)
    assert ServiceAccount.objects.filter(number__startswith="639").count() == 2


def test_a_business_declaring_its_own_contact_limit_gets_an_editable_row_that_migrate_never_overwrites(declare):
    from utility_flows.apps import sync_declared_contact_limits
    from utility_flows.models import TimeLimit

    declare(code="test_capacity_change", name="容量/需量变更（测试）", voltage="HV", contact_days=3)
    sync_declared_contact_limits(sender=None)
    row = TimeLimit.objects.get(business_code="test_capacity_change")
    assert (row.flow, row.state, row.working_days) == (Flow.CHANGE, "accepted", 3)
    assert not TimeLimit.objects.filter(business_code="peak_valley").exists()  # 1 day, as the general row
    TimeLimit.objects.filter(pk=row.pk).update(working_days=2)  # staff changed it in the admin
    sync_declared_contact_limits(sender=None)
    assert TimeLimit.objects.get(pk=row.pk).working_days == 2
