"""整改台账 / 检查问题: the ledger and the open findings, read from the findings store, for the Airflow UI.

A FastAPI app that ``govwatch_plugin.py`` mounts under ``/govwatch`` in the Airflow API server; the Airflow
menu links to it as an external view. Every route requires an Airflow login (the UI's ``_token`` cookie or a
bearer token, checked by Airflow's own ``get_user``). Evidence is masked again before it is shown
(findings are stored masked; masking twice costs nothing). The store is opened per request from the same
settings (Connections first, then ``GOVWATCH_*``) as the tasks.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

try:  # the API server provides it; outside it (unit tests of the page) the app runs unprotected
    from airflow.api_fastapi.core_api.security import get_user
except ImportError:  # pragma: no cover
    get_user = None  # type: ignore[assignment]

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

SEVERITY_NAMES = {"veto": "单项否决", "deduct": "扣分", "warn": "预警"}
STATUS_NAMES = {"open": "未整改", "rectified": "已整改"}


def _deps() -> list[Any]:
    return [Depends(get_user)] if get_user is not None else []


def load_view(state: str | None = None, unit: str | None = None) -> dict[str, Any]:
    """Ledger items and open findings, masked, with Chinese names (blocking: run it in a thread)."""
    from hooks.govwatch_hook import GovwatchHook

    from govwatch.masking import scrub
    from govwatch.rectify.ledger import STATE_NAMES, list_items
    from govwatch.rules import load_rules
    from govwatch.store.db import Store, database_url
    from govwatch.store.findings import list_findings

    settings = GovwatchHook().get_settings()
    store = Store(database_url(settings))
    try:
        rules = load_rules()
        items = list_items(unit=unit or None, state=state or None, store=store)
        findings = list_findings(store, open_only=True)
        units = {r["id"]: r["name"] for r in store.query("SELECT id, name FROM units")}
        sites = {r["id"]: r["name"] for r in store.query("SELECT id, name FROM sites")}
        accounts = {r["id"]: r["name"] for r in store.query("SELECT id, name FROM accounts")}
    finally:
        store.close()
    for it in items:
        it["evidence"] = scrub(it.get("evidence") or "")
    rows = []
    for f in findings:
        if unit and f.get("unit_id") != unit:
            continue
        try:
            title = rules.title(f["check"])
        except KeyError:
            title = f["check"]
        target = sites.get(f["target_id"]) or accounts.get(f["target_id"]) or f["target_id"]
        if f["target_type"] == "column":
            target = f"{sites.get(f['site_id'], f['site_id'])} / {f['target_id'].split('/', 1)[1]}"
        rows.append(
            {
                **f,
                "title": title,
                "target": target,
                "unit_name": units.get(f.get("unit_id") or "", f.get("unit_id") or ""),
                "severity_name": SEVERITY_NAMES.get(f["severity"], f["severity"]),
                "evidence": scrub(f.get("evidence") or ""),
            }
        )
    return {
        "items": items,
        "findings": rows,
        "by_state": Counter(i["state_name"] for i in items),
        "by_check": Counter(r["title"] for r in rows),
        "units": sorted(units.items(), key=lambda kv: kv[0]),
        "states": list(STATE_NAMES.items()),
        "state": state or "",
        "unit": unit or "",
    }


def data_docs_root() -> Path:
    from hooks.govwatch_hook import GovwatchHook

    return GovwatchHook().get_settings().home / "gx" / "data_docs"


def resolve_data_docs(path: str, root: Path | None = None) -> Path | None:
    """The file under the Data Docs folder that ``path`` names; None outside it or when missing."""
    base = (root or data_docs_root()).resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def create_app() -> FastAPI:
    app = FastAPI(title="govwatch 整改台账 / 检查问题", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/", response_class=HTMLResponse, dependencies=_deps())
    async def page(state: str | None = Query(None), unit: str | None = Query(None)) -> HTMLResponse:
        try:
            view = await asyncio.to_thread(load_view, state, unit)
        except Exception as exc:  # noqa: BLE001 - shown to the operator, not a stack trace
            html = _TEMPLATES.get_template("error.html").render(error=f"{type(exc).__name__}: {exc}")
            return HTMLResponse(html, status_code=503)
        return HTMLResponse(_TEMPLATES.get_template("ledger.html").render(**view))

    @app.get("/data-docs/{path:path}", dependencies=_deps())
    async def data_docs(path: str) -> FileResponse:
        """The Great Expectations Data Docs the validation gates build under ``$GOVWATCH_HOME/gx/``."""
        target = resolve_data_docs(path or "index.html")
        if target is None:
            raise HTTPException(status_code=404, detail="数据校验报告尚未生成 / no Data Docs yet")
        return FileResponse(target)

    @app.get("/ledger.json", dependencies=_deps())
    async def ledger_json(state: str | None = Query(None), unit: str | None = Query(None)) -> JSONResponse:
        view = await asyncio.to_thread(load_view, state, unit)
        return JSONResponse({"items": view["items"], "findings": view["findings"]})

    return app


app = create_app()
