"""What a notice says about a period, read from the store: scores, findings, ledger, recurrences,
publication counts. The templates only lay out what these functions return (plain dicts and lists)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from govwatch.notices.text import (
    Totals,
    account_label,
    cn_date,
    document_date,
    inspection_sentence,
    issue_number,
    media_clause,
    month_bounds,
    pass_rate,
    quoted,
    shift_month,
    slash_date,
)
from govwatch.registry.model import PLATFORM_NAMES
from govwatch.rules import Rules
from govwatch.settings import get_settings
from govwatch.store.db import Store

#: Short platform names for the bulletin's 类型 column (seed 003: 微信, 新浪微博).
PLATFORM_SHORT = {"wechat": "微信", "weibo": "新浪微博", "douyin": "抖音", "kuaishou": "快手",
                  "toutiao": "今日头条", "other": "其他"}  # fmt: skip
#: Checks that count columns: the attachment says how many columns are concerned.
COLUMN_CHECKS = {"column_overdue", "column_blank", "column_unreachable", "reply_late", "reply_overdue",
                 "interpretation_unlinked", "interpretation_late"}  # fmt: skip
LEDGER_STATES = {"open": "整改中", "overdue": "逾期未整改", "reported": "已报送整改，待复核", "verified": "已整改"}


@lru_cache(maxsize=32)
def _sql_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def sql(name: str) -> str:
    """A query from include/sql/queries/."""
    return _sql_text(get_settings().sql_dir / "queries" / f"{name}.sql")


@dataclass(frozen=True)
class Period:
    period: str
    start: date
    end: date

    @classmethod
    def parse(cls, period: str) -> Period:
        start, end = month_bounds(period)
        return cls(period, start, end)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def month(self) -> int:
        return self.start.month

    def params(self) -> dict[str, date]:
        return {"start": self.start, "end": self.end}

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period, "year": self.year, "month": self.month,
                "label": f"{self.year}年{self.month}月", "month_label": f"{self.month}月",
                "start": cn_date(self.start), "end": cn_date(self.end)}  # fmt: skip


# ---------------------------------------------------------------------------------------------- helpers


def _title(rules: Rules, code: str) -> str:
    try:
        return rules.title(code)
    except KeyError:
        return code


def _display(row: dict[str, Any]) -> str:
    if row["target_type"] == "account":
        return account_label(row["target_name"], row.get("platform"))
    return str(row["target_name"])


def _target_key(row: dict[str, Any]) -> tuple[str, str]:
    """The site or account a finding belongs to (column findings belong to their site)."""
    if row["target_type"] == "account":
        return ("account", row["target_id"])
    return ("site", row.get("site_id") or row["target_id"].split("/")[0])


def _closed_on(row: dict[str, Any]) -> date | None:
    """The 整改日期: the ledger's verification when it holds the item, else the finding's rectification."""
    state = row.get("ledger_state")
    if state == "verified":
        return row.get("verified_on") or row.get("rectified_on")
    if state is None and row["status"] == "rectified":
        return row.get("rectified_on")
    return None


def _type_index(cfg: dict[str, Any]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, pt in enumerate(cfg["problem_types"]):
        for code in pt["checks"]:
            index.setdefault(code, i)
    return index


def _problem_type(cfg: dict[str, Any], rules: Rules, code: str) -> dict[str, Any]:
    """The configured problem type of a check, or a generic one named after the check."""
    idx = _type_index(cfg).get(code)
    if idx is not None:
        return {**cfg["problem_types"][idx], "order": idx}
    title = _title(rules, code)
    return {"name": title, "checks": [code], "lead": f"{title}。",
            "sentence": f"部分网站和政务新媒体存在{title}问题，如{{examples}}。",
            "example": "“{name}”（{n}处）", "example_one": "“{name}”", "order": 1000}  # fmt: skip


# ------------------------------------------------------------------------------------------------ reads


def read_findings(store: Store, per: Period, rules: Rules) -> list[dict[str, Any]]:
    rows = store.query(sql("notice_findings"), per.params())
    for r in rows:
        r["title"] = _title(rules, r["check_code"])
        r["display"] = _display(r)
        r["key"] = _target_key(r)
        # A problem that came back was found (again) when it reopened.
        r["found"] = r.get("reopened_on") or r.get("reopened_at") or r.get("found_on") or r["first_seen"]
        r["closed_on"] = _closed_on(r)
    return rows


def read_scores(store: Store, per: Period) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"site": [], "account": []}
    for r in store.query(sql("notice_scores"), per.params()):
        out[r["target_type"]].append(r)
    return out


def read_registry(store: Store) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"site": [], "account": []}
    for r in store.query(sql("notice_registry")):
        out[r["target_type"]].append(r)
    return out


def totals_from(
    scores: dict[str, list[dict[str, Any]]],
    registry: dict[str, list[dict[str, Any]]],
    findings: list[dict[str, Any]],
) -> tuple[Totals, Totals, dict[str, set[str]], str, date | None]:
    """Totals for sites and accounts, the vetoed target keys and where they came from.

    The scores of the monthly inspection are the truth. A month without scores (scoring not run) falls back
    to the registry and the month's veto findings: vetoed targets fail, every other one passes."""
    vetoed: dict[str, set[str]] = {"site": set(), "account": set()}
    if scores["site"] or scores["account"]:
        as_of = max(r["as_of"] for rows in scores.values() for r in rows)
        totals = []
        for kind in ("site", "account"):
            rows = scores[kind]
            vetoed[kind] = {r["target_id"] for r in rows if r["vetoed"]}
            totals.append(Totals(len(rows), len(vetoed[kind]), sum(1 for r in rows if r["passed"])))
        return totals[0], totals[1], vetoed, "scores", as_of
    for f in findings:
        if f["severity"] == "veto":
            kind, key = f["key"]
            vetoed[kind].add(key)
    out = []
    for kind in ("site", "account"):
        ids = {r["id"] for r in registry[kind]}
        v = vetoed[kind] & ids
        vetoed[kind] = v
        out.append(Totals(len(ids), len(v), len(ids) - len(v)))
    return out[0], out[1], vetoed, "findings" if findings else "none", None


