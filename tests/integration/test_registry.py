"""Registry import / export against a real PostgreSQL (contract §3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.cli.main import main
from govwatch.registry.export import to_csv_folder, to_xlsx, to_yaml
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry, read_registry

FIX = Path(__file__).resolve().parent.parent / "fixtures"

pytestmark = pytest.mark.integration


def _snapshot(store) -> dict:
    return {
        t: store.query(f"SELECT * FROM {t} ORDER BY 1, 2")
        for t in ("units", "contacts", "sites", "columns", "accounts")
    }


def test_import_then_reimport_changes_nothing(store, capsys):
    assert main(["registry", "import", str(FIX / "registry_small.yaml")]) == 0
    first = _snapshot(store)
    assert len(first["sites"]) == 2 and len(first["columns"]) == 2 and len(first["contacts"]) == 3
    site = next(s for s in first["sites"] if s["id"] == "3607000001")
    assert site["has_services"] is True  # portal default
    assert next(s for s in first["sites"] if s["id"] == "3607000012")["has_services"] is False
    assert main(["registry", "import", str(FIX / "registry_small.yaml")]) == 0
    assert _snapshot(store) == first
    out = capsys.readouterr().out
    assert "inserted    0  updated    0" in out.splitlines()[-3]


def test_bad_registry_reports_every_error_and_writes_nothing(store, capsys):
    rc = main(["registry", "import", str(FIX / "registry_bad.yaml")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "registry_bad.yaml:5: contacts.email" in err
    assert "registry_bad.yaml:7: sites.id" in err
    assert "registry_bad.yaml:16: columns.category" in err
    assert "Traceback" not in err
    assert store.query("SELECT count(*) AS n FROM units")[0]["n"] == 0


def test_dropped_target_is_deactivated_not_deleted(store, tmp_path):
    reg = load_registry(FIX / "registry_small.yaml")
    import_registry(store, reg)
    reg.sites = [s for s in reg.sites if s.id != "3607000001"]
    reg.sites[0].columns = reg.sites[0].columns[:1]
    counts = import_registry(store, reg)
    assert counts["sites"]["deactivated"] == 1 and counts["columns"]["deactivated"] == 1
    rows = store.query("SELECT id, active FROM sites ORDER BY id")
    assert rows == [{"id": "3607000001", "active": False}, {"id": "3607000012", "active": True}]
    assert [s.id for s in read_registry(store).sites] == ["3607000012"]


@pytest.mark.parametrize("form", ["yaml", "xlsx", "csv"])
def test_export_round_trips(store, tmp_path, form):
    reg = load_registry(FIX / "registry_small.yaml")
    import_registry(store, reg)
    before = _snapshot(store)
    stored = read_registry(store)
    if form == "yaml":
        path = tmp_path / "out.yaml"
        path.write_text(to_yaml(stored), encoding="utf-8")
    elif form == "xlsx":
        path = to_xlsx(stored, tmp_path / "out.xlsx")
    else:
        path = to_csv_folder(stored, tmp_path / "csv")
    again = load_registry(path)
    counts = import_registry(store, again)
    assert all(c["inserted"] == 0 and c["updated"] == 0 and c["deactivated"] == 0 for c in counts.values()), counts
    assert _snapshot(store) == before


def test_csv_errors_name_file_and_line(store, tmp_path, capsys):
    folder = to_csv_folder(load_registry(FIX / "registry_small.yaml"), tmp_path / "csv")
    lines = (folder / "sites.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("https://www.ganzhou.gov.cn/", "ftp://x")
    (folder / "sites.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["registry", "import", str(folder)]) == 2
    assert "sites.csv:3: sites.url" in capsys.readouterr().err
