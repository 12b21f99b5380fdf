"""The working-day timetable of ``rectification_reminders`` (plugins/timetables/workday.py).

No database and no network; Airflow's timetable and serialisation modules are imported, nothing runs.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pendulum
import pytest

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
if str(PLUGINS) not in sys.path:
    sys.path.append(str(PLUGINS))  # as Airflow does for its plugins folder

from airflow.timetables.base import DataInterval, TimeRestriction  # noqa: E402
from timetables.workday import WorkdayTimetable  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
OPEN = TimeRestriction(earliest=pendulum.datetime(2026, 1, 1, tz="UTC"), latest=None, catchup=True)


def _at(d: date) -> pendulum.DateTime:
    return pendulum.instance(datetime(d.year, d.month, d.day, 8, 30, tzinfo=SH))


def _next(tt: WorkdayTimetable, last: date) -> pendulum.DateTime:
    info = tt.next_dagrun_info(last_automated_data_interval=DataInterval.exact(_at(last)), restriction=OPEN)
    assert info is not None
    return info.run_after.in_timezone("Asia/Shanghai")


def test_next_run_after_friday_is_monday_0830():
    nxt = _next(WorkdayTimetable(), date(2026, 11, 20))  # a Friday
    assert (nxt.date(), nxt.hour, nxt.minute) == (date(2026, 11, 23), 8, 30)
    assert nxt.utcoffset().total_seconds() == 8 * 3600


def test_national_day_is_skipped_and_the_tiaoxiu_saturday_runs():
    tt = WorkdayTimetable()
    runs, last = [], date(2026, 9, 30)
    for _ in range(4):
        nxt = _next(tt, last)
        runs.append(nxt.date())
        last = nxt.date()
    # 2026: 10-01…10-07 off; 10-08 (Thu) and 10-09 (Fri) work; Saturday 10-10 is a 调休 working day.
    assert runs == [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12)]
    assert all(date(2026, 10, d) not in runs for d in range(1, 8))


def test_first_run_from_start_date_and_latest_bound():
    tt = WorkdayTimetable()
    # start_date on a Saturday evening: the first run is Monday 08:30
    start = pendulum.datetime(2026, 11, 21, 20, 0, tz="Asia/Shanghai")
    info = tt.next_dagrun_info(
        last_automated_data_interval=None, restriction=TimeRestriction(start, None, catchup=True)
    )
    assert info.run_after == _at(date(2026, 11, 23))
    assert info.data_interval == DataInterval.exact(info.run_after)  # logical date = the reminder day
    # an end_date before the next working day ends the schedule
    end = pendulum.datetime(2026, 11, 22, 23, 0, tz="Asia/Shanghai")
    assert (
        tt.next_dagrun_info(last_automated_data_interval=None, restriction=TimeRestriction(start, end, True))
        is None
    )
    assert (
        tt.next_dagrun_info(last_automated_data_interval=None, restriction=TimeRestriction(None, None, True))
        is None
    )


def test_exactly_at_slot_is_included_and_after_slot_moves_on():
    tt = WorkdayTimetable()
    assert tt.next_run_at_or_after(_at(date(2026, 11, 23))) == _at(date(2026, 11, 23))
    later = pendulum.datetime(2026, 11, 23, 8, 31, tz="Asia/Shanghai")
    assert tt.next_run_at_or_after(later) == _at(date(2026, 11, 24))


def test_summary_description_and_serialisation_round_trip():
    tt = WorkdayTimetable(hour=9, minute=5)
    assert tt.summary == "09:05 Asia/Shanghai, 工作日 / CN working days"
    assert "09:05" in tt.description and "调休" in tt.description
    data = tt.serialize()
    assert data == {"hour": 9, "minute": 5, "tz": "Asia/Shanghai"}
    assert WorkdayTimetable.deserialize(data) == tt
    assert WorkdayTimetable().summary.startswith("08:30")


def test_airflow_serialises_it_once_registered_by_the_plugin(monkeypatch: pytest.MonkeyPatch):
    """The DAG's class and the plugin's registration must share one import path, or Airflow refuses it."""
    from airflow import plugins_manager
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable
    from timetables.workday_timetable import WorkdayTimetablePlugin

    monkeypatch.setattr(plugins_manager, "_get_plugins", lambda: ([WorkdayTimetablePlugin()], {}))
    plugins_manager.get_timetables_plugins.cache_clear()
    try:
        encoded = encode_timetable(WorkdayTimetable())
        assert encoded["__type"] == "timetables.workday.WorkdayTimetable"
        decoded = decode_timetable(encoded)
        assert isinstance(decoded, WorkdayTimetable) and decoded == WorkdayTimetable()
        assert decoded.summary == WorkdayTimetable().summary
    finally:
        plugins_manager.get_timetables_plugins.cache_clear()
