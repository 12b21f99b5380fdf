from datetime import date

from govwatch.workdays import add_workdays, is_workday, workdays_between


def test_national_day_and_tiaoxiu():
    assert not is_workday(date(2026, 10, 1))
    # Saturday 2026-10-10 is a 调休 working day of the 2026 National Day arrangement
    assert date(2026, 10, 10).weekday() == 5 and is_workday(date(2026, 10, 10))
    assert add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # a plain Mon–Fri count would say 2026-10-09 is 7 working days after 09-30; it is 2
    assert workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2


def test_plain_week():
    assert add_workdays(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Fri + 5 working days
    assert workdays_between(date(2026, 11, 20), date(2026, 11, 27)) == 5


def test_year_without_data_falls_back_to_weekdays(caplog):
    assert is_workday(date(2099, 3, 2))  # a Monday
    assert not is_workday(date(2099, 3, 1))  # a Sunday
    assert "no State Council holiday data" in caplog.text
