"""The govwatch Airflow plugin: the 整改台账 / 检查问题 view in the Airflow UI.

``fastapi_apps`` mounts the view (plugins/ui/ledger_app.py) under ``/govwatch`` in the API server;
``external_views`` puts a link to it in the UI's navigation (rendered inside the UI in an iframe). The
working-day timetable is registered by plugins/timetables/workday_timetable.py; ``operator_extra_links``
registers the Data Docs button of the validation gate tasks (the view serves the Data Docs at
``/govwatch/data-docs/``).
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin


def _links() -> list:
    from operators.govwatch_operators import DataDocsLink

    return [DataDocsLink()]


def _app():
    from ui.ledger_app import app

    return app


class GovwatchPlugin(AirflowPlugin):
    name = "govwatch"
    # The gate tasks' “数据校验报告” button (registered so the serialized DAG can name it).
    operator_extra_links = _links()
    fastapi_apps = [{"app": _app(), "url_prefix": "/govwatch", "name": "govwatch 整改台账 / 检查问题"}]
    external_views = [
        {
            "name": "整改台账 / 检查问题",
            "href": "govwatch/",
            "destination": "nav",
            "category": "browse",
            "url_route": "govwatch_ledger",
        }
    ]
