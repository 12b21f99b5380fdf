"""A timetable that runs at a fixed local time on Chinese working days only.

Working days follow the State Council holiday calendar with its 调休 working weekends
(``govwatch.workdays.is_workday``): National Day week is skipped, a 调休 Saturday is run. Each run is a
point in time (data interval = the run instant), so a run's logical date *is* its reminder day: the
DAG passes ``logical_date`` in Asia/Shanghai as the as-of date.

Airflow 3 serialises a DAG's timetable and looks custom classes up among those registered by a plugin,
under their import path. DAG files import ``from timetables.workday import WorkdayTimetable`` (the plugins
folder is on ``sys.path``); ``workday_timetable.py`` registers the class imported by that same path. (The
plugin loader also executes every file under plugins/ as a top-level module named after the file, which
is why the class and its registration live in two files: a class registered from the file the loader
executed would be known as ``workday.WorkdayTimetable`` and the DAG's would not match.)
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from pendulum import DateTime, instance

#: How far ahead to look for the next working day: the longest holiday (Spring Festival with its
#: weekends) is under two weeks; a month is generous and still terminates on a broken calendar.
_HORIZON_DAYS = 31


def _is_workday(day: date) -> bool:
    from govwatch.workdays import is_workday  # imported late: the scheduler loads plugins before settings

    return is_workday(day)


class WorkdayTimetable(Timetable):
    """Run at ``hour:minute`` (``tz``, default 08:30 Asia/Shanghai) on every Chinese working day."""

    def __init__(self, hour: int = 8, minute: int = 30, tz: str = "Asia/Shanghai"):
        self.hour, self.minute, self.tz = int(hour), int(minute), str(tz)
        self._zone = ZoneInfo(self.tz)

    # -- what the UI shows ---------------------------------------------------------------------------

    @property
    def summary(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d} {self.tz}, 工作日 / CN working days"

    @property
    def description(self) -> str:  # type: ignore[override]
        return (
            f"At {self.hour:02d}:{self.minute:02d} {self.tz} on Chinese working days only "
            f"(State Council calendar with 调休 weekends) / 每个工作日 {self.hour:02d}:{self.minute:02d}（北京时间，"
            "按国务院节假日安排，含调休上班日）"
        )

    # -- (de)serialisation ---------------------------------------------------------------------------

    def serialize(self) -> dict[str, Any]:
        return {"hour": self.hour, "minute": self.minute, "tz": self.tz}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> WorkdayTimetable:
        return cls(
            hour=data.get("hour", 8), minute=data.get("minute", 30), tz=data.get("tz", "Asia/Shanghai")
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkdayTimetable) and self.serialize() == other.serialize()

    def __hash__(self) -> int:
        return hash((self.hour, self.minute, self.tz))

    def validate(self) -> None:
        from airflow.exceptions import AirflowTimetableInvalid

        if not (0 <= self.hour < 24 and 0 <= self.minute < 60):
            raise AirflowTimetableInvalid(f"invalid time {self.hour}:{self.minute}")

    # -- scheduling ----------------------------------------------------------------------------------

    def _slot(self, day: date) -> DateTime:
        # Airflow keeps run times in UTC; the local slot is converted once, here.
        return instance(datetime.combine(day, time(self.hour, self.minute), tzinfo=self._zone)).in_timezone(
            "UTC"
        )

    def next_run_at_or_after(self, moment: datetime) -> DateTime:
        """The first working-day slot at or after ``moment``."""
        local = moment.astimezone(self._zone)
        day = local.date()
        if local.time() > time(self.hour, self.minute):
            day += timedelta(days=1)
        for _ in range(_HORIZON_DAYS * 12):
            if _is_workday(day):
                return self._slot(day)
            day += timedelta(days=1)
        raise RuntimeError(f"no working day within a year after {moment}")  # pragma: no cover

    def next_run_after(self, moment: datetime) -> DateTime:
        """The first working-day slot strictly after ``moment``."""
        return self.next_run_at_or_after(moment + timedelta(microseconds=1))

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        return DataInterval.exact(run_after)

    def next_dagrun_info(
        self, *, last_automated_data_interval: DataInterval | None, restriction: TimeRestriction
    ) -> DagRunInfo | None:
        if last_automated_data_interval is not None:
            start = self.next_run_after(last_automated_data_interval.end)
            if not restriction.catchup:
                start = max(start, self.next_run_at_or_after(_utcnow()))
        else:
            if restriction.earliest is None:
                return None  # no start_date: nothing to schedule
            start = self.next_run_at_or_after(restriction.earliest)
            if not restriction.catchup:
                start = max(start, self.next_run_at_or_after(_utcnow()))
        if restriction.latest is not None and start > restriction.latest:
            return None
        return DagRunInfo.exact(start)


def _utcnow() -> datetime:
    # The scheduler asks "what is next from now" — the only place a wall clock belongs.
    from airflow._shared.timezones import timezone

    return timezone.utcnow()
