"""Reads of the HV e-assistant, scoped to the user and with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch
from django.http import Http404

from applications.catalog.base import Flow
from utility_flows.hv.clock import due_on
from utility_flows.hv.models import (
    STAGES,
    HVLog,
    HVProcess,
    PushedDocument,
    Submission,
    SurveyBooking,
)
from utility_flows.models import WorkOrder


def my_hv_orders(*, user):
    return (
        WorkOrder.objects.filter(customer=user, flow=Flow.HV_EASSISTANT, hv__isnull=False)
        .select_related("application", "assignee__staff_profile", "hv")
        .order_by("-accepted_at", "-id")
    )


def hv_order_for(*, user, pk: int) -> WorkOrder:
    """The customer's own HV order with everything its page shows; anyone else's is a 404."""
    order = (
        my_hv_orders(user=user)
        .select_related("application__region__parent", "application__enterprise")
        .prefetch_related(
            Prefetch("hv__log", queryset=HVLog.objects.select_related("by")),
            Prefetch("hv__bookings", queryset=SurveyBooking.objects.order_by("at", "id")),
            Prefetch("hv__documents", queryset=PushedDocument.objects.order_by("pushed_at", "id")),
            Prefetch("hv__submissions", queryset=Submission.objects.prefetch_related("files").order_by("at", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404
    return order


@dataclass
class Row:
    number: int
    label: str
    side: str
    status: str  # done / now / next / skipped
    at: datetime | None = None
    due_on: date | None = None
    loops: int = 0


def timeline(order: WorkOrder, *, calendar=None, table=None) -> list[Row]:
    """The 20 stages like a parcel tracker: done (real time), now (who acts, by when), next,
    skipped. Uses the prefetched log only."""
    process: HVProcess = order.hv
    done_at: dict[int, datetime | None] = {1: order.application.submitted_at}
    loops: dict[int, int] = {}
    for entry in process.log.all():
        from utility_flows.hv.models import STAGE_NUMBER

        if entry.to_stage and entry.to_stage != entry.from_stage:
            number = STAGE_NUMBER.get(entry.to_stage)
            if entry.to_stage.endswith("_rework") and number is not None:
                loops[number + 1] = loops.get(number + 1, 0) + 1
            elif number:
                done_at[number] = entry.at
    current = process.number
    next_n = process.next_number()
    due = due_on(process, calendar, table) if next_n else None
    rows = []
    for number, _code, side, label in STAGES:
        if process.is_skipped(number):
            status = "skipped"
        elif number <= current:
            status = "done"
        elif number == next_n:
            status = "now"
        else:
            status = "next"
        rows.append(
            Row(
                number=number,
                label=str(label),
                side=side,
                status=status,
                at=done_at.get(number) if status == "done" else None,
                due_on=due if status == "now" else None,
                loops=loops.get(number, 0),
            )
        )
    return rows


def now_row(rows: list[Row]) -> Row | None:
    return next((r for r in rows if r.status == "now"), None)


def latest_documents(order: WorkOrder) -> dict[str, PushedDocument]:
    latest: dict[str, PushedDocument] = {}
    for d in order.hv.documents.all():
        latest[d.kind] = d
    return latest
