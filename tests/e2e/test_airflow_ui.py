"""The 整改台账 / 检查问题 view inside the Airflow 3 API server, seen in headless Chromium.

Starts ``airflow api-server`` with the environment of govwatch/airflow_env.py (SQLite metadata, this repo's
plugins) against a findings store holding a finding whose evidence carried an ID number and a mobile, logs
in through the simple auth manager, and looks at the page as an operator would.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from govwatch.airflow_env import admin_password, airflow, airflow_env
from govwatch.settings import from_env

pytestmark = [pytest.mark.airflow, pytest.mark.e2e, pytest.mark.integration]

CHROMIUM = "/usr/bin/chromium"
AS_OF = date(2026, 11, 20)
ID_NUMBER = "360702199001011234"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(store) -> None:
    from govwatch.findings import make
    from govwatch.rectify.ledger import sync
    from govwatch.registry.load import load_registry
    from govwatch.registry.store import import_registry
    from govwatch.rules import load_rules
    from govwatch.store.findings import Scope, record_findings

    reg = Path(__file__).resolve().parents[1] / "fixtures" / "registry_small.yaml"
    import_registry(store, load_registry(reg))
    site = store.query("SELECT id, unit_id FROM sites ORDER BY id LIMIT 1")[0]
    rules = load_rules()
    findings = [
        make(rules, "privacy_leak", "site", site["id"], f"页面公开了身份证号 {ID_NUMBER} 和手机 13812345678",
             site_id=site["id"], unit_id=site["unit_id"], evidence_key="p1",
             evidence_url="http://127.0.0.1/leak.html"),
        make(rules, "homepage_stale", "site", site["id"], "首页最新信息 2026-10-01，超过 14 天未更新",
             site_id=site["id"], unit_id=site["unit_id"]),
    ]  # fmt: skip
    scope = Scope(checks=frozenset({"privacy_leak", "homepage_stale"}), sites=frozenset({site["id"]}))
    record_findings(store, run_kind="inspect", as_of=AS_OF, scope=scope, findings=findings)
    sync(AS_OF, store=store)


@pytest.fixture
def api_server(store, gw_env, tmp_path):
    _seed(store)
    settings = from_env({"GOVWATCH_HOME": str(gw_env)})
    port = _free_port()
    env = airflow_env(settings, GOVWATCH_AIRFLOW_PORT=str(port))
    env["AIRFLOW__API__PORT"] = str(port)
    airflow("db", "migrate", env=env)
    log = open(tmp_path / "api-server.log", "w")  # noqa: SIM115 - closed below
    exe = str(Path(sys.executable).parent / "airflow")
    proc = subprocess.Popen(
        [exe, "api-server", "--port", str(port), "--host", "127.0.0.1", "--workers", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail("api-server exited: " + (tmp_path / "api-server.log").read_text()[-3000:])
            try:
                if httpx.get(base + "/api/v2/version", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            pytest.fail(
                "api-server did not answer in 120 s: " + (tmp_path / "api-server.log").read_text()[-3000:]
            )
        yield {"base": base, "password": admin_password(settings), "home": settings.home}
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        log.close()


def _token(base: str, password: str) -> str:
    r = httpx.post(base + "/auth/token", json={"username": "admin", "password": password}, timeout=30)
    assert r.status_code in (200, 201), r.text
    return r.json()["access_token"]


def test_ledger_view_in_the_airflow_ui(api_server, tmp_path):
    base = api_server["base"]
    # Not logged in: refused.
    assert httpx.get(base + "/govwatch/", timeout=30).status_code in (401, 403)
    token = _token(base, api_server["password"])
    # The plugin is registered with its menu entry.
    plugins = httpx.get(
        base + "/api/v2/plugins", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ).json()
    ours = [p for p in plugins["plugins"] if p["name"] == "govwatch"]
    assert ours and ours[0]["external_views"][0]["name"] == "整改台账 / 检查问题"
    assert ours[0]["fastapi_apps"][0]["url_prefix"] == "/govwatch"

    data = httpx.get(
        base + "/govwatch/ledger.json", headers={"Authorization": f"Bearer {token}"}, timeout=60
    ).json()
    assert {f["check"] for f in data["findings"]} == {"privacy_leak", "homepage_stale"}
    assert len(data["items"]) == 2
    assert ID_NUMBER not in str(data) and "13812345678" not in str(data)

    # The validation gates' Data Docs, served behind the same login; the gate tasks link to them.
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(base + "/govwatch/data-docs/index.html", headers=auth, timeout=30).status_code == 404
    docs = api_server["home"] / "gx" / "data_docs"
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<html><body>数据校验报告</body></html>", encoding="utf-8")
    (api_server["home"] / "secret.txt").write_text("not for the browser", encoding="utf-8")
    got = httpx.get(base + "/govwatch/data-docs/index.html", headers=auth, timeout=30)
    assert got.status_code == 200 and "数据校验报告" in got.text
    assert httpx.get(base + "/govwatch/data-docs/index.html", timeout=30).status_code in (401, 403)
    assert httpx.get(base + "/govwatch/data-docs/..%2F..%2Fsecret.txt", headers=auth, timeout=30).status_code == 404
    assert ours[0]["operator_extra_links"], ours[0]

    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "ledger.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            ctx.add_cookies([{"name": "_token", "value": token, "url": base}])
            page = ctx.new_page()
            page.goto(base + "/govwatch/", wait_until="load")
            assert page.locator("h1").inner_text() == "整改台账 / 检查问题"
            text = page.locator("body").inner_text()
            from govwatch.rules import load_rules

            assert load_rules().title("privacy_leak") in text and load_rules().title("homepage_stale") in text
            assert ID_NUMBER not in text and "13812345678" not in text
            assert "138****5678" in text
            assert page.locator("#ledger tbody tr").count() == 2
            assert page.locator("#findings tbody tr").count() == 2
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
