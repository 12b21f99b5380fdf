"""Registry back out as YAML or XLSX, in the same shape ``registry import`` reads (round-trippable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from govwatch.registry.load import FIELDS
from govwatch.registry.model import Registry


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [])}


def to_dict(reg: Registry) -> dict[str, Any]:
    units = []
    for u in reg.units:
        units.append(
            _clean(
                {
                    "id": u.id,
                    "name": u.name,
                    "parent": u.parent,
                    "contacts": [
                        _clean({"name": c.name, "email": c.email, "mobile": c.mobile, "role": c.role})
                        for c in u.contacts
                    ],
                }
            )
        )
    sites = []
    for s in reg.sites:
        sites.append(
            _clean(
                {
                    "id": s.id, "name": s.name, "url": s.url, "kind": s.kind, "unit": s.unit,
                    "region": s.region, "has_services": s.has_services,
                    "columns": [
                        _clean({"id": c.id, "name": c.name, "url": c.url, "category": c.category,
                                "level": c.level, "max_age_days": c.max_age_days})
                        for c in s.columns
                    ],
                }
            )
        )  # fmt: skip
    accounts = [
        _clean(
            {
                "id": a.id, "name": a.name, "platform": a.platform, "unit": a.unit, "region": a.region,
                "feed_url": a.feed_url, "menu_url": a.menu_url, "interaction_url": a.interaction_url,
            }
        )
        for a in reg.accounts
    ]  # fmt: skip
    return {"units": units, "sites": sites, "accounts": accounts}


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Keep numeric-looking strings (标识码, mobiles) quoted so they come back as strings.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def to_yaml(reg: Registry) -> str:
    return yaml.dump(to_dict(reg), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=200)


def rows_for_sheets(reg: Registry) -> dict[str, list[dict[str, Any]]]:
    """The registry as flat lists, one per sheet / CSV file."""
    d = to_dict(reg)
    sheets: dict[str, list[dict[str, Any]]] = {k: [] for k in ("units", "contacts", "sites", "columns", "accounts")}
    for u in d["units"]:
        for c in u.pop("contacts", []):
            sheets["contacts"].append({"unit": u["id"], **c})
        sheets["units"].append(u)
    for s in d["sites"]:
        for c in s.pop("columns", []):
            sheets["columns"].append({"site": s["id"], **c})
        sheets["sites"].append(s)
    sheets["accounts"] = d["accounts"]
    return sheets


def to_xlsx(reg: Registry, path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for kind, rows in rows_for_sheets(reg).items():
        ws = wb.create_sheet(kind)
        header = [f for f in FIELDS[kind] if f not in ("contacts", "columns")]
        ws.append(header)
        for r in rows:
            # Write every value as text except booleans and levels, so 标识码 and mobiles keep their zeros.
            ws.append([r.get(h) if isinstance(r.get(h), bool | int) and h != "id" else r.get(h) for h in header])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def to_csv_folder(reg: Registry, folder: Path) -> Path:
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in rows_for_sheets(reg).items():
        header = [f for f in FIELDS[kind] if f not in ("contacts", "columns")]
        with (folder / f"{kind}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=header)
            w.writeheader()
            for r in rows:
                w.writerow({h: r.get(h, "") for h in header})
    return folder
