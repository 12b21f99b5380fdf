"""Excel exports with Chinese headers (findings; the ledger adds its own in govwatch.rectify)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FINDING_HEADERS = {
    "id": "编号",
    "check": "检查项",
    "title": "问题类型",
    "severity": "性质",
    "points": "扣分",
    "target_type": "对象类型",
    "target_id": "对象标识",
    "site_id": "网站标识码",
    "unit_id": "主办单位",
    "first_seen": "发现日期",
    "last_seen": "最近发现",
    "status": "状态",
    "rectified_on": "整改日期",
    "evidence_url": "问题地址",
    "evidence": "问题描述",
}
SEVERITY_NAMES = {"veto": "单项否决", "deduct": "扣分", "warn": "预警"}
STATUS_NAMES = {"open": "未整改", "rectified": "已整改"}


def write_xlsx(rows: list[dict[str, Any]], headers: dict[str, str], path: Path, sheet: str) -> Path:
    """One sheet with a bold Chinese header row, frozen, with columns sized to their content."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers.values()))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.get(k) for k in headers])
    ws.freeze_panes = "A2"
    for i, key in enumerate(headers, start=1):
        width = max([len(str(headers[key]))* 2] + [len(str(r.get(key) or "")) for r in rows[:500]])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, max(8, width + 2))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def findings_xlsx(rows: list[dict[str, Any]], path: Path) -> Path:
    from govwatch.rules import load_rules

    rules = load_rules()
    shown = []
    for r in rows:
        try:
            title = rules.title(r["check"])
        except KeyError:
            title = r["check"]
        shown.append(
            {
                **r,
                "title": title,
                "severity": SEVERITY_NAMES.get(r["severity"], r["severity"]),
                "status": STATUS_NAMES.get(r["status"], r["status"]),
            }
        )
    return write_xlsx(shown, FINDING_HEADERS, path, "问题清单")
