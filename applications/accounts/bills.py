"""电量电费: one account's last 12 months as a table and as a bar chart drawn on the server
(an SVG with a title, a description and labelled bars; no charting library, no script)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.accounts.selectors import BillMonth, last_twelve_months
from applications.models import Bill, ServiceAccount

# The chart's coordinate system (the SVG scales to the card's width).
WIDTH, HEIGHT = 360, 210
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 22, 170, 4, 356
BAR_WIDTH = 18


def compact_kwh(value: Decimal) -> str:
    """Bar labels must fit 28 units: 12 345 kWh reads 1.2万."""
    if value >= 10000:
        return _("%(n)s万") % {"n": f"{value / 10000:.1f}"}
    return f"{value:.0f}"


@dataclass(frozen=True)
class Bar:
    x: float
    label_x: float
    value_y: float
    month_label: str
    year_label: str
    value_label: str
    title: str
    # Heights from the baseline; a month without a bill has none.
    total_y: float | None = None
    total_height: float = 0
    valley_y: float | None = None
    valley_height: float = 0
    peak_y: float | None = None
    peak_height: float = 0


@dataclass(frozen=True)
class Row:
    period: date
    bill: Bill | None
    state: str  # paid / due / overdue / none

    @property
    def state_label(self) -> str:
        return {"paid": _("已缴"), "due": _("待缴"), "overdue": _("已逾期"), "none": _("无账单")}[self.state]

    @property
    def badge(self) -> str:
        return {"paid": "ok", "due": "warn", "overdue": "danger", "none": "grey"}[self.state]


@dataclass
class BillSummary:
    account: ServiceAccount
    rows: list[Row]
    split: bool  # show the peak / valley columns
    total_kwh: Decimal = Decimal("0")
    total_peak: Decimal = Decimal("0")
    total_valley: Decimal = Decimal("0")
    total_amount: Decimal = Decimal("0")
    unpaid_amount: Decimal = Decimal("0")
    unpaid_count: int = 0
    bars: list[Bar] = field(default_factory=list)
    chart_title: str = ""
    chart_desc: str = ""

    @property
    def rows_newest_first(self) -> list[Row]:
        return list(reversed(self.rows))

    @property
    def has_bills(self) -> bool:
        return any(r.bill for r in self.rows)

    width = WIDTH
    height = HEIGHT
    baseline = PLOT_BOTTOM
    month_y = PLOT_BOTTOM + 14
    year_y = PLOT_BOTTOM + 27
    bar_width = BAR_WIDTH
    plot_left = PLOT_LEFT
    plot_right = PLOT_RIGHT


def _state(bill: Bill | None, today: date) -> str:
    if bill is None:
        return "none"
    if bill.paid_on:
        return "paid"
    return "overdue" if bill.due_on < today else "due"


def _month_text(period: date) -> str:
    return _("%(y)s年%(m)s月") % {"y": period.year, "m": period.month}


def summarize_bills(*, account: ServiceAccount, today: date | None = None) -> BillSummary:
    """The 12-month table, its totals and the chart geometry of one account (one query)."""
    today = today or timezone.localdate()
    months: list[BillMonth] = last_twelve_months(account=account, today=today)
    split = account.peak_valley or any(m.bill and m.bill.kwh_peak is not None for m in months)
    summary = BillSummary(
        account=account, split=split, rows=[Row(m.period, m.bill, _state(m.bill, today)) for m in months]
    )
    for row in summary.rows:
        bill = row.bill
        if bill is None:
            continue
        summary.total_kwh += bill.kwh
        summary.total_peak += bill.kwh_peak or 0
        summary.total_valley += bill.kwh_valley or 0
        summary.total_amount += bill.amount
        if not bill.paid_on:
            summary.unpaid_amount += bill.amount
            summary.unpaid_count += 1
    _draw(summary)
    return summary


def _r(value: float) -> float:
    return round(value, 1)


def _draw(summary: BillSummary) -> None:
    rows = summary.rows
    top = max((r.bill.kwh for r in rows if r.bill), default=Decimal("0"))
    scale = (PLOT_BOTTOM - PLOT_TOP) / float(top) if top else 0
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(rows)
    descriptions = []
    for i, row in enumerate(rows):
        x = PLOT_LEFT + slot * i + (slot - BAR_WIDTH) / 2
        bill = row.bill
        month_label = _("%(m)s月") % {"m": row.period.month}
        year_label = str(row.period.year) if i == 0 or row.period.month == 1 else ""
        if bill is None:
            title = _("%(month)s：无账单") % {"month": _month_text(row.period)}
            summary.bars.append(
                Bar(
                    x=_r(x),
                    label_x=_r(x + BAR_WIDTH / 2),
                    value_y=PLOT_BOTTOM - 4,
                    month_label=month_label,
                    year_label=year_label,
                    value_label=_("无"),
                    title=title,
                )
            )
            descriptions.append(title)
            continue
        height = float(bill.kwh) * scale
        title = _("%(month)s：%(kwh)s 千瓦时，电费 %(amount)s 元，%(state)s") % {
            "month": _month_text(row.period),
            "kwh": f"{bill.kwh:.0f}",
            "amount": f"{bill.amount:.2f}",
            "state": row.state_label,
        }
        bar = dict(
            x=_r(x),
            label_x=_r(x + BAR_WIDTH / 2),
            value_y=_r(PLOT_BOTTOM - height - 4),
            month_label=month_label,
            year_label=year_label,
            value_label=compact_kwh(bill.kwh),
            total_y=_r(PLOT_BOTTOM - height),
            total_height=_r(height),
        )
        if summary.split and bill.kwh_peak is not None and bill.kwh_valley is not None:
            valley = float(bill.kwh_valley) * scale
            peak = height - valley
            bar.update(
                valley_y=_r(PLOT_BOTTOM - valley),
                valley_height=_r(valley),
                peak_y=_r(PLOT_BOTTOM - height),
                peak_height=_r(peak),
            )
            title = _("%(month)s：%(kwh)s 千瓦时（峰 %(peak)s，谷 %(valley)s），电费 %(amount)s 元，%(state)s") % {
                "month": _month_text(row.period),
                "kwh": f"{bill.kwh:.0f}",
                "peak": f"{bill.kwh_peak:.0f}",
                "valley": f"{bill.kwh_valley:.0f}",
                "amount": f"{bill.amount:.2f}",
                "state": row.state_label,
            }
        summary.bars.append(Bar(title=title, **bar))
        descriptions.append(title)
    first, last = rows[0].period, rows[-1].period
    summary.chart_title = _("户号 %(number)s 近12个月用电量（%(start)s至%(end)s）") % {
        "number": summary.account.number,
        "start": _month_text(first),
        "end": _month_text(last),
    }
    summary.chart_desc = "；".join(descriptions)
