"""Time limits of the HV stages (SPEC 4.5), in Chinese working days.

``HVTimeLimit`` rows are the one source: a data migration seeds them with ``DEFAULTS`` below and
the admin edits them. A stage without a row has no limit; nothing falls back to the defaults."""

from __future__ import annotations

from datetime import date

from portal.core.workdays import WorkCalendar
from utility_flows.hv.models import HVProcess, HVStage

S = HVStage
# The clock of the step that starts when the process reaches a stage (SPEC 4.5): contact /
# survey 3 days; supply plan 15 (single) or 30 (dual supply); design review 10; mid 5;
# completion 5; connection 5 after contract and fees. Customer steps have no limit.
DEFAULTS = [
    (S.CONFIRMED, 3, None, "SPEC 4.5：高压联系客户 3 个工作日"),
    (S.SURVEY_BOOKED, 3, None, "SPEC 4.5：高压勘察 3 个工作日"),
    (S.SURVEYED, 15, 30, "SPEC 4.5：供电方案答复 单电源 15、双电源 30 个工作日"),
    (S.DESIGN_SUBMITTED, 10, None, "SPEC 4.5：设计文件审查 10 个工作日"),
    (S.MID_REQUESTED, 5, None, "SPEC 4.5：中间检查 5 个工作日"),
    (S.COMPLETION_REQUESTED, 5, None, "SPEC 4.5：竣工检验 5 个工作日"),
    (S.CONTRACT_UPLOADED, 3, None, "合同盖章件审核"),
    (S.CONTRACT_SIGNED, 5, None, "SPEC 4.5：合同签订及费用结清后 5 个工作日装表接电"),
]
LimitTable = dict[str, tuple[int, int | None]]


def limit_table() -> LimitTable:
    """The limits as the admin left them: stage → (working days, dual-supply days). One query."""
    from utility_flows.hv.models import HVTimeLimit

    return {row.stage: (row.working_days, row.dual_supply_days) for row in HVTimeLimit.objects.all()}


def limit_days(process: HVProcess, table: LimitTable) -> int | None:
    entry = table.get(process.stage)
    if entry is None:
        return None
    days, dual = entry
    return dual if process.dual_supply and dual else days


def due_on(process: HVProcess, calendar: WorkCalendar | None = None, table: LimitTable | None = None) -> date | None:
    if process.suspended_at is not None:
        return None
    days = limit_days(process, table if table is not None else limit_table())
    if days is None:
        return None
    calendar = calendar or WorkCalendar.around(process.stage_at.date())
    return calendar.add_working_days(process.stage_at, days)
