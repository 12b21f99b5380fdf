"""The operator-facing failure alert: a clear log line, and a chat-robot message when one is configured."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest

from govwatch.settings import reset_settings_cache

pytestmark = pytest.mark.airflow


class _Robot(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _Robot.received.append(json.loads(body or b"{}"))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    _Robot.received = []
    server = HTTPServer(("127.0.0.1", 0), _Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_address[1]}/alert"
    server.shutdown()
    server.server_close()


def _context():
    ti = SimpleNamespace(
        dag_id="column_update_check",
        task_id="check_sites",
        run_id="scheduled__2026-11-19",
        try_number=3,
        map_index=4,
    )
    return {"ti": ti, "exception": RuntimeError("connection refused")}


def test_failure_alert_reaches_the_operators_robot(robot, monkeypatch):
    from operators.govwatch_common import GovwatchAlertNotifier

    monkeypatch.delenv("AIRFLOW_CONN_GOVWATCH_WEBHOOK", raising=False)
    monkeypatch.setenv("GOVWATCH_WEBHOOK_URL", robot)
    reset_settings_cache()
    try:
        GovwatchAlertNotifier().notify(_context())
    finally:
        reset_settings_cache()
    assert len(_Robot.received) == 1
    msg = _Robot.received[0]
    text = json.dumps(msg, ensure_ascii=False)
    assert "column_update_check.check_sites" in text and "分片 4" in text and "connection refused" in text
    assert "清除" in text, "the alert says what to do"


def test_failure_alert_without_a_robot_logs_clearly(monkeypatch, caplog):
    from operators.govwatch_common import GovwatchAlertNotifier

    monkeypatch.delenv("GOVWATCH_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_GOVWATCH_WEBHOOK", raising=False)
    reset_settings_cache()
    with caplog.at_level(logging.INFO, logger="operators.govwatch_common"):
        GovwatchAlertNotifier().notify(_context())
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("【govwatch 任务失败】column_update_check.check_sites" in m for m in errors)
