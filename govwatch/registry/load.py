"""Read a registry from YAML, a folder of CSV files or an XLSX workbook, and validate every row.

All three forms become the same list of *raw rows* that remember where they came from
(``FILE:LINE`` or ``FILE:sheet!ROW``); validation reports every error at once with that location and
the field, and nothing is written unless there are none.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from govwatch.errors import InputError, ValidationErrors
from govwatch.registry.model import (
    CATEGORIES,
    CONTACT_ROLES,
    EMAIL_RE,
    MOBILE_RE,
    PLATFORMS,
    SITE_ID_RE,
    SITE_KINDS,
    TARGET_ID_RE,
    UNIT_ID_RE,
    Account,
    Column,
    Contact,
    Registry,
    Site,
    Unit,
)

LISTS = ("units", "contacts", "sites", "columns", "accounts")

FIELDS: dict[str, tuple[str, ...]] = {
    "units": ("id", "name", "parent", "contacts"),
    "contacts": ("unit", "name", "email", "mobile", "role"),
    "sites": ("id", "name", "url", "kind", "unit", "region", "has_services", "columns"),
    "columns": ("site", "id", "name", "url", "category", "level", "max_age_days"),
    "accounts": ("id", "name", "platform", "unit", "region", "feed_url", "menu_url", "interaction_url"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "units": ("id", "name"),
    "contacts": ("unit", "name"),
    "sites": ("id", "name", "url", "kind", "unit"),
    "columns": ("site", "id", "name", "url", "category"),
    "accounts": ("id", "name", "platform", "unit", "feed_url"),
}


@dataclass
class Row:
    """One record as read, with its location for messages."""

    kind: str
    data: dict[str, Any]
    where: str  # "file:line" or "file:sheet!row"
    field_where: dict[str, str] = field(default_factory=dict)

    def at(self, name: str) -> str:
        return self.field_where.get(name, self.where)


# --- reading -------------------------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line of every mapping and of each of its keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
    mapping: dict[str, Any] = dict(yaml.SafeLoader.construct_mapping(loader, node, deep=True))  # type: ignore[arg-type]
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {
        str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _yaml_rows(path: Path) -> list[Row]:
    name = path.name
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ValidationErrors([f"{name}:{line}: not valid YAML: {exc.problem}"]) from None
    except UnicodeDecodeError:
        raise ValidationErrors([f"{name}:1: not UTF-8 text"]) from None
    if not isinstance(doc, dict):
        raise ValidationErrors([f"{name}:1: the registry must be a mapping with units, sites and accounts"])
    rows: list[Row] = []
    errors: list[str] = []
    for key in doc:
        if key.startswith("__"):
            continue
        if key not in ("units", "sites", "accounts"):
            errors.append(f"{name}:{doc['__lines__'].get(key, 1)}: {key}: unknown list (expected units, sites, accounts)")
    for kind in ("units", "sites", "accounts"):
        items = doc.get(kind) or []
        if not isinstance(items, list):
            errors.append(f"{name}:{doc['__lines__'].get(kind, 1)}: {kind}: must be a list")
            continue
        for item in items:
            if not isinstance(item, dict):
                errors.append(f"{name}:{doc['__lines__'].get(kind, 1)}: {kind}: every entry must be a mapping")
                continue
            rows.append(_row_from_mapping(kind, item, name))
            nested_kind, parent_key = {"units": ("contacts", "unit"), "sites": ("columns", "site")}.get(kind, ("", ""))
            if not nested_kind:
                continue
            nested = item.get(nested_kind) or []
            if not isinstance(nested, list):
                errors.append(f"{name}:{item['__lines__'].get(nested_kind, item['__line__'])}: {nested_kind}: must be a list")
                continue
            for sub in nested:
                if not isinstance(sub, dict):
                    errors.append(f"{name}:{item['__line__']}: {nested_kind}: every entry must be a mapping")
                    continue
                r = _row_from_mapping(nested_kind, sub, name)
                r.data[parent_key] = item.get("id")
                r.data["__nested__"] = True
                rows.append(r)
    if errors:
        raise ValidationErrors(errors)
    return rows


def _row_from_mapping(kind: str, item: dict[str, Any], fname: str) -> Row:
    lines = item.get("__lines__", {})
    data = {k: v for k, v in item.items() if not k.startswith("__")}
    return Row(
        kind=kind,
        data=data,
        where=f"{fname}:{item.get('__line__', 0)}",
        field_where={k: f"{fname}:{ln}" for k, ln in lines.items()},
    )


def _csv_rows(folder: Path) -> list[Row]:
    rows: list[Row] = []
    found = False
    for kind in LISTS:
        path = folder / f"{kind}.csv"
        if not path.exists():
            continue
        found = True
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig") if not raw.startswith(b"\xff\xfe") else raw.decode("utf-16")
        reader = csv.DictReader(text.splitlines())
        for i, rec in enumerate(reader, start=2):
            data = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in rec.items() if k}
            data = {k: v for k, v in data.items() if v not in ("", None)}
            if data:
                rows.append(Row(kind=kind, data=data, where=f"{path.name}:{i}"))
    if not found:
        raise InputError(f"{folder}: no registry CSV files (expected {', '.join(k + '.csv' for k in LISTS)})")
    return rows


def _xlsx_rows(path: Path) -> list[Row]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise ValidationErrors([f"{path.name}:1: not a readable XLSX workbook: {exc}"]) from None
    rows: list[Row] = []
    for kind in LISTS:
        if kind not in wb.sheetnames:
            continue
        ws = wb[kind]
        it = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, [])]
        for i, values in enumerate(it, start=2):
            data = {
                h: (v.strip() if isinstance(v, str) else v)
                for h, v in zip(header, values, strict=False)
                if h and v not in (None, "")
            }
            if data:
                rows.append(Row(kind=kind, data=data, where=f"{path.name}:{kind}!{i}"))
    return rows


def read_rows(path: Path) -> list[Row]:
    if path.is_dir():
        return _csv_rows(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _yaml_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    if suffix == ".csv":
        return _csv_rows(path.parent)
    raise InputError(f"{path}: unknown registry format (use .yaml, .xlsx or a folder of CSV files)")


# --- validation ----------------------------------------------------------------------------------


def _url_ok(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y", "是", "有"):
        return True
    if text in ("false", "0", "no", "n", "否", "无"):
        return False
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    return int(text) if re.fullmatch(r"\d+", text) else None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def build_registry(rows: list[Row]) -> Registry:
    """Validate rows and build the registry; raises :class:`ValidationErrors` listing every problem."""
    errors: list[str] = []

    def err(row: Row, fld: str, reason: str) -> None:
        errors.append(f"{row.at(fld)}: {row.kind}.{fld}: {reason}")

    units: dict[str, Unit] = {}
    unit_rows: dict[str, Row] = {}
    sites: dict[str, Site] = {}
    accounts: dict[str, Account] = {}
    target_rows: dict[tuple[str, str], Row] = {}  # (kind, id) → its row, for reference errors
    pending_contacts: list[tuple[Row, Contact]] = []
    pending_columns: list[tuple[Row, Column]] = []

    for row in rows:
        d = row.data
        allowed = FIELDS[row.kind]
        for k in d:
            if k not in allowed and k != "__nested__":
                err(row, k, f"unknown field (expected one of: {', '.join(allowed)})")
        missing = [f for f in REQUIRED[row.kind] if d.get(f) in (None, "") and not (f in ("unit", "site") and d.get("__nested__"))]
        for f in missing:
            err(row, f, "required")
        if missing:
            continue
        if row.kind == "units":
            uid = _text(d["id"])
            if not re.fullmatch(UNIT_ID_RE, uid):
                err(row, "id", f"{uid!r} is not a valid unit id (lower-case letters, digits, _ and - only)")
            elif uid in units:
                err(row, "id", f"duplicate unit id {uid!r} (first at {unit_rows[uid].where})")
            else:
                parent = _text(d["parent"]) if d.get("parent") not in (None, "") else None
                units[uid] = Unit(id=uid, name=_text(d["name"]), parent=parent)
                unit_rows[uid] = row
        elif row.kind == "contacts":
            c = Contact(name=_text(d["name"]), role=_text(d.get("role") or "primary"))
            ok = True
            if d.get("email") not in (None, ""):
                c.email = _text(d["email"])
                if not re.fullmatch(EMAIL_RE, c.email):
                    err(row, "email", f"{c.email!r} is not an e-mail address")
                    ok = False
            if d.get("mobile") not in (None, ""):
                c.mobile = re.sub(r"[\s-]", "", _text(d["mobile"]))
                if not re.fullmatch(MOBILE_RE, c.mobile):
                    err(row, "mobile", f"{_text(d['mobile'])!r} is not a mainland mobile number (11 digits, 1[3-9]…)")
                    ok = False
            if c.role not in CONTACT_ROLES:
                err(row, "role", f"{c.role!r} is not one of {', '.join(CONTACT_ROLES)}")
                ok = False
            if not c.email and not c.mobile:
                err(row, "email", "a contact needs an email or a mobile number")
                ok = False
            if ok:
                pending_contacts.append((row, c))
        elif row.kind == "sites":
            sid = _text(d["id"])
            kind = _text(d["kind"])
            ok = True
            if not re.fullmatch(SITE_ID_RE, sid):
                err(row, "id", f"{sid!r} is not a 网站标识码 (10 characters: 6-digit region code + 4 digits, or bm + 8 digits)")
                ok = False
            elif sid in sites:
                err(row, "id", f"duplicate site id {sid!r}")
                ok = False
            if not _url_ok(d["url"]):
                err(row, "url", f"{d['url']!r} is not an http(s) URL")
                ok = False
            if kind not in SITE_KINDS:
                err(row, "kind", f"{kind!r} is not one of {', '.join(SITE_KINDS)}")
                ok = False
            has_services: bool | None = kind == "portal"
            if d.get("has_services") not in (None, ""):
                has_services = _as_bool(d["has_services"])
                if has_services is None:
                    err(row, "has_services", f"{d['has_services']!r} is not true or false")
                    ok = False
            if ok:
                sites[sid] = Site(
                    id=sid, name=_text(d["name"]), url=_text(d["url"]), kind=kind, unit=_text(d["unit"]),
                    region=_text(d.get("region") or ""), has_services=bool(has_services),
                )  # fmt: skip
                target_rows[("sites", sid)] = row
        elif row.kind == "columns":
            cid = _text(d["id"])
            cat = _text(d["category"])
            ok = True
            if not re.fullmatch(TARGET_ID_RE, cid):
                err(row, "id", f"{cid!r} is not a valid column id (letters, digits, _ . - only)")
                ok = False
            if not _url_ok(d["url"]):
                err(row, "url", f"{d['url']!r} is not an http(s) URL")
                ok = False
            if cat not in CATEGORIES:
                err(row, "category", f"{cat!r} is not one of {', '.join(CATEGORIES)}")
                ok = False
            level = _as_int(d.get("level", 1))
            if level is None or level < 1:
                err(row, "level", f"{d.get('level')!r} is not a level (1, 2, …)")
                ok = False
            max_age = None
            if d.get("max_age_days") not in (None, ""):
                max_age = _as_int(d["max_age_days"])
                if max_age is None or max_age < 1:
                    err(row, "max_age_days", f"{d['max_age_days']!r} is not a positive number of days")
                    ok = False
            if ok:
                pending_columns.append(
                    (row, Column(id=cid, name=_text(d["name"]), url=_text(d["url"]), category=cat,
                                 level=level or 1, max_age_days=max_age))
                )  # fmt: skip
        elif row.kind == "accounts":
            aid = _text(d["id"])
            plat = _text(d["platform"])
            ok = True
            if not re.fullmatch(TARGET_ID_RE, aid):
                err(row, "id", f"{aid!r} is not a valid account id (letters, digits, _ . - only)")
                ok = False
            elif aid in accounts:
                err(row, "id", f"duplicate account id {aid!r}")
                ok = False
            if plat not in PLATFORMS:
                err(row, "platform", f"{plat!r} is not one of {', '.join(PLATFORMS)}")
                ok = False
            for f in ("feed_url", "menu_url", "interaction_url"):
                if d.get(f) not in (None, "") and not _url_ok(d[f]):
                    err(row, f, f"{d[f]!r} is not an http(s) URL")
                    ok = False
            if ok:
                accounts[aid] = Account(
                    id=aid, name=_text(d["name"]), platform=plat, unit=_text(d["unit"]),
                    feed_url=_text(d["feed_url"]), region=_text(d.get("region") or ""),
                    menu_url=_text(d["menu_url"]) if d.get("menu_url") else None,
                    interaction_url=_text(d["interaction_url"]) if d.get("interaction_url") else None,
                )  # fmt: skip
                target_rows[("accounts", aid)] = row

    # References, checked once every row is known.
    for uid, unit in units.items():
        if unit.parent is not None and unit.parent not in units:
            err(unit_rows[uid], "parent", f"unknown unit {unit.parent!r}")
        elif unit.parent == uid:
            err(unit_rows[uid], "parent", "a unit cannot supervise itself")
    for uid in units:  # parent cycles would make escalation loop
        seen = {uid}
        cur = units[uid].parent
        while cur in units:
            if cur in seen:
                err(unit_rows[uid], "parent", "supervision loops back to this unit")
                break
            seen.add(cur)
            cur = units[cur].parent
    for row, contact in pending_contacts:
        uid = _text(row.data.get("unit") or "")
        if uid not in units:
            err(row, "unit", f"unknown unit {uid!r}")
        else:
            units[uid].contacts.append(contact)
    for (kind, tid), row in target_rows.items():
        unit_id = sites[tid].unit if kind == "sites" else accounts[tid].unit
        if unit_id not in units:
            err(row, "unit", f"unknown unit {unit_id!r}")
    col_seen: dict[tuple[str, str], Row] = {}
    for row, column in pending_columns:
        sid = _text(row.data.get("site") or "")
        if sid not in sites:
            err(row, "site", f"unknown site {sid!r}")
            continue
        if (sid, column.id) in col_seen:
            err(row, "id", f"duplicate column id {column.id!r} in site {sid} (first at {col_seen[(sid, column.id)].where})")
            continue
        col_seen[(sid, column.id)] = row
        sites[sid].columns.append(column)

    if errors:
        raise ValidationErrors(errors)
    return Registry(units=list(units.values()), sites=list(sites.values()), accounts=list(accounts.values()))


def load_registry(path: Path | str) -> Registry:
    """Read and validate a registry file or CSV folder."""
    return build_registry(read_rows(Path(path)))
