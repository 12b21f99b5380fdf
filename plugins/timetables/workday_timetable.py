"""Registers :class:`timetables.workday.WorkdayTimetable` with Airflow (see that module for why here)."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from timetables.workday import WorkdayTimetable


class WorkdayTimetablePlugin(AirflowPlugin):
    name = "govwatch_workday_timetable"
    timetables = [WorkdayTimetable]
