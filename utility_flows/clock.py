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

from applications.catalog.base import Flow
from applications.models import Application, ApplicationState
from portal.core.workdays import WorkCalendar
from utility_flows.models import OrderState, TimeLimit, WorkOrder

S = OrderState

# The main path of each flow: the states an order passes through, in order. The step that is
# due while an order sits in a state is the one that leaves it.
PATHS: dict[str, list[str]] = {
    Flow.LV_CONNECTION: [S.ACCEPTED, S.CONTACTED, S.SURVEYED, S.PLAN_REPLIED, S.CONNECTED, S.CONTRACTED],
    Flow.CHANGE: [S.ACCEPTED, S.CONTACTED, S.CHECKED, S.EXECUTED],
    Flow.HV_EASSISTANT: [S.MANAGER_ASSIGNED],
}
# Off the main path: the grid-works detour sits where "connect" is due.
_PATH_POSITION = {S.GRID_WORKS: S.PLAN_REPLIED}

DUE_STEPS: dict[tuple[str, str], object] = {
    (Flow.LV_CONNECTION, S.ACCEPTED): _("联系客户，确认用电地址并预约上门"),
    (Flow.LV_CONNECTION, S.CONTACTED): _("现场勘查"),
    (Flow.LV_CONNECTION, S.SURVEYED): _("答复供电方案"),
    (Flow.LV_CONNECTION, S.PLAN_REPLIED): _("装表接电"),
    (Flow.LV_CONNECTION, S.GRID_WORKS): _("配套电网工程施工"),
    (Flow.LV_CONNECTION, S.CONNECTED): _("签订供用电合同及费控协议"),
    (Flow.LV_CONNECTION, S.CONTRACTED): _("资料归档"),
    (Flow.CHANGE, S.ACCEPTED): _("联系客户，确认变更信息"),
    (Flow.CHANGE, S.CONTACTED): _("核实变更信息"),
    (Flow.CHANGE, S.CHECKED): _("变更户号信息"),
    (Flow.CHANGE, S.EXECUTED): _("资料归档"),
    (Flow.HV_EASSISTANT, S.MANAGER_ASSIGNED): _("客户经理联系客户（办电e助手后续环节即将上线）"),
}

# The same steps, short, for the backoffice's step chips.
STEP_NAMES: dict[str, object] = {
    S.ACCEPTED: _("联系客户"),
    S.CONTACTED: _("现场勘查"),
    S.SURVEYED: _("答复供电方案"),
    S.PLAN_REPLIED: _("装表接电"),
    S.GRID_WORKS: _("配套电网工程"),
    S.CONNECTED: _("签订合同"),
    S.CONTRACTED: _("归档"),
    S.CHECKED: _("变更户号信息"),
    S.EXECUTED: _("归档"),
    S.MANAGER_ASSIGNED: _("联系客户"),
}


def step_name(flow: str, state: str) -> str:
    if flow == Flow.CHANGE and state == S.CONTACTED:
        return str(_("核实变更信息"))
    return str(STEP_NAMES.get(state, state))


# Where the utility as a whole, not the named handler, has the next move.
_UTILITY_STATES = {S.GRID_WORKS}

# Defaults seeded by the migration (SPEC 4.5, seed 003). Staff change them in the admin.
DEFAULT_LIMITS: list[tuple[str, str, int, str]] = [
    (Flow.LV_CONNECTION, S.ACCEPTED, 1, "种子003 §1.2.1：接到工单后1个工作日内与客户联系"),
    (Flow.LV_CONNECTION, S.CONTACTED, 1, "按约定时间上门勘查"),
    (Flow.LV_CONNECTION, S.SURVEYED, 1, "勘查后答复供电方案，可现场签订"),
    (Flow.LV_CONNECTION, S.PLAN_REPLIED, 2, "具备条件的直接装表接电"),
    (Flow.LV_CONNECTION, S.GRID_WORKS, 10, "低压业扩配套工程"),
    (Flow.LV_CONNECTION, S.CONNECTED, 1, "签订供用电合同及费控协议"),
    (Flow.LV_CONNECTION, S.CONTRACTED, 1, "同步推进系统流程并归档"),
    (Flow.CHANGE, S.ACCEPTED, 1, "种子003：接到工单后1个工作日内联系客户（容量/需量变更3个工作日）"),
    (Flow.CHANGE, S.CONTACTED, 2, "核实变更信息"),
    (Flow.CHANGE, S.CHECKED, 1, "变更户号信息"),
    (Flow.CHANGE, S.EXECUTED, 1, "同步推进系统流程并归档"),
    (Flow.HV_EASSISTANT, S.MANAGER_ASSIGNED, 3, "SPEC 4.5：高压联系客户/勘察3个工作日"),
]


