"""The monthly 阳光业扩 service-quality report (SPEC 4.5): volumes by business and region, time
per HV stage (median and 90th percentile, in working days), on-time rate, abnormal orders,
suspensions. A fixed number of queries whatever the month's size; exported as CSV here and as
a PDF rendered by the worker."""

from __future__ import annotations

import csv
import io
import statistics
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from portal.core.workdays import WorkCalendar
from utility_flows.hv.clock import limit_days, limit_table
from utility_flows.hv.models import STAGE_NUMBER, STAGES, HVLog, HVProcess, Suspension


def month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=tz)
    following = (month.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    return start, datetime.combine(following, time.min, tzinfo=tz)


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def build(month: date) -> dict:
    """The report as plain data (JSON-able: the PDF worker gets it as is)."""
    from applications.catalog import registry
    from applications.models import AbnormalFlag
    from utility_flows.models import WorkOrder

    start, end = month_bounds(month)
    orders = WorkOrder.objects.filter(accepted_at__gte=start, accepted_at__lt=end)
    by_business = [
        {"code": row["business_code"], "name": str(registry.get(row["business_code"]).name), "count": row["n"]}
        for row in orders.values("business_code").annotate(n=Count("id")).order_by("-n", "business_code")
    ]
    by_region = [
        {"name": row["region__name"] or "—", "count": row["n"]}
        for row in orders.values("region__name").annotate(n=Count("id")).order_by("-n", "region__name")
    ]
    calendar = WorkCalendar.around(month)
    table = limit_table()
    # Every stage change of the HV orders that moved this month, ordered per order: the time a
    # stage took is the gap to the previous change.
    logs = list(
        HVLog.objects.filter(process__log__at__gte=start, process__log__at__lt=end)
        .exclude(to_stage="")
        .distinct()
        .order_by("process_id", "at", "id")
        .values("process_id", "name", "from_stage", "to_stage", "at")
    )
    durations: dict[int, list[float]] = {}
    on_time = late = 0
    previous: dict[int, dict] = {}
    for entry in logs:
        before = previous.get(entry["process_id"])
        if entry["from_stage"] != entry["to_stage"]:
            previous[entry["process_id"]] = entry
        if before is None or entry["from_stage"] == entry["to_stage"] or not (start <= entry["at"] < end):
            continue
        number = STAGE_NUMBER.get(entry["to_stage"])
        if number is None:
            continue
        days = calendar.working_days_between(before["at"], entry["at"])
        durations.setdefault(number, []).append(days)
        stand_in = HVProcess(stage=before["to_stage"], stage_at=before["at"])
        limit = limit_days(stand_in, table)
        if limit is not None:
            if timezone.localdate(entry["at"]) <= calendar.add_working_days(before["at"], limit):
                on_time += 1
            else:
                late += 1
    stages = [
        {
            "number": n,
            "label": str(label),
            "count": len(durations.get(n, [])),
            "median": round(statistics.median(durations[n]), 1) if durations.get(n) else None,
            "p90": round(_p90(durations[n]), 1) if durations.get(n) else None,
        }
        for n, _code, _side, label in STAGES
        if n > 1
    ]
    suspensions = [
        {
            "order": s["process__order__number"],
            "reason": s["reason"],
            "approver": s["approver__name"],
            "suspended_at": timezone.localtime(s["suspended_at"]).strftime("%Y-%m-%d"),
            "resumed_at": timezone.localtime(s["resumed_at"]).strftime("%Y-%m-%d") if s["resumed_at"] else "",
        }
        for s in Suspension.objects.filter(suspended_at__gte=start, suspended_at__lt=end)
        .values("process__order__number", "reason", "approver__name", "suspended_at", "resumed_at")
        .order_by("suspended_at")
    ]
    flags = list(
        AbnormalFlag.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    late_now = HVProcess.objects.filter(due_on__lt=timezone.localdate(), suspended_at=None).count()
    total_steps = on_time + late
    return {
        "month": month.strftime("%Y-%m"),
        "total": sum(b["count"] for b in by_business),
        "by_business": by_business,
        "by_region": by_region,
        "stages": stages,
        "on_time": on_time,
        "late": late,
        "on_time_rate": round(100 * on_time / total_steps, 1) if total_steps else None,
        "abnormal": {
            "late_now": late_now,
            "suspended": len(suspensions),
            "flags": [{"kind": f["kind"], "count": f["n"]} for f in flags],
        },
        "suspensions": suspensions,
        "max_business": max([b["count"] for b in by_business] or [1]),
        "chart": {
            "height": 26 * len(by_business) + 8,
            "bars": [
                {
                    "name": b["name"],
                    "count": b["count"],
                    "y": 26 * i + 4,
                    "width": round(380 * b["count"] / max([x["count"] for x in by_business] or [1])),
                }
                for i, b in enumerate(by_business)
            ],
        },
    }


def as_csv(report: dict) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["阳光业扩服务质量月报", report["month"]])
    w.writerow([])
    w.writerow(["业务", "工单数"])
    for b in report["by_business"]:
        w.writerow([b["name"], b["count"]])
    w.writerow([])
    w.writerow(["区县", "工单数"])
    for r in report["by_region"]:
        w.writerow([r["name"], r["count"]])
    w.writerow([])
    w.writerow(["环节", "次数", "中位数（工作日）", "90%分位（工作日）"])
    for s in report["stages"]:
        w.writerow(
            [
                f"{s['number']}. {s['label']}",
                s["count"],
                s["median"] if s["median"] is not None else "",
                s["p90"] if s["p90"] is not None else "",
            ]
        )
    w.writerow([])
    w.writerow(["按时办结率（%）", report["on_time_rate"] if report["on_time_rate"] is not None else ""])
    w.writerow(["当前超期工单", report["abnormal"]["late_now"]])
    w.writerow(["本月暂停工单", report["abnormal"]["suspended"]])
    for f in report["abnormal"]["flags"]:
        w.writerow([f"异常：{f['kind']}", f["count"]])
    w.writerow([])
    w.writerow(["工单", "暂停原因", "批准人", "暂停日期", "恢复日期"])
    for s in report["suspensions"]:
        w.writerow([s["order"], s["reason"], s["approver"], s["suspended_at"], s["resumed_at"]])
    return out.getvalue()
