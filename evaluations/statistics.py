"""好差评统计: numbers of reviews, satisfaction and bad-review rates and the on-time rate of
rectification, by unit, staff, business and month, with charts drawn on the server (SVG, like
the bills chart) and a CSV export.

Every breakdown is one aggregate query, whatever the number of reviews: the report runs a fixed
number of queries. Reviews struck by an upheld appeal are left out.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from evaluations.models import BAD_LEVELS, SATISFIED_LEVELS, CaseState, Review

# The chart's coordinate system (the SVG scales to its card's width).
WIDTH, HEIGHT = 360, 200
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 20, 160, 4, 356
BAR_WIDTH = 18
UNIT_ROW, UNIT_LABEL_WIDTH = 26, 150


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100.0 / whole, 1) if whole else None


@dataclass
class Row:
    key: str
    label: str
    reviews: int = 0
    satisfied: int = 0
    bad: int = 0
    cases_due: int = 0
    cases_on_time: int = 0

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.reviews)

    @property
    def bad_rate(self) -> float | None:
        return _rate(self.bad, self.reviews)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.cases_on_time, self.cases_due)


@dataclass
class Report:
    start: date
    end: date
    total: Row
    by_unit: list[Row] = field(default_factory=list)
    by_staff: list[Row] = field(default_factory=list)
    by_business: list[Row] = field(default_factory=list)
    by_month: list[Row] = field(default_factory=list)
    month_chart: dict = field(default_factory=dict)
    unit_chart: dict = field(default_factory=dict)


def _measures(today: date) -> dict:
    """The counts of a Row as aggregate expressions over reviews (one GROUP BY each)."""
    replied_on_time = Q(case__replied_at__isnull=False, case__replied_at__date__lte=F("case__deadline"))
    late_or_replied = Q(case__replied_at__isnull=False) | Q(
        case__state__in=[CaseState.VERIFYING, CaseState.RECTIFYING], case__deadline__lt=today
    )
    return {
        "reviews": Count("id"),
        "satisfied": Count("id", filter=Q(level__in=SATISFIED_LEVELS)),
        "bad": Count("id", filter=Q(level__in=BAD_LEVELS)),
        "cases_due": Count("case", filter=late_or_replied),
        "cases_on_time": Count("case", filter=replied_on_time),
    }


def counted_reviews(*, start: date, end: date, unit: str = "") -> QuerySet[Review]:
    tz = timezone.get_current_timezone()
    reviews = Review.objects.filter(
        excluded_from_stats=False,
        submitted_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        submitted_at__lt=datetime.combine(end, time.max, tzinfo=tz),
    )
    return reviews.filter(unit=unit) if unit else reviews


def _business_label(row: dict) -> str:
    # Stored in the site's language; business names are msgids of the catalogue, so an English
    # reader gets them translated (anything else comes back as it is).
    if row["business_label"]:
        return gettext(row["business_label"])
    return row["business"] or _("其他")


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def build_report(*, months: int = 12, unit: str = "", today: date | None = None) -> Report:
    """The report of the last ``months`` calendar months (the current one included)."""
    today = today or timezone.localdate()
    start = _month_start(today, months - 1)
    reviews = counted_reviews(start=start, end=today, unit=unit)
    measures = _measures(today)

    def rows(group: tuple[str, ...], key, label, order=("-reviews",)) -> list[Row]:
        data = reviews.values(*group).annotate(**measures).order_by(*order)
        return [Row(key=str(key(d)), label=label(d), **{m: d[m] for m in measures}) for d in data]

    total = Row(key="all", label=_("合计"), **reviews.aggregate(**measures))
    report = Report(start=start, end=today, total=total)
    report.by_unit = rows(("unit",), lambda d: d["unit"], lambda d: d["unit"] or _("未指定单位"))
    report.by_staff = rows(
        ("staff_id", "staff__name", "unit"),
        lambda d: f"{d['staff_id'] or ''}:{d['unit']}",
        lambda d: f"{d['staff__name'] or _('未指定人员')}（{d['unit'] or _('未指定单位')}）",
    )
    report.by_business = rows(("business", "business_label"), lambda d: d["business"], _business_label)
    monthly = {
        timezone.localtime(d["month"]).date() if isinstance(d["month"], datetime) else d["month"]: d
        for d in reviews.annotate(month=TruncMonth("submitted_at")).values("month").annotate(**measures)
    }
    for back in range(months - 1, -1, -1):
        first = _month_start(today, back)
        d = monthly.get(first)
        label = _("%(y)s年%(m)s月") % {"y": first.year, "m": first.month}
        report.by_month.append(
            Row(key=first.strftime("%Y-%m"), label=label, **({m: d[m] for m in measures} if d else {}))
        )
    report.month_chart = _month_chart(report.by_month)
    report.unit_chart = _unit_chart(report.by_unit[:8])
    return report


def _r(value: float) -> float:
    return round(value, 1)


def _month_chart(rows: list[Row]) -> dict:
    """Stacked bars per month: satisfied (green) over fair-or-better, bad (red) on top."""
    top = max((r.reviews for r in rows), default=0)
    scale = (PLOT_BOTTOM - PLOT_TOP) / top if top else 0
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(rows), 1)
    bars, described = [], []
    for i, row in enumerate(rows):
        x = PLOT_LEFT + slot * i + (slot - BAR_WIDTH) / 2
        good_h, bad_h = row.satisfied * scale, row.bad * scale
        title = _("%(month)s：评价 %(n)s 条，满意 %(good)s 条，差评 %(bad)s 条") % {
            "month": row.label,
            "n": row.reviews,
            "good": row.satisfied,
            "bad": row.bad,
        }
        described.append(title)
        bars.append(
            {
                "x": _r(x),
                "label_x": _r(x + BAR_WIDTH / 2),
                "title": title,
                "good_y": _r(PLOT_BOTTOM - good_h),
                "good_h": _r(good_h),
                "bad_y": _r(PLOT_BOTTOM - good_h - bad_h),
                "bad_h": _r(bad_h),
                "value_y": _r(PLOT_BOTTOM - good_h - bad_h - 4),
                "value": row.reviews,
                "month": _("%(m)s月") % {"m": row.key[-2:].lstrip("0")},
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": PLOT_BOTTOM,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "bar_width": BAR_WIDTH,
        "month_y": PLOT_BOTTOM + 14,
        "bars": bars,
        "title": _("近%(n)s个月评价数量") % {"n": len(rows)},
        "desc": "；".join(described),
    }


def _unit_chart(rows: list[Row]) -> dict:
    """Horizontal bars: each unit's satisfaction rate, 0–100 %."""
    span = WIDTH - UNIT_LABEL_WIDTH - 40
    bars, described = [], []
    for i, row in enumerate(rows):
        rate = row.satisfaction_rate or 0.0
        title = _("%(unit)s：满意率 %(rate)s%%，评价 %(n)s 条") % {"unit": row.label, "rate": rate, "n": row.reviews}
        described.append(title)
        bars.append(
            {
                "y": i * UNIT_ROW + 6,
                "text_y": i * UNIT_ROW + 19,
                "width": _r(span * rate / 100),
                "label": row.label[-12:],
                "rate": rate,
                "title": title,
                "value_x": _r(UNIT_LABEL_WIDTH + span * rate / 100 + 4),
            }
        )
    return {
        "width": WIDTH,
        "height": max(len(rows), 1) * UNIT_ROW + 8,
        "label_width": UNIT_LABEL_WIDTH,
        "bars": bars,
        "title": _("各单位满意率"),
        "desc": "；".join(described),
    }


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def csv_response(report: Report) -> HttpResponse:
    """The report as CSV (UTF-8 with BOM, so Excel opens the Chinese columns)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="review-statistics-{report.start:%Y%m}-{report.end:%Y%m}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("维度"),
            _("名称"),
            _("评价数"),
            _("满意数"),
            _("差评数"),
            _("满意率"),
            _("差评率"),
            _("应整改数"),
            _("按期整改数"),
            _("整改按期率"),
        ]
    )
    sections = [
        (_("合计"), [report.total]),
        (_("单位"), report.by_unit),
        (_("人员"), report.by_staff),
        (_("业务"), report.by_business),
        (_("月份"), report.by_month),
    ]
    for section, rows in sections:
        for row in rows:
            writer.writerow(
                [
                    section,
                    row.label,
                    row.reviews,
                    row.satisfied,
                    row.bad,
                    _pct(row.satisfaction_rate),
                    _pct(row.bad_rate),
                    row.cases_due,
                    row.cases_on_time,
                    _pct(row.on_time_rate),
                ]
            )
    return response
