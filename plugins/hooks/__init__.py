"""Hooks that turn Airflow Connections into govwatch settings (imported from the plugins folder)."""
