"""Time limits count Chinese working days (SPEC 4.5): holidays and adjusted weekends observed."""

from datetime import date

import pytest

from portal.core.models import CalendarOverride
from portal.core.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db


def test_one_working_day_after_a_friday_is_monday():
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_spring_festival_2025_is_skipped_and_its_working_sunday_counts():
    # 2025: holiday 1-28 .. 2-4; Sunday 1-26 and Saturday 2-8 were working days (调休).
    assert is_working_day(date(2025, 1, 26))
    assert add_working_days(date(2025, 1, 27), 1) == date(2025, 2, 5)
    assert add_working_days(date(2025, 2, 5), 3) == date(2025, 2, 8)  # Saturday 2-8 is a working day


def test_spring_festival_2026_nine_days_off():
    # 2026: holiday 2-15 .. 2-23; Saturday 2-14 and Saturday 2-28 are working days.
    assert is_working_day(date(2026, 2, 14))
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


def test_national_day_2025_and_2026():
    # 2025: 10-1 .. 10-8 off, Sunday 9-28 and Saturday 10-11 worked.
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert is_working_day(date(2025, 10, 11))
    # 2026: 10-1 .. 10-7 off, Sunday 9-20 and Saturday 10-10 worked.
    assert is_working_day(date(2026, 9, 20))
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3


def test_between_is_the_inverse_of_add_and_negative_when_late():
    start = date(2026, 1, 30)
    for n in (1, 5, 15, 30):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1


def test_a_year_the_library_does_not_know_uses_weekdays_and_staff_overrides():
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)  # Friday, unknown year
    CalendarOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="2027年元旦")
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
