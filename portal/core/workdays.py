"""Chinese working days: public holidays and adjusted working weekends (调休) observed.

chinesecalendar carries the State Council's schedule for each year it knows. A year it does not
know yet (the schedule is published each November) falls back to Monday–Friday, and staff can
enter that year's holidays in the admin as calendar overrides, which always win.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import chinese_calendar
from django.utils import timezone

logger = logging.getLogger(__name__)


def _builtin_is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _overrides(start: date, end: date) -> dict[date, bool]:
    from portal.core.models import CalendarOverride

    return dict(CalendarOverride.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def is_working_day(day: date) -> bool:
    override = _overrides(day, day).get(day)
    return _builtin_is_workday(day) if override is None else override


def _walk(start: date, step: int, overrides: dict[date, bool]) -> Iterable[tuple[date, bool]]:
    day = start
    while True:
        day += timedelta(days=step)
        working = overrides.get(day)
        yield day, (_builtin_is_workday(day) if working is None else working)


def add_working_days(start: date | datetime, n: int) -> date:
    """The n-th working day after ``start`` (``start`` itself is not counted).

    A deadline of "1 working day" for an order accepted on Friday is the next Monday; for one
    accepted on the eve of the Spring Festival it is the first day back at work.
    """
    if isinstance(start, datetime):
        start = timezone.localdate(start) if timezone.is_aware(start) else start.date()
    if n == 0:
        return start
    step = 1 if n > 0 else -1
    # Even the Spring Festival break is under 10 days; this span always holds the answer.
    span = timedelta(days=abs(n) * 2 + 30)
    low, high = (start, start + span) if step > 0 else (start - span, start)
    overrides = _overrides(low, high)
    remaining = abs(n)
    for day, working in _walk(start, step, overrides):
        if working:
            remaining -= 1
            if remaining == 0:
                return day
    raise AssertionError("unreachable")


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    """Working days in (a, b]: ``working_days_between(a, add_working_days(a, n)) == n``.

    Negative when ``b`` is before ``a`` (an order that is late by that many working days).
    """
    if isinstance(a, datetime):
        a = timezone.localdate(a) if timezone.is_aware(a) else a.date()
    if isinstance(b, datetime):
        b = timezone.localdate(b) if timezone.is_aware(b) else b.date()
    if a == b:
        return 0
    sign = 1 if b > a else -1
    low, high = min(a, b), max(a, b)
    overrides = _overrides(low, high)
    count = 0
    day = low
    while day < high:
        day += timedelta(days=1)
        working = overrides.get(day)
        if _builtin_is_workday(day) if working is None else working:
            count += 1
    return sign * count


class WorkCalendar:
    """Working days over a date range with the staff overrides read once.

    ``add_working_days`` / ``working_days_between`` read the overrides on every call; a list of
    200 orders each showing its clock would run 200 queries. Build one calendar for the page
    (``WorkCalendar.around(today)``) and ask it instead: the answers are the same, and a day
    outside the loaded range costs one more query for a wider range, never one per row."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self._overrides = _overrides(start, end)

    @classmethod
    def around(cls, day: date | None = None, *, before: int = 400, after: int = 400) -> "WorkCalendar":
        day = day or timezone.localdate()
        return cls(day - timedelta(days=before), day + timedelta(days=after))

    def _cover(self, low: date, high: date) -> None:
        if low < self.start or high > self.end:
            self.start, self.end = min(low, self.start), max(high, self.end)
            self._overrides = _overrides(self.start, self.end)

    def is_working_day(self, day: date) -> bool:
        self._cover(day, day)
        override = self._overrides.get(day)
        return _builtin_is_workday(day) if override is None else override

    @staticmethod
    def _as_date(value: date | datetime) -> date:
        if isinstance(value, datetime):
            return timezone.localdate(value) if timezone.is_aware(value) else value.date()
        return value

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """Same answer as the module's ``add_working_days``."""
        start = self._as_date(start)
        if n == 0:
            return start
        step = 1 if n > 0 else -1
        span = timedelta(days=abs(n) * 2 + 30)
        self._cover(*((start, start + span) if step > 0 else (start - span, start)))
        remaining = abs(n)
        for day, working in _walk(start, step, self._overrides):
            if working:
                remaining -= 1
                if remaining == 0:
                    return day
        raise AssertionError("unreachable")

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Same answer as the module's ``working_days_between``."""
        a, b = self._as_date(a), self._as_date(b)
        if a == b:
            return 0
        sign = 1 if b > a else -1
        low, high = min(a, b), max(a, b)
        self._cover(low, high)
        count = 0
        day = low
        while day < high:
            day += timedelta(days=1)
            working = self._overrides.get(day)
            if _builtin_is_workday(day) if working is None else working:
                count += 1
        return sign * count
