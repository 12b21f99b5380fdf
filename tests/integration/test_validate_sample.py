"""Issue #7 end to end: a site whose lists lose their dates, over the sample province on loopback.

The column check reports ``extraction_failed`` for it and withholds its column findings (no flood of
false ones), and ``govwatch validate`` exits 1 naming the expectation; a healthy run exits 0.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from govwatch.checks.column_run import run_column_check
from govwatch.cli.main import main
from govwatch.quality import DATES_EXPECTATION, withheld_sites
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.sample import generate, serve
from govwatch.store.db import Store
from govwatch.store.findings import list_findings

pytestmark = pytest.mark.integration

AS_OF = date(2026, 11, 19)
NODATES = "3901000008"  # the sample site whose list pages print their dates with a script
HEALTHY = "3901000007"
ACCOUNTS = ["tt-yzsj", "wx-yzfb", "dy-yzfb"]


def test_site_losing_its_dates_is_withheld_and_gated(
    store: Store, gw_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    prov = generate(AS_OF)
    later = AS_OF + timedelta(days=1)
    with serve(prov) as served:
        path = tmp_path / "registry.yaml"
        path.write_text(served.registry_yaml(), encoding="utf-8")
        import_registry(store, load_registry(path))
        run_column_check(AS_OF, site_ids=[HEALTHY, NODATES], accounts=False, store=store)
        # A later run over the healthy site and three accounts.
        stats = run_column_check(later, site_ids=[HEALTHY], accounts=ACCOUNTS, store=store)

    mine = [f for f in list_findings(store) if f["site_id"] == NODATES]
    assert [f["check"] for f in mine] == ["extraction_failed"], mine  # and nothing else: no flood

    assert main(["validate", "--as-of", AS_OF.isoformat(), "--suite", "observations"]) == 1
    out = capsys.readouterr().out
    assert f"observations.sites · {DATES_EXPECTATION}" in out and f"columns {NODATES}" in out
    assert f"columns {HEALTHY}" not in out
    assert withheld_sites(AS_OF, store=store) == [NODATES]

    assert main(["validate", "--as-of", later.isoformat()]) == 0, capsys.readouterr().out
    feeds = store.query(
        "SELECT count(*) AS n FROM observations WHERE as_of = %s AND target_type = 'feed'", (later,)
    )
    assert feeds[0]["n"] == stats["accounts"] == len(ACCOUNTS)
    assert withheld_sites(later, store=store) == []


def test_gate_lets_a_contained_failure_through_unless_the_profile_holds(
    store: Store, gw_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The withheld site fails validation, but its column findings were not judged: by default the DAG gate
    alerts and goes on; a profile with quality.hold_on_withheld_sites holds the run."""
    from govwatch.quality import ValidationGateFailed, gate
    from govwatch.settings import reset_settings_cache

    prov = generate(AS_OF)
    with serve(prov) as served:
        path = tmp_path / "registry.yaml"
        path.write_text(served.registry_yaml(), encoding="utf-8")
        import_registry(store, load_registry(path))
        run_column_check(AS_OF, site_ids=[HEALTHY, NODATES], accounts=False, store=store)

    summary = gate(AS_OF, ["observations"], store=store)
    assert summary["success"] is False
    assert len(summary["contained"]) == 1 and NODATES in summary["contained"][0]

    strict = tmp_path / "strict.yaml"
    strict.write_text("extends: national\nquality:\n  hold_on_withheld_sites: true\n", encoding="utf-8")
    monkeypatch.setenv("GOVWATCH_RULES", str(strict))
    reset_settings_cache()
    with pytest.raises(ValidationGateFailed, match=DATES_EXPECTATION):
        gate(AS_OF, ["observations"], store=store)
