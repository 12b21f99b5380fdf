"""Write a validated registry to the store, and read it back.

Importing is idempotent: rows that did not change are not touched. A unit, site, column or account that
is no longer in the file is deactivated (``active = false``), never deleted with its history.
"""

from __future__ import annotations

from typing import Any

from govwatch.registry.model import Account, Column, Contact, Registry, Site, Unit
from govwatch.store.db import Store


def _upsert(cur: Any, table: str, key: tuple[str, ...], row: dict[str, Any]) -> str:
    """Insert or update one row; returns 'inserted', 'updated' or 'unchanged'."""
    cols = list(row)
    updates = [c for c in cols if c not in key]
    touch = ", updated_at = now()" if table in ("units", "sites", "accounts") else ""
    sql = (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('%(' + c + ')s' for c in cols)})"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        + ", ".join(f"{c} = EXCLUDED.{c}" for c in updates)
        + touch
        + f" WHERE ({', '.join(f'{table}.{c}' for c in updates)}) IS DISTINCT FROM"
        f" ({', '.join(f'EXCLUDED.{c}' for c in updates)})"
        " RETURNING (xmax = 0) AS inserted"
    )
    cur.execute(sql, row)
    got = cur.fetchone()
    if got is None:
        return "unchanged"
    return "inserted" if got["inserted"] else "updated"


def import_registry(store: Store, reg: Registry) -> dict[str, dict[str, int]]:
    """Write the registry in one transaction; returns counts per list and outcome."""
    counts: dict[str, dict[str, int]] = {
        k: {"inserted": 0, "updated": 0, "unchanged": 0, "deactivated": 0}
        for k in ("units", "contacts", "sites", "columns", "accounts")
    }

    def note(kind: str, outcome: str) -> None:
        counts[kind][outcome] += 1

    with store.tx() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(4711003)")
        for u in reg.units:
            note("units", _upsert(cur, "units", ("id",), {"id": u.id, "name": u.name, "parent_id": u.parent, "active": True}))
            for seq, c in enumerate(u.contacts):
                row = {"unit_id": u.id, "seq": seq, "name": c.name, "email": c.email, "mobile": c.mobile, "role": c.role}
                note("contacts", _upsert(cur, "contacts", ("unit_id", "seq"), row))
            cur.execute("DELETE FROM contacts WHERE unit_id = %s AND seq >= %s", (u.id, len(u.contacts)))
            counts["contacts"]["deactivated"] += cur.rowcount
        for s in reg.sites:
            row = {
                "id": s.id, "name": s.name, "url": s.url, "kind": s.kind, "unit_id": s.unit,
                "region": s.region, "has_services": s.has_services, "active": True,
            }  # fmt: skip
            note("sites", _upsert(cur, "sites", ("id",), row))
            for seq, col in enumerate(s.columns):
                crow = {
                    "site_id": s.id, "id": col.id, "name": col.name, "url": col.url, "category": col.category,
                    "level": col.level, "max_age_days": col.max_age_days, "seq": seq, "active": True,
                }  # fmt: skip
                note("columns", _upsert(cur, "columns", ("site_id", "id"), crow))
        for a in reg.accounts:
            row = {
                "id": a.id, "name": a.name, "platform": a.platform, "unit_id": a.unit, "region": a.region,
                "feed_url": a.feed_url, "menu_url": a.menu_url, "interaction_url": a.interaction_url,
                "active": True,
            }  # fmt: skip
            note("accounts", _upsert(cur, "accounts", ("id",), row))
        # Deactivate what the file no longer lists.
        unit_ids = [u.id for u in reg.units]
        site_ids = [s.id for s in reg.sites]
        col_keys = [f"{s.id}/{c.id}" for s in reg.sites for c in s.columns]
        acc_ids = [a.id for a in reg.accounts]
        for table, kind, cond, ids in (
            ("units", "units", "NOT (id = ANY(%s))", unit_ids),
            ("sites", "sites", "NOT (id = ANY(%s))", site_ids),
            ("columns", "columns", "NOT (site_id || '/' || id = ANY(%s))", col_keys),
            ("accounts", "accounts", "NOT (id = ANY(%s))", acc_ids),
        ):
            cur.execute(f"UPDATE {table} SET active = false WHERE active AND {cond}", (ids,))
            counts[kind]["deactivated"] += cur.rowcount
    return counts


def read_registry(store: Store, *, include_inactive: bool = False) -> Registry:
    """The registry as stored (active targets only unless ``include_inactive``)."""
    act = "" if include_inactive else " WHERE active"
    units = {
        r["id"]: Unit(id=r["id"], name=r["name"], parent=r["parent_id"])
        for r in store.query(f"SELECT id, name, parent_id FROM units{act} ORDER BY id")
    }
    for r in store.query("SELECT unit_id, name, email, mobile, role FROM contacts ORDER BY unit_id, seq"):
        if r["unit_id"] in units:
            units[r["unit_id"]].contacts.append(
                Contact(name=r["name"], email=r["email"], mobile=r["mobile"], role=r["role"])
            )
    sites = {
        r["id"]: Site(
            id=r["id"], name=r["name"], url=r["url"], kind=r["kind"], unit=r["unit_id"], region=r["region"],
            has_services=r["has_services"],
        )
        for r in store.query(f"SELECT * FROM sites{act} ORDER BY id")
    }  # fmt: skip
    for r in store.query(f"SELECT * FROM columns{act} ORDER BY site_id, seq, id"):
        if r["site_id"] in sites:
            sites[r["site_id"]].columns.append(
                Column(id=r["id"], name=r["name"], url=r["url"], category=r["category"], level=r["level"],
                       max_age_days=r["max_age_days"])
            )  # fmt: skip
    accounts = [
        Account(
            id=r["id"], name=r["name"], platform=r["platform"], unit=r["unit_id"], feed_url=r["feed_url"],
            region=r["region"], menu_url=r["menu_url"], interaction_url=r["interaction_url"],
        )
        for r in store.query(f"SELECT * FROM accounts{act} ORDER BY id")
    ]  # fmt: skip
    return Registry(units=list(units.values()), sites=list(sites.values()), accounts=accounts)
