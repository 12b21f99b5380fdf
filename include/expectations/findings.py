"""Suite `findings`: what the notices, reminders and scores of the as-of date are built from.

The findings open or seen on the as-of date: check codes and severities as in the contract and the
rules profile, well-formed target ids that agree with their site, and evidence that holds no personal
data in clear. The evidence text itself never reaches Great Expectations (nor its kept results and Data
Docs): ``prepare`` reduces it to the kinds of unmasked personal data found (``id_number``, ``mobile``,
``bank_card``), using the patterns of ``govwatch.masking``.
"""

from __future__ import annotations

from typing import Any

from govwatch.findings import CHECK_CODES, TARGET_TYPES
from govwatch.masking import CARD_GROUPED_RE, CARD_RE, ID_RE, MOBILE_RE
from govwatch.quality._gx import gxe
from govwatch.quality.spec import Batch, SuiteContext, named, nocapture
from govwatch.registry.model import SITE_ID_RE, TARGET_ID_RE
from govwatch.rules import SEVERITIES

SUITE = "findings"
TITLE = "检查问题 / findings"

_SITE = SITE_ID_RE.strip("^$")
_TARGET = TARGET_ID_RE.strip("^$")
TARGET_KEY_RE = nocapture(rf"^(site:{_SITE}|column:{_SITE}/{_TARGET}|account:{_TARGET})$")

FINDINGS_SQL = """
SELECT '#' || f.id || ' ' || f.check_code || ' ' || f.target_id AS key,
       f.id, f.check_code, f.severity, f.check_code || ':' || f.severity AS check_severity, f.points,
       f.target_type, f.target_id, f.target_type || ':' || f.target_id AS target_key, f.site_id,
       CASE f.target_type WHEN 'site' THEN f.target_id WHEN 'column' THEN split_part(f.target_id, '/', 1)
       END AS target_site,
       CASE WHEN f.severity <> 'deduct' AND f.points <> 0 THEN f.points END AS points_without_deduct,
       f.evidence, f.evidence_key, f.evidence_url
FROM findings f
WHERE (f.first_seen <= %(as_of)s AND (f.status = 'open' OR f.rectified_on > %(as_of)s))
   OR EXISTS (SELECT 1 FROM finding_sightings s WHERE s.finding_id = f.id AND s.as_of = %(as_of)s)
ORDER BY f.id
"""


def personal_data_kinds(text: str | None) -> list[str]:
    """Kinds of personal data that ``text`` holds unmasked (the patterns of ``govwatch.masking``)."""
    if not text:
        return []
    kinds = []
    # Same order as masking.scrub: an 18-digit ID would also look like a card number.
    if ID_RE.search(text):
        kinds.append("id_number")
        text = ID_RE.sub(" ", text)
    if CARD_GROUPED_RE.search(text) or CARD_RE.search(text):
        kinds.append("bank_card")
        text = CARD_RE.sub(" ", CARD_GROUPED_RE.sub(" ", text))
    if MOBILE_RE.search(text):
        kinds.append("mobile")
    return kinds


def _prepare(frame: Any, ctx: SuiteContext) -> Any:
    def kinds(row: Any) -> str | None:
        found = []
        for col in ("evidence", "evidence_key", "evidence_url"):
            found += [f"{col}:{k}" for k in personal_data_kinds(row[col])]
        return ", ".join(found) or None

    frame = frame.copy()
    frame["unmasked_personal_data"] = frame.apply(kinds, axis=1) if len(frame) else []
    return frame.drop(columns=["evidence", "evidence_key", "evidence_url"])


def allowed_severities(ctx: SuiteContext) -> list[str]:
    """``check:severity`` pairs the profile allows: the check's own severity, the severity of its
    early-warning variants (``site_unreachable_warn`` → ``site_unreachable:warn``), and ``veto`` for a
    check that turns veto on a listed target (``dark_link``)."""
    checks: dict[str, Any] = ctx.rules.get("checks", {}) or {}
    pairs = set()
    for code in CHECK_CODES:
        spec = checks.get(code)
        if spec is None:
            continue
        pairs.add(f"{code}:{spec['severity']}")
        if spec.get("veto_when_listed"):
            pairs.add(f"{code}:veto")
        for other, ospec in checks.items():
            if other.startswith(code + "_") and other not in CHECK_CODES:
                pairs.add(f"{code}:{ospec['severity']}")
    return sorted(pairs)


def _findings(ctx: SuiteContext) -> list[object]:
    return [
        named(gxe.ExpectColumnValuesToBeInSet, "check_code_known",
              "检查项不在约定的检查项列表中 / check code is not one of the contract's check codes",
              column="check_code", value_set=list(CHECK_CODES)),
        named(gxe.ExpectColumnValuesToBeInSet, "severity_known",
              "严重程度应为 veto/deduct/warn / severity must be veto, deduct or warn",
              column="severity", value_set=list(SEVERITIES)),
        named(gxe.ExpectColumnValuesToBeInSet, "severity_matches_rules",
              "严重程度与规则配置不符 / severity differs from the rules profile for this check",
              column="check_severity", value_set=allowed_severities(ctx)),
        named(gxe.ExpectColumnValuesToBeInSet, "target_type_known",
              "对象类型应为 site/column/account / target type must be site, column or account",
              column="target_type", value_set=list(TARGET_TYPES)),
        named(gxe.ExpectColumnValuesToMatchRegex, "target_id_format",
              "对象标识格式不正确（网站标识码、网站标识码/栏目、账号标识）/ malformed target id (site id, "
              "site_id/column_id, account id)",
              column="target_key", regex=TARGET_KEY_RE),
        named(gxe.ExpectColumnPairValuesToBeEqual, "target_matches_site",
              "对象标识与所属网站不一致 / the target id does not belong to the finding's site",
              column_A="target_site", column_B="site_id", ignore_row_if="either_value_is_missing"),
        named(gxe.ExpectColumnValuesToBeNull, "evidence_masked",
              "证据中含未脱敏的身份证号、手机号或银行卡号 / evidence holds an unmasked ID number, mobile "
              "number or bank card number",
              column="unmasked_personal_data"),
        named(gxe.ExpectColumnValuesToBeBetween, "points_not_negative",
              "扣分为负 / negative points", column="points", min_value=0),
        named(gxe.ExpectColumnValuesToBeNull, "points_only_for_deductions",
              "非扣分项带有分值 / points on a finding that is not a deduction",
              column="points_without_deduct"),
    ]  # fmt: skip


BATCHES = (Batch("findings", "问题 / findings", FINDINGS_SQL, _findings, prepare=_prepare),)