# --------------------------------------------------------------------------------------------- sections


def attachment_rows(findings: list[dict[str, Any]], recurring_ids: set[int]) -> list[dict[str, Any]]:
    """问题整改情况: one row per site or account and problem, sites first (as the seeds list them)."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        groups[(f["key"], f["title"])].append(f)
    rows = []
    for (key, title), fs in groups.items():
        n = len(fs)
        problem = title
        if n > 1:
            problem += f"（{n}个栏目）" if fs[0]["check_code"] in COLUMN_CHECKS else f"（{n}处）"
        found = min(f["found"] for f in fs)
        closed = [f["closed_on"] for f in fs]
        done = all(c is not None for c in closed)
        notes = []
        if not done:
            states = {f.get("ledger_state") for f in fs if f["closed_on"] is None}
            dues = [f["due_on"] for f in fs if f.get("due_on") and f["closed_on"] is None]
            if "overdue" in states:
                notes.append("逾期未整改")
            elif states == {"reported"}:
                notes.append("已报送整改，待复核")
            elif dues:
                notes.append(f"整改期限{slash_date(max(dues))}")
            else:
                notes.append("未整改")
        if any(f["id"] in recurring_ids for f in fs):
            notes.append("同类问题多次出现")
        rows.append({
            "kind": key[0], "name": fs[0]["display"], "problem": problem, "unit": fs[0]["unit_name"],
            "found": slash_date(found), "fixed": slash_date(max(closed)) if done else "",
            "note": "；".join(notes), "_sort": (0 if key[0] == "site" else 1, found, fs[0]["display"], title),
        })  # fmt: skip
    rows.sort(key=lambda r: r["_sort"])
    for i, r in enumerate(rows, start=1):
        r["no"] = i
        del r["_sort"]
    return rows


def problem_sections(findings: list[dict[str, Any]], cfg: dict[str, Any], rules: Rules) -> list[dict[str, Any]]:
    """【存在问题】: one paragraph per problem type, naming the targets with the most findings of it."""
    by_type: dict[str, dict[str, Any]] = {}
    per_target: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in findings:
        pt = _problem_type(cfg, rules, f["check_code"])
        by_type.setdefault(pt["name"], pt)
        per_target[pt["name"]][f["display"]] += 1
    limit = int(cfg.get("examples_per_type", 3))
    out = []
    for name, pt in sorted(by_type.items(), key=lambda kv: (kv[1]["order"], kv[0])):
        targets = sorted(per_target[name].items(), key=lambda kv: (-kv[1], kv[0]))
        shown = targets[:limit]
        examples = [(pt["example"] if n > 1 else pt["example_one"]).format(name=t, n=n) for t, n in shown]
        bare = all(e.startswith("“") and e.endswith("”") for e in examples)
        text = ("" if bare else "，").join(examples)
        if len(targets) > len(shown):
            text += "等"
        out.append({
            "name": name, "lead": pt["lead"], "text": pt["sentence"].format(examples=text, count=len(targets)),
            "targets": len(targets), "findings": sum(per_target[name].values()),
        })  # fmt: skip
    return out


def recurrence_section(
    store: Store, per: Period, findings: list[dict[str, Any]], rules: Rules, limit: int
) -> tuple[dict[str, Any] | None, set[int]]:
    """“同类问题多次出现”: findings reopened in the month or found again on a unit after a rectification."""
    rec = store.query(sql("notice_recurrences"), per.params())
    ids = {r["id"] for r in rec}
    if not ids:
        return None, ids
    by_id = {f["id"]: f for f in findings}
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for r in rec:
        f = by_id.get(r["id"])
        if f is None:
            continue  # reopened and closed again without a sighting this month: nothing to show
        pairs[(f["display"], f["title"])] += 1
    if not pairs:
        return None, ids
    items = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
    examples = "，".join(f"“{name}”再次出现{title}问题" for (name, title), _ in items[:limit])
    more = "等" if len(items) > limit else ""
    text = f"部分单位对问题整改缺乏重视，已整改的问题再次出现，如{examples}{more}。"
    return {"lead": "同类问题多次出现。", "text": text, "count": len(items)}, ids


def best_sites(scores: dict[str, list[dict[str, Any]]], n: int) -> list[dict[str, Any]]:
    ranked = [r for r in scores["site"] if r["passed"] and r["score"] is not None]
    ranked.sort(key=lambda r: (-r["score"], r["name"], r["target_id"]))
    return [{"name": r["name"], "score": f"{r['score']:g}", "id": r["target_id"]} for r in ranked[:n]]


def veto_lists(
    findings: list[dict[str, Any]], vetoed: dict[str, set[str]], registry: dict[str, list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """突出问题 (单项否决) of sites and of accounts, with 网站标识码 and region as the bulletin prints them."""
    reg = {(k, r["id"]): r for k, rows in registry.items() for r in rows}
    problems: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in findings:
        if f["severity"] == "veto" and f["title"] not in problems[f["key"]]:
            problems[f["key"]].append(f["title"])
    sites, accounts = [], []
    for kind in ("site", "account"):
        for tid in sorted(vetoed[kind]):
            r = reg.get((kind, tid), {"name": tid, "region": "", "unit_name": "", "platform": None})
            probs = "、".join(problems.get((kind, tid), [])) or "单项否决"
            where = r.get("region") or r.get("unit_name") or ""
            if kind == "site":
                sites.append({"region": where, "name": r["name"], "problem": probs, "site_id": tid,
                              "unit": r.get("unit_name") or ""})  # fmt: skip
            else:
                accounts.append({"region": where, "platform": PLATFORM_SHORT.get(r.get("platform") or "", ""),
                                 "name": r["name"], "problem": f"单项否决（{probs}）",
                                 "unit": r.get("unit_name") or ""})  # fmt: skip
    sites.sort(key=lambda x: (x["region"], x["site_id"]))
    accounts.sort(key=lambda x: (x["region"], x["name"]))
    for lst in (sites, accounts):
        for i, x in enumerate(lst, start=1):
            x["no"] = i
    return sites, accounts


def region_table(
    registry: dict[str, list[dict[str, Any]]], scores: dict[str, list[dict[str, Any]]],
    vetoed: dict[str, set[str]], source: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """By region: sites running (门户/部门), checked, vetoed, 合格率, and the same for new media."""
    regions: dict[str, dict[str, Any]] = {}
    first_id: dict[str, str] = {}

    def reg(name: str) -> dict[str, Any]:
        name = name or "未填写地区"
        return regions.setdefault(name, {"region": name, "sites": 0, "portal": 0, "department": 0,
                                         "checked": 0, "vetoed": 0, "passed": 0,
                                         "accounts": 0, "acc_checked": 0, "acc_vetoed": 0, "acc_passed": 0})  # fmt: skip

    region_of: dict[tuple[str, str], str] = {}
    for r in registry["site"]:
        g = reg(r["region"])
        g["sites"] += 1
        g[r["kind"]] += 1
        region_of[("site", r["id"])] = g["region"]
        first_id[g["region"]] = min(first_id.get(g["region"], r["id"]), r["id"])
    for r in registry["account"]:
        g = reg(r["region"])
        g["accounts"] += 1
        region_of[("account", r["id"])] = g["region"]
    if source == "scores":
        for kind, prefix in (("site", ""), ("account", "acc_")):
            for s in scores[kind]:
                g = reg(region_of.get((kind, s["target_id"]), s["region"]))
                g[prefix + "checked"] += 1
                g[prefix + "vetoed"] += 1 if s["vetoed"] else 0
                g[prefix + "passed"] += 1 if s["passed"] else 0
    else:
        for kind, prefix in (("site", ""), ("account", "acc_")):
            for r in registry[kind]:
                g = regions[region_of[(kind, r["id"])]]
                g[prefix + "checked"] += 1
                bad = r["id"] in vetoed[kind]
                g[prefix + "vetoed"] += 1 if bad else 0
                g[prefix + "passed"] += 0 if bad else 1
    rows = sorted(regions.values(), key=lambda g: (first_id.get(g["region"], "~"), g["region"]))
    if not rows:
        return []
    numeric = [k for k, v in next(iter(regions.values()), {}).items() if isinstance(v, int)]
    total: dict[str, Any] = {k: sum(g[k] for g in rows) for k in numeric}
    total["region"] = "合计"
    for i, g in enumerate(rows, start=1):
        g["no"] = i
    total["no"] = ""
    out = [*rows, total]
    for g in out:
        g["rate"] = f"{pass_rate(g['passed'], g['checked'])}%" if g["checked"] else "—"
        g["acc_rate"] = f"{pass_rate(g['acc_passed'], g['acc_checked'])}%" if g["acc_checked"] else "—"
    return out


def publications(store: Store, per: Period, low: int) -> dict[str, Any]:
    rows = store.query(sql("notice_publications"), per.params())
    rows.sort(key=lambda r: (-r["n"], r["unit_name"], r["unit_id"]))
    for i, r in enumerate(rows, start=1):
        r["no"] = i
    half = (len(rows) + 1) // 2
    pairs = [(rows[i], rows[i + half] if i + half < len(rows) else None) for i in range(half)]
    low_units = [r["unit_name"] for r in rows if r["n"] <= low]
    return {"rows": rows, "pairs": pairs, "total": sum(r["n"] for r in rows), "low_units": low_units,
            "low": low}  # fmt: skip


def pass_history(store: Store, per: Period, months: int = 12) -> list[dict[str, Any]]:
    since = Period.parse(shift_month(per.period, -(months - 1))).start
    got: dict[date, dict[str, Any]] = {}
    for r in store.query(sql("notice_pass_history"), {"since": since, "end": per.end}):
        m = got.setdefault(r["month"], {"month": r["month"], "label": f"{r['month'].year}年{r['month'].month}月"})
        m[r["target_type"]] = float(pass_rate(r["passed"], r["checked"]) or 0)
    return [got[k] for k in sorted(got)]


# ----------------------------------------------------------------------------------------------- month


def month_data(store: Store, period: str, rules: Rules, cfg: dict[str, Any]) -> dict[str, Any]:
    """Everything the monthly report and the bulletin say about a period."""
    per = Period.parse(period)
    findings = read_findings(store, per, rules)
    scores = read_scores(store, per)
    registry = read_registry(store)
    sites_t, accounts_t, vetoed, source, as_of = totals_from(scores, registry, findings)
    veto_checks: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in findings:
        if f["severity"] == "veto" and (as_of is None or as_of in (f["seen_on"] or [])):
            veto_checks[f["key"]].add(f["check_code"])
    for f in findings:  # a vetoed target whose veto finding was not sighted on the scoring date
        if f["severity"] == "veto" and not veto_checks.get(f["key"]):
            veto_checks[f["key"]].add(f["check_code"])
    media_phrase = media_clause(
        [veto_checks.get(("account", a), set()) for a in sorted(vetoed["account"])], cfg["media_veto_phrases"]
    )
    pass_mark = float(rules.get("scoring.pass_mark", 60))
    recurrence, recurring_ids = recurrence_section(store, per, findings, rules, int(cfg.get("examples_per_type", 3)))
    problems = problem_sections(findings, cfg, rules)
    best = best_sites(scores, int(cfg.get("best_sites", 2)))
    site_vetoes, account_vetoes = veto_lists(findings, vetoed, registry)
    doc_date = document_date(period, cfg)
    due_days = int(rules.get("rectification.due_working_days", 5))
    from govwatch.workdays import add_workdays

    summary = "、".join(p["name"] for p in problems[:4])
    pd = per.as_dict()
    if source == "none":
        basic = f"{pd['month_label']}，{cfg['area']}暂无政府网站和政务新媒体检查结果。"
    else:
        basic = f"{pd['month_label']}，{cfg['area']}开展了政府网站和政务新媒体全面监测检查，" + inspection_sentence(
            sites_t, accounts_t, media_phrase, pass_mark)
        if summary:
            basic += f"此次监测主要发现{summary}等方面的问题。"
    top = best_sites(scores, 10)
    limit = int(cfg.get("examples_per_type", 3))

    def veto_text(items: list[dict[str, Any]], what: str, annex: int) -> str:
        if not items:
            return f"本次检查未发现存在单项否决问题的{what}。"
        named = "，".join(f"“{x['name']}”{x['problem'].removeprefix('单项否决（').removesuffix('）')}"
                         for x in items[:limit])
        more = "等" if len(items) > limit else ""
        return f"检查发现{len(items)}个{what}存在单项否决问题，如{named}{more}（详见附件{annex}）。"

    return {
        "period": pd,
        "cfg": cfg,
        "basic_text": basic,
        "top_sites": top,
        "area": cfg["area"],
        "area_scope": cfg["area_scope"],
        "office": cfg["office"],
        "report_office": cfg["report_office"],
        "doc_date": cn_date(doc_date),
        "doc_date_iso": doc_date.isoformat(),
        "report_due": cn_date(add_workdays(doc_date, due_days)),
        "issue_no": issue_number(period, cfg),
        "score_as_of": as_of.isoformat() if as_of else None,
        "score_source": source,
        "sites": sites_t,
        "accounts": accounts_t,
        "site_rate": sites_t.rate,
        "account_rate": accounts_t.rate,
        "sentence": inspection_sentence(sites_t, accounts_t, media_phrase, pass_mark),
        "best_sites": best,
        "best_sentence": (
            f"网站总得分方面，{quoted(b['name'] for b in best)}表现较好，得分{cfg['area_scope']}排名靠前。"
            if best else ""
        ),
        "summary_types": summary,
        "problems": problems,
        "recurrence": recurrence,
        "rows": attachment_rows(findings, recurring_ids),
        "site_vetoes": site_vetoes,
        "site_veto_text": veto_text(site_vetoes, "政府网站", 3),
        "account_veto_text": veto_text(account_vetoes, "政务新媒体", 4),
        "account_vetoes": account_vetoes,
        "regions": region_table(registry, scores, vetoed, source),
        "registry_counts": {
            "sites": len(registry["site"]),
            "portals": sum(1 for r in registry["site"] if r["kind"] == "portal"),
            "departments": sum(1 for r in registry["site"] if r["kind"] == "department"),
            "accounts": len(registry["account"]),
            "platforms": _platform_counts(registry["account"]),
        },
        "type_counts": [(p["name"], p["findings"]) for p in problems],
        "history": pass_history(store, per),
        "requirements": cfg["requirements"],
        "contacts": cfg.get("contacts") or [],
        "findings_count": len(findings),
    }


def _platform_counts(accounts: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for a in accounts:
        counts[a["platform"]] += 1
    order = list(PLATFORM_NAMES)
    return "，".join(f"{PLATFORM_NAMES[p]}{n}个" for p, n in sorted(counts.items(), key=lambda kv: order.index(kv[0])))


# ------------------------------------------------------------------------------------------------ unit


def unit_data(store: Store, period: str, unit_id: str, rules: Rules, cfg: dict[str, Any]) -> dict[str, Any]:
    """The rectification notice of one unit: its open items, their deadlines, how to report."""
    from govwatch.errors import InputError
    from govwatch.workdays import add_workdays

    per = Period.parse(period)
    unit = store.query("SELECT id, name FROM units WHERE id = %s", (unit_id,))
    if not unit:
        raise InputError(f"unknown unit / 未登记的单位: {unit_id}")
    due_days = int(rules.get("rectification.due_working_days", 5))
    rows = store.query(sql("notice_unit_items"), {"unit": unit_id, **per.params()})
    items = []
    for i, r in enumerate(rows, start=1):
        found = r.get("reopened_on") or r.get("reopened_at") or r.get("found_on") or r["first_seen"]
        due = r.get("due_on") or add_workdays(found, due_days)
        where = r["column_name"] or ""
        items.append({
            "no": i, "id": r["id"], "name": _display(r), "problem": _title(rules, r["check_code"]),
            "severity": "单项否决" if r["severity"] == "veto" else "扣分",
            "detail": "；".join(x for x in (f"栏目：{where}" if where else "", r["evidence"] or "") if x),
            "url": r.get("evidence_url") or "", "found": slash_date(found), "due": slash_date(due),
            "due_date": due, "state": LEDGER_STATES.get(r.get("ledger_state") or "open", "整改中"),
            "recurring": bool(r["recurrences"]),
        })  # fmt: skip
    doc_date = document_date(period, cfg)
    # Units report within the working days the rules give, counted from the notice (seed 001: “于通报下发之日
    # 起5个工作日内”); items whose own deadline has passed by then are called overdue.
    due_text = cn_date(add_workdays(doc_date, due_days))
    overdue = sum(1 for it in items if it["due_date"] < doc_date)
    return {
        "period": per.as_dict(),
        "cfg": cfg,
        "unit": unit[0],
        "office": cfg["office"],
        "doc_date": cn_date(doc_date),
        "doc_date_iso": doc_date.isoformat(),
        "items": items,
        "count": len(items),
        "due": due_text,
        "veto_count": sum(1 for it in items if it["severity"] == "单项否决"),
        "overdue_count": overdue,
        "contacts": cfg.get("contacts") or [],
        "title": cfg["unit"]["title"].format(year=per.year, month=per.month),
        "body": cfg["unit"]["body"].format(month=per.month, office=cfg["office"], count=len(items)),
        "how_to_report": cfg["unit"]["how_to_report"].format(due=due_text, office=cfg["office"]),
    }


def publications_data(store: Store, period: str, cfg: dict[str, Any]) -> dict[str, Any]:
    per = Period.parse(period)
    pub = publications(store, per, int(cfg.get("publications_low", 3)))
    doc_date = document_date(period, cfg)
    return {"period": per.as_dict(), "cfg": cfg, "office": cfg["office"], "area": cfg["area"],
            "doc_date": cn_date(doc_date), "doc_date_iso": doc_date.isoformat(), **pub}  # fmt: skip
