"""The column check over the sample province (govwatch.sample) compared with its ground truth."""

from __future__ import annotations

from datetime import date

import pytest

from govwatch.checks.column_run import run_column_check
from govwatch.checks.columns import SITE_CHECKS
from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.sample import evaluate, generate, serve
from govwatch.store.findings import list_findings

pytestmark = pytest.mark.integration

AS_OF = date(2026, 11, 19)
CHECKS = set(SITE_CHECKS) | {"media_stale", "media_infrequent", "media_no_interaction"}


@pytest.mark.parametrize("holdout", [False, True], ids=["families-abc", "holdout-family-d"])
def test_sample_province_matches_truth(store, tmp_path, holdout):
    prov = generate(AS_OF, holdout=holdout)
    with serve(prov) as served:
        path = tmp_path / "registry.yaml"
        path.write_text(served.registry_yaml(), encoding="utf-8")
        import_registry(store, load_registry(path))
        stats = run_column_check(AS_OF, store=store)
    assert stats["sites"] == len(prov.sites) and stats["accounts"] == len(prov.accounts)
    report = evaluate(list_findings(store), prov.truth, CHECKS)
    detail = {"missed": report["missed"], "unexpected": report["unexpected"]}
    assert report["recall"] >= 0.9 and report["precision"] >= 0.9, detail
    assert not report["decoys_fired"], report["decoys_fired"]
    assert not report["severity_mismatches"], report["severity_mismatches"]

    # The extractor's newest dates agree with the generator's facts for pages that list dated items.
    facts = prov.truth.facts["columns"]
    obs = {
        r["target_id"]: r
        for r in store.query(
            "SELECT target_id, newest_date, ok FROM observations WHERE target_type = 'column'"
        )
    }
    wrong = {
        tid: (obs[tid]["newest_date"], fact["newest"])
        for tid, fact in facts.items()
        if fact["state"] == "ok" and fact["newest"] and obs[tid]["ok"]
        and (obs[tid]["newest_date"].isoformat() if obs[tid]["newest_date"] else None) != fact["newest"]
    }  # fmt: skip
    assert not wrong
