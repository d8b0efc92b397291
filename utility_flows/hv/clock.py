"""Time limits of the HV stages (SPEC 4.5), in Chinese working days.

The defaults below apply unless staff set a row in ``utility_flows.TimeLimit`` (flow
``hv_eassistant``, state = the HV stage the clock starts in)."""

from __future__ import annotations

from datetime import date

from portal.core.workdays import WorkCalendar
from utility_flows.hv.models import HVProcess, HVStage

S = HVStage
# The clock of the step that starts when the process reaches a stage (SPEC 4.5): contact /
# survey 3 days; supply plan 15 (single) or 30 (dual supply); design review 10; mid 5;
# completion 5; connection 5 after contract and fees. Customer steps have no limit.
DEFAULT_DAYS = {
    S.CONFIRMED: 3,
    S.SURVEY_BOOKED: 3,
    S.SURVEYED: 15,
    S.DESIGN_SUBMITTED: 10,
    S.MID_REQUESTED: 5,
    S.COMPLETION_REQUESTED: 5,
    S.COMPLETION_SIGNED: 5,
    S.CONTRACT_UPLOADED: 3,
    S.CONTRACT_SIGNED: 5,
    S.CONNECTED: 5,
}
DUAL_SUPPLY_PLAN_DAYS = 30


def limit_days(process: HVProcess, overrides: dict[str, int] | None = None) -> int | None:
    if overrides and process.stage in overrides:
        return overrides[process.stage]
    if process.stage == S.SURVEYED and process.dual_supply:
        return DUAL_SUPPLY_PLAN_DAYS
    return DEFAULT_DAYS.get(process.stage)


def overrides() -> dict[str, int]:
    from utility_flows.models import TimeLimit

    return dict(TimeLimit.objects.filter(flow="hv_eassistant", business_code="").values_list("state", "working_days"))


def due_on(process: HVProcess, calendar: WorkCalendar | None = None, table: dict | None = None) -> date | None:
    days = limit_days(process, table)
    if days is None:
        return None
    calendar = calendar or WorkCalendar.around(process.stage_at.date())
    return calendar.add_working_days(process.stage_at, days)
