"""The sample province: a realistic small province of government sites and new-media accounts, with
planted problems for every check code of the contract, decoys that must not fire, and its ground truth.

    from govwatch.sample import generate, serve
    prov = generate(date(2026, 11, 22))
    with serve(prov) as served:
        Path("registry.yaml").write_text(served.registry_yaml())
        ...                                   # run checks against served URLs
        report = evaluate(findings, prov.truth)

``python -m govwatch.sample serve --as-of D --out DIR`` serves until Ctrl-C.
"""

from __future__ import annotations

from datetime import date

from govwatch.sample.model import Province
from govwatch.sample.serve import ServedProvince, serve
from govwatch.sample.truth import Truth, evaluate

__all__ = ["Province", "ServedProvince", "Truth", "evaluate", "generate", "serve"]


def generate(as_of: date, seed: int = 7, *, holdout: bool = False) -> Province:
    """The sample province for ``as_of`` (deterministic for (as_of, seed, holdout)).

    ``holdout=True`` renders every site in the fourth markup family (D), which the default never uses.
    """
    from govwatch.sample.plan import build

    return build(as_of, seed, holdout)
