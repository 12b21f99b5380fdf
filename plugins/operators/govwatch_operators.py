"""Thin operators over govwatch: template fields and a cheap ``__init__``; the work happens in ``execute``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from airflow.sdk import BaseOperator, BaseOperatorLink
from airflow.sdk.exceptions import AirflowFailException

from operators.govwatch_common import open_store, resolve_as_of, small

log = logging.getLogger(__name__)


class DataDocsLink(BaseOperatorLink):
    """“数据校验报告” button on a gate task: the Data Docs served by the govwatch view of the API server."""

    name = "数据校验报告 / Data Docs"

    def get_link(self, operator: BaseOperator, *, ti_key: Any) -> str:
        return "/govwatch/data-docs/index.html"


class ValidationGateOperator(BaseOperator):
    """数据质量闸门：用 Great Expectations 校验本次运行的数据；不通过则失败且不重试，下游（提醒、通报）不运行。

    ``suites``: the suites to run (None = every suite of govwatch.quality); ``as_of``: a template
    (``YYYY-MM-DD``) or empty for the run's as-of date.
    """

    template_fields: Sequence[str] = ("as_of",)
    ui_color = "#fde9d9"
    operator_extra_links = (DataDocsLink(),)

    def __init__(self, *, suites: Sequence[str] | None = None, as_of: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.suites = list(suites) if suites else None
        self.as_of = as_of

    def execute(self, context: Any) -> dict[str, Any]:
        as_of = date.fromisoformat(self.as_of) if self.as_of else resolve_as_of(context)
        store = open_store()
        from govwatch.quality import ValidationGateFailed, gate

        try:
            summary = gate(as_of, self.suites, store=store)
        except ValidationGateFailed as exc:
            docs = getattr(exc.report, "data_docs_path", None)
            if docs:
                log.error("Data Docs: %s", docs)
            # Retrying cannot make bad data good: fail at once; the failure callback alerts the operators.
            raise AirflowFailException(str(exc)) from exc
        finally:
            store.close()
        if summary.get("contained"):
            # Only sites the column check already withheld failed: the run goes on, the operators are told.
            from operators.govwatch_common import GovwatchAlertNotifier

            GovwatchAlertNotifier(
                "数据校验发现站点日期无法识别（已按 extraction_failed 暂缓其栏目结论，其余流程继续）：\n"
                + "\n".join(summary["contained"])
                + (f"\nData Docs: {summary['data_docs_path']}" if summary.get("data_docs_path") else ""),
                title="数据校验预警",
            ).notify({**context, "exception": "validation: withheld sites only"})
            log.warning("validation for %s: contained failures only, run continues: %s", as_of, summary)
            return small(summary)
        log.info("validation passed for %s: %s", as_of, summary)
        return small(summary)
