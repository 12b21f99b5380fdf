"""Suite `scores`: the scores of the as-of date, before they go into a notice (contract §5).

A score lies in [0, ``quality.max_score``] or is null; a site passes exactly when it has no veto and
its score reaches ``scoring.pass_mark``; an account passes exactly when it has no veto; every score
belongs to a registered target.
"""

from __future__ import annotations

from typing import Any

from govwatch.quality._gx import gxe
from govwatch.quality.spec import Batch, SuiteContext, named

SUITE = "scores"
TITLE = "评分 / scores"

SCORES_SQL = """
SELECT s.target_type || ' ' || s.target_id AS key, s.target_type, s.target_id,
       s.score::float8 AS score, s.vetoed, s.passed,
       CASE WHEN s.target_type = 'account' THEN NOT s.vetoed
            ELSE NOT s.vetoed AND COALESCE(s.score, 0) >= %(pass_mark)s END AS pass_expected,
       CASE WHEN (s.target_type = 'site' AND NOT EXISTS (SELECT 1 FROM sites x WHERE x.id = s.target_id))
              OR (s.target_type = 'account' AND NOT EXISTS (SELECT 1 FROM accounts x WHERE x.id = s.target_id))
            THEN s.target_id END AS unknown_target
FROM scores s
WHERE s.as_of = %(as_of)s
ORDER BY s.target_type, s.target_id
"""


def _params(ctx: SuiteContext) -> dict[str, Any]:
    return {"as_of": ctx.as_of, "pass_mark": float(ctx.rules.get("scoring.pass_mark", 60))}


def _scores(ctx: SuiteContext) -> list[object]:
    top = float(ctx.quality("max_score", 130))
    mark = float(ctx.rules.get("scoring.pass_mark", 60))
    return [
        named(gxe.ExpectColumnValuesToBeBetween, "score_in_range",
              f"得分应在 0–{top:g} 之间 / a score lies between 0 and {top:g}",
              column="score", min_value=0, max_value=top),
        named(gxe.ExpectColumnPairValuesToBeEqual, "pass_rule",
              f"合格判定应为：无单项否决且得分 ≥ {mark:g}（政务新媒体：无单项否决）/ passed must equal: no veto "
              f"and score ≥ {mark:g} (accounts: no veto)",
              column_A="passed", column_B="pass_expected"),
        named(gxe.ExpectColumnValuesToBeInSet, "score_target_type_known",
              "评分对象应为网站或政务新媒体 / scores are for sites and accounts",
              column="target_type", value_set=["site", "account"]),
        named(gxe.ExpectColumnValuesToBeNull, "score_target_registered",
              "评分对象未登记 / the scored target is not in the registry", column="unknown_target"),
    ]  # fmt: skip


BATCHES = (Batch("scores", "评分 / scores", SCORES_SQL, _scores, params=_params),)
