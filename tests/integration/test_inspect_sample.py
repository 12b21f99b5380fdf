"""The monthly inspection over the sample province (both markup families) against its ground truth."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from govwatch.checks.inspect_run import INSPECT_CODES, run_inspection
from govwatch.checks.probe_run import run_probe
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.sample import evaluate, generate, serve
from govwatch.settings import TZ
from govwatch.store.findings import list_findings

pytestmark = pytest.mark.integration

AS_OF = date(2026, 11, 19)


@pytest.mark.parametrize("holdout", [False, True], ids=["families-abc", "holdout-family-d"])
def test_sample_province_inspection_matches_truth(store, tmp_path, holdout):
    prov = generate(AS_OF, holdout=holdout)
    with serve(prov) as served:
        path = tmp_path / "registry.yaml"
        path.write_text(served.registry_yaml(), encoding="utf-8")
        import_registry(store, load_registry(path))
        start = datetime(2026, 11, 18, 8, 0, tzinfo=TZ)
        for i in range(3):
            run_probe(start + timedelta(hours=i), store=store)
        stats = run_inspection(AS_OF, store=store)
    assert stats["sites"] == len(prov.sites)
    report = evaluate(list_findings(store), prov.truth, INSPECT_CODES)
    detail = {"missed": report["missed"], "unexpected": report["unexpected"]}
    assert report["recall"] >= 0.9 and report["precision"] >= 0.9, detail
    assert not report["decoys_fired"], report["decoys_fired"]
    assert not report["severity_mismatches"], report["severity_mismatches"]
    # Every check code the inspection judges was exercised by the province.
    assert {c for c, b in report["per_check"].items() if b["tp"]} == INSPECT_CODES
    # Evidence never carries personal data in clear.
    leaks = [f for f in list_findings(store) if f["check"] == "privacy_leak"]
    assert leaks and all("*" in f["evidence"] for f in leaks)
    assert stats["scores"]["sites"]["checked"] == len(prov.sites)


def test_accounts_outside_every_site_shard_get_the_wording_scan(store, tmp_path):
    """The monthly DAG inspects accounts of units without a site in a task of their own: 错敏字 in their
    posts are found there too, and a re-run changes nothing."""
    from govwatch.checks.inspect_run import run_account_inspection

    prov = generate(AS_OF)
    with serve(prov) as served:
        path = tmp_path / "registry.yaml"
        path.write_text(served.registry_yaml(), encoding="utf-8")
        import_registry(store, load_registry(path))
        stats = run_account_inspection(AS_OF, ["tt-yzfb"], store=store)
        before = store.query("SELECT * FROM findings ORDER BY id")
        run_account_inspection(AS_OF, ["tt-yzfb"], store=store)
    assert stats["accounts"] == 1 and not stats["unjudged"]
    typos = [f for f in list_findings(store) if f["check"] == "typo" and f["target_id"] == "tt-yzfb"]
    assert typos and all(f["target_type"] == "account" for f in typos)
    assert store.query("SELECT * FROM findings ORDER BY id") == before
