"""Thin Airflow operators, task helpers and notifiers over govwatch (imported from the plugins folder)."""
