"""Time limits, clocks and progress: what is due now, by when, who acts, when it should end.

Everything here works on data already loaded: a ``LimitTable`` (all time limits, one query) and
a ``WorkCalendar`` (the working-day overrides, one query) are built once per page and shared by
every row, so a list of 200 orders runs as many queries as a list of 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationState
from portal.core.workdays import WorkCalendar
from utility_flows import flows
from utility_flows.flows import Actor
from utility_flows.models import TimeLimit, WorkOrder


def contact_state(flow: str) -> str | None:
    """The state in which an order waits for its first contact with the customer: the flow's
    initial state (a business's ``contact_days`` is the limit of that step)."""
    try:
        return flows.get(flow).initial
    except KeyError:
        return None


def step_name(flow: str, state: str) -> str:
    declared = flows.get(flow).state(state)
    return declared.step_name if declared else state


class LimitTable:
    """Every time limit, read once. ``days()`` answers for one step of one business.

    The ``TimeLimit`` rows are the one source of truth: seeded from the declarations after
    every migrate (``utility_flows.limits.sync_time_limits``), edited by staff in the admin."""

    def __init__(self, rows: list[tuple[str, str, str, int]] | None = None):
        if rows is None:
            rows = list(TimeLimit.objects.values_list("flow", "state", "business_code", "working_days"))
        self._rows = {(flow, state, code): days for flow, state, code, days in rows}

    def days(self, flow: str, state: str, business=None) -> int | None:
        code = getattr(business, "code", "") or ""
        found = self._rows.get((flow, state, code))
        if found is not None:
            return found
        return self._rows.get((flow, state, ""))

    def remaining_after(self, flow: str, state: str, business=None) -> int | None:
        """Working days the steps after the current one take along the main path."""
        declaration = flows.get(flow)
        path = declaration.path
        position = declaration.path_position(state)
        if not path or position not in path:
            return None
        total = 0
        for later in path[path.index(position) + 1 :]:
            days = self.days(flow, later, business)
            total += days or 0
        return total

    def whole_path(self, flow: str, business=None) -> int | None:
        path = flows.get(flow).path
        if not path:
            return None
        return sum(self.days(flow, s, business) or 0 for s in path)


@dataclass
class Clock:
    """An order's clock (SPEC 4.5): working days left before the step is due, or late by."""

    due_on: date
    days: int  # left (>= 0) or late (> 0 when overdue)
    overdue: bool

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.days <= 1

    @property
    def label(self) -> str:
        if self.overdue:
            return str(_("超期 %(n)s 个工作日") % {"n": self.days})
        if self.days == 0:
            return str(_("今日到期"))
        return str(_("剩余 %(n)s 个工作日") % {"n": self.days})

    @property
    def badge(self) -> str:
        if self.overdue:
            return "danger"
        return "warn" if self.due_soon else "ok"


def clock_for(due_on: date | None, calendar: WorkCalendar, today: date | None = None) -> Clock | None:
    if due_on is None:
        return None
    today = today or timezone.localdate()
    if due_on >= today:
        return Clock(due_on=due_on, days=calendar.working_days_between(today, due_on), overdue=False)
    # Late: counted in working days since the due date; a weekend after a Friday deadline is
    # already late, so it shows as one day rather than zero.
    return Clock(due_on=due_on, days=max(1, calendar.working_days_between(due_on, today)), overdue=True)


def due_date(order: WorkOrder, table: LimitTable, calendar: WorkCalendar, *, start) -> date | None:
    """The due date of the step an order in its current state must do next."""
    if not order.is_open:
        return None
    days = table.days(order.flow, order.state, order.business)
    if days is None:
        return None
    return calendar.add_working_days(start, days)


# --- progress as the customer reads it ------------------------------------------------------


@dataclass
class Progress:
    status: str
    step: str | None  # the step now due
    due_on: date | None
    clock: Clock | None
    actor: str | None  # Actor.*
    actor_label: str | None  # 客户 / 客户经理 王芳 / 供电公司
    expected_on: date | None
    expected_note: str = ""


def _person(user) -> str:
    return (user.name or user.masked_phone) if user is not None else ""


def progress_of(
    application: Application, table: LimitTable, calendar: WorkCalendar, today: date | None = None
) -> Progress:
    """Status, step now due, who acts next and the expected completion date of one
    application (with its order when accepted). No queries beyond what the caller loaded:
    ``work_order`` and its ``assignee`` must be select_related."""
    today = today or timezone.localdate()
    state = application.state
    business = application.business
    order: WorkOrder | None = (
        getattr(application, "work_order", None)
        if state in (ApplicationState.ACCEPTED, ApplicationState.COMPLETED)
        else None
    )
    if state == ApplicationState.DRAFT:
        return Progress(
            status=str(application.get_state_display()),
            step=str(_("填写并提交申请")),
            due_on=None,
            clock=None,
            actor=Actor.CUSTOMER,
            actor_label=str(_("客户")),
            expected_on=None,
            expected_note=str(_("提交后计算")),
        )
    if state == ApplicationState.RETURNED:
        return Progress(
            status=str(application.get_state_display()),
            step=str(_("按退回原因修改并重新提交")),
            due_on=None,
            clock=None,
            actor=Actor.CUSTOMER,
            actor_label=str(_("客户")),
            expected_on=None,
            expected_note=str(_("重新提交后计算")),
        )
    if state == ApplicationState.SUBMITTED:
        total = table.whole_path(business.flow, business) if flows.get(business.flow).promises_dates else None
        expected = calendar.add_working_days(today, total) if total is not None else None
        return Progress(
            status=str(application.get_state_display()),
            step=str(_("供电公司受理申请")),
            due_on=None,
            clock=None,
            actor=Actor.UTILITY,
            actor_label=str(_("供电公司")),
            expected_on=expected,
            expected_note="" if expected else str(_("受理后由客户经理告知")),
        )
    if state in (ApplicationState.REJECTED, ApplicationState.WITHDRAWN):
        return Progress(
            status=str(application.get_state_display()),
            step=None,
            due_on=None,
            clock=None,
            actor=None,
            actor_label=None,
            expected_on=None,
        )
    if order is None or state == ApplicationState.COMPLETED or not order.is_open:
        done_on = timezone.localdate(order.closed_at) if order is not None and order.closed_at else None
        return Progress(
            status=str(_("已办结")),
            step=None,
            due_on=None,
            clock=None,
            actor=None,
            actor_label=None,
            expected_on=done_on,
        )
    declaration = order.declaration
    declared = declaration.state(order.state)
    step = declared.due if declared else None
    if declared is not None and declared.actor == Actor.UTILITY:
        actor, actor_label = Actor.UTILITY, str(_("供电公司"))
    elif declared is not None and declared.actor == Actor.CUSTOMER:
        actor, actor_label = Actor.CUSTOMER, str(_("客户"))
    else:
        actor = Actor.MANAGER
        role = business.handler_role
        actor_label = f"{role} {_person(order.assignee)}".strip()
    expected = None
    note = ""
    after = table.remaining_after(order.flow, order.state, business)
    if after is not None and declaration.promises_dates:
        base = max(order.step_due_on or today, today)
        expected = calendar.add_working_days(base, after)
    else:
        note = str(declaration.no_date_note or _("由客户经理按办电e助手流程告知"))
    return Progress(
        status=str(order.get_state_display()),
        step=str(step) if step else None,
        due_on=order.step_due_on,
        clock=clock_for(order.step_due_on, calendar, today),
        actor=actor,
        actor_label=actor_label,
        expected_on=expected,
        expected_note=note,
    )
