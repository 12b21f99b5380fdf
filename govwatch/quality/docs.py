"""Make the Data Docs site usable offline and free of outside requests.

GX's page templates load Bootstrap, jQuery, Vega and fonts from public CDNs and the GX logo from S3
(with a time-stamped query string). In a government network without internet those requests fail,
and where there is internet, opening a report would tell third parties about it. So after every build
the pages lose their remote ``<script>``/``<link>`` tags and the remote logo points at the copy in the
site's own ``static/`` folder; the index page — whose tables GX fills with JavaScript — gets a plain
HTML list of the kept results at its top.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*/?>", re.I)
_REMOTE_IMG = re.compile(r"(<img\b[^>]*?\bsrc=\")https?://[^\"]*(\")", re.I | re.S)
_REMOTE_CSS_URL = re.compile(r"url\((['\"]?)https?://[^)'\"]*\1\)", re.I)
_MARK = "<!-- govwatch:offline -->"
_INDEX_START = "<!-- govwatch:index -->"
_INDEX_END = "<!-- /govwatch:index -->"


_LABELS = {
    "passed": "通过 / passed",
    "warnings": "通过（有预警）/ passed with warnings",
    "failed": "<b>未通过 / FAILED</b>",
}


def _status(result: dict) -> str:
    """govwatch's verdict on one kept result: only critical expectations fail (GX counts warnings too)."""
    worst = "passed"
    for r in result.get("results", []):
        if r.get("success"):
            continue
        severity = (r.get("expectation_config") or {}).get("severity") or "critical"
        if severity == "critical":
            return "failed"
        worst = "warnings"
    return worst


def make_offline(site: Path) -> None:
    """Strip remote assets from every page of ``site`` not yet processed (idempotent)."""
    logo = site / "static" / "images" / "logo-long.png"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if _MARK in text and page.name != "index.html":
            continue
        local = os.path.relpath(logo, page.parent)
        text = _REMOTE_SCRIPT.sub("", text)
        text = _REMOTE_LINK.sub("", text)
        text = _REMOTE_IMG.sub(rf"\g<1>{local}\g<2>", text)
        text = _REMOTE_CSS_URL.sub(f"url('{local}')", text)
        if _MARK not in text:
            text = _MARK + "\n" + text
        page.write_text(text, encoding="utf-8")


def write_index_list(site: Path, results: Path) -> None:
    """Put a plain list of the kept validation results (newest as-of first) at the top of index.html."""
    index = site / "index.html"
    if not index.exists():
        return
    # Kept results never change: remember each one's outcome instead of parsing it on every run.
    cache_path = results.parent / "results_outcomes.json"
    try:
        cache: dict[str, str] = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    outcomes: dict[str, str] = {}
    rows = []
    for path in results.rglob("*.json"):
        rel = path.relative_to(results)
        parts = rel.parts  # suite / batch / run_name / run_time / batch_id.json
        if len(parts) < 5:
            continue
        status = cache.get(rel.as_posix())
        if status not in _LABELS:
            try:
                status = _status(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
        outcomes[rel.as_posix()] = status
        page = Path("validations", *rel.parts[:-1], rel.stem + ".html")
        as_of = parts[2].removeprefix("as_of=")
        rows.append((as_of, f"{parts[0]}.{parts[1]}", parts[3], status, page.as_posix()))
    cache_path.write_text(json.dumps(outcomes, indent=0, sort_keys=True), encoding="utf-8")
    rows.sort(key=lambda r: r[1])
    rows.sort(key=lambda r: r[0], reverse=True)  # newest as-of first, suites in name order
    body = "".join(
        f'<tr><td>{html.escape(a)}</td><td><a href="{html.escape(p)}">{html.escape(s)}</a></td>'
        f"<td>{_LABELS[st]}</td><td>{html.escape(t)}</td></tr>"
        for a, s, t, st, p in rows
    )
    block = (
        f'{_INDEX_START}<div style="margin:1em"><h2>govwatch 数据校验结果 / validation results</h2>'
        '<table border="1" cellpadding="4" style="border-collapse:collapse"><thead><tr><th>基准日 / as-of</th>'
        "<th>套件 / suite</th><th>结果 / result</th><th>运行时间 / run time (UTC)</th></tr></thead>"
        f"<tbody>{body}</tbody></table></div>{_INDEX_END}"
    )
    text = index.read_text(encoding="utf-8")
    text = re.sub(re.escape(_INDEX_START) + ".*?" + re.escape(_INDEX_END), "", text, flags=re.S)
    text = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + block, text, count=1, flags=re.I)
    index.write_text(text, encoding="utf-8")