DEFAULT_DAYS = {(flow, state): days for flow, state, days, _note in DEFAULT_LIMITS}


def contact_state(flow: str) -> str | None:
    """The state in which an order waits for its first contact with the customer."""
    path = PATHS.get(flow)
    return path[0] if path else None


class LimitTable:
    """Every time limit, read once. ``days()`` answers for one step of one business."""

    def __init__(self, rows: list[tuple[str, str, str, int]] | None = None):
        if rows is None:
            rows = list(TimeLimit.objects.values_list("flow", "state", "business_code", "working_days"))
        self._rows = {(flow, state, code): days for flow, state, code, days in rows}

    def days(self, flow: str, state: str, business=None) -> int | None:
        code = getattr(business, "code", "") or ""
        found = self._rows.get((flow, state, code))
        if found is not None:
            return found
        if business is not None and state == contact_state(flow):
            # A business that declares its own contact limit (capacity / demand changes: 3
            # working days) gets a row of its own after migrate; until then the declaration holds.
            declared = getattr(business, "contact_days", None)
            if declared is not None and declared != DEFAULT_DAYS.get((flow, state)):
                return declared
        return self._rows.get((flow, state, ""))

    def remaining_after(self, flow: str, state: str, business=None) -> int | None:
        """Working days the steps after the current one take along the main path."""
        path = PATHS.get(flow)
        position = _PATH_POSITION.get(state, state)
        if not path or position not in path:
            return None
        total = 0
        for later in path[path.index(position) + 1:]:
            days = self.days(flow, later, business)
            total += days or 0
        return total

    def whole_path(self, flow: str, business=None) -> int | None:
        path = PATHS.get(flow)
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
    if order.state == S.ARCHIVED:
        return None
    days = table.days(order.flow, order.state, order.business)
    if days is None:
        return None
    return calendar.add_working_days(start, days)


# --- progress as the customer reads it ------------------------------------------------------


class Actor:
    CUSTOMER = "customer"
    MANAGER = "manager"
    UTILITY = "utility"


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
    order: WorkOrder | None = getattr(application, "work_order", None) if state in (
        ApplicationState.ACCEPTED, ApplicationState.COMPLETED
    ) else None
    if state == ApplicationState.DRAFT:
        return Progress(
            status=str(application.get_state_display()), step=str(_("填写并提交申请")), due_on=None, clock=None,
            actor=Actor.CUSTOMER, actor_label=str(_("客户")), expected_on=None, expected_note=str(_("提交后计算")),
        )
    if state == ApplicationState.RETURNED:
        return Progress(
            status=str(application.get_state_display()), step=str(_("按退回原因修改并重新提交")), due_on=None,
            clock=None, actor=Actor.CUSTOMER, actor_label=str(_("客户")), expected_on=None,
            expected_note=str(_("重新提交后计算")),
        )
    if state == ApplicationState.SUBMITTED:
        total = table.whole_path(business.flow, business) if business.flow != Flow.HV_EASSISTANT else None
        expected = calendar.add_working_days(today, total) if total is not None else None
        return Progress(
            status=str(application.get_state_display()), step=str(_("供电公司受理申请")), due_on=None, clock=None,
            actor=Actor.UTILITY, actor_label=str(_("供电公司")), expected_on=expected,
            expected_note="" if expected else str(_("受理后由客户经理告知")),
        )
    if state in (ApplicationState.REJECTED, ApplicationState.WITHDRAWN):
        return Progress(status=str(application.get_state_display()), step=None, due_on=None, clock=None,
                        actor=None, actor_label=None, expected_on=None)
    if order is None or state == ApplicationState.COMPLETED or order.state == S.ARCHIVED:
        done_on = timezone.localdate(order.closed_at) if order is not None and order.closed_at else None
        return Progress(status=str(_("已办结")), step=None, due_on=None, clock=None, actor=None, actor_label=None,
                        expected_on=done_on)
    step = DUE_STEPS.get((order.flow, order.state))
    if order.state in _UTILITY_STATES:
        actor, actor_label = Actor.UTILITY, str(_("供电公司"))
    else:
        actor = Actor.MANAGER
        role = business.handler_role
        actor_label = f"{role} {_person(order.assignee)}".strip()
    expected = None
    note = ""
    after = table.remaining_after(order.flow, order.state, business)
    if after is not None and order.flow != Flow.HV_EASSISTANT:
        base = max(order.step_due_on or today, today)
        expected = calendar.add_working_days(base, after)
    else:
        note = str(_("由客户经理按办电e助手流程告知"))
    return Progress(
        status=str(order.get_state_display()), step=str(step) if step else None, due_on=order.step_due_on,
        clock=clock_for(order.step_due_on, calendar, today), actor=actor, actor_label=actor_label,
        expected_on=expected, expected_note=note,
    )
