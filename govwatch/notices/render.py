"""Render the month's documents: 月报 (monthly), 通报 (bulletin), 整改通知 (unit), 信息公开更新条数明细
(publications), as HTML, Markdown and Word, record them in ``notices`` and mail each unit its notice.

Templates: ``include/templates/notices/<kind>.<fmt>.j2``. HTML is autoescaped (names and titles come from
crawled sites); in Markdown every value printed is escaped (see :func:`md_escape`); the Word templates
render to blocks that :mod:`govwatch.notices.docx` lays out after GB/T 9704.
Documents are deterministic: the same data renders to the same bytes (Word: the same package, member
dates fixed), and every date printed derives from the period, never from the clock.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from govwatch.errors import InputError
from govwatch.notices import charts
from govwatch.notices.config import load_notice_text
from govwatch.notices.data import month_data, publications_data, sql, unit_data
from govwatch.notices.docx import clean as docx_clean
from govwatch.notices.docx import write_docx
from govwatch.notices.text import month_bounds
from govwatch.rules import load_rules
from govwatch.settings import TZ, get_settings
from govwatch.store.db import Store, open_store

log = logging.getLogger(__name__)

KINDS = ("monthly", "bulletin", "unit", "publications")
FORMATS = ("html", "md", "docx")
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNIT_ID_RE = re.compile(r"^[a-z0-9_-]+$")


# ------------------------------------------------------------------------------------------ escaping


def MdSafe(text: str) -> Markup:  # noqa: N802 - reads like the type it stands for
    """Text the template or the code built (an image file name, a macro's table): printed as is."""
    return Markup(text)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_MD_BULLET = re.compile(r"^(\s*)([-=])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def md_escape(value: Any) -> str:
    """Escape a value for Markdown: backslash before every character Markdown or inline HTML gives a
    meaning, ``&`` as an entity, line breaks folded. A crawled title cannot inject markup or links."""
    if value is None:
        return ""
    if isinstance(value, Markup):  # `|safe`: the output of the template's own macros
        return str(value)
    text = str(value).replace("\r", " ").replace("\n", " ")
    text = text.replace("&", "&amp;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # What would start a list or a heading underline when the value opens a line.
    text = _MD_BULLET.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _MD_ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


_TRAILING_PUNCT = re.compile(r"^(.*?)([。，；：、！？）”]*)$", re.S)


def md_strong(value: Any, mark: str = "**") -> Markup:
    """Bold (or, with ``*``, italic) Markdown around a lead such as “栏目更新不及时。”: the closing mark goes
    before the Chinese full stop, since CommonMark does not close emphasis after punctuation that is
    followed by a letter."""
    m = _TRAILING_PUNCT.match(str(value))
    assert m is not None
    core, tail = m.group(1), m.group(2)
    if not core:
        return Markup(md_escape(value))
    return Markup(f"{mark}{md_escape(core)}{mark}{md_escape(tail)}")


def _finalize_docx(value: Any) -> str:
    if isinstance(value, Markup):  # `|safe`: blocks built by the template's own macros
        return str(value)
    return "" if value is None else docx_clean(str(value))


def _templates_dir() -> Path:
    return get_settings().templates_dir / "notices"


def _env(fmt: str) -> jinja2.Environment:
    kwargs: dict[str, Any] = {
        "loader": jinja2.FileSystemLoader(str(_templates_dir())),
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if fmt == "html":
        kwargs["autoescape"] = True
    elif fmt == "md":
        kwargs["autoescape"] = False
        kwargs["finalize"] = md_escape
    elif fmt == "docx":
        kwargs["autoescape"] = False
        kwargs["finalize"] = _finalize_docx
    else:  # plain text (mail bodies)
        kwargs["autoescape"] = False
    env = jinja2.Environment(extensions=["jinja2.ext.do"], **kwargs)
    env.filters["mdsafe"] = MdSafe
    env.filters["strong"] = md_strong
    return env


# ------------------------------------------------------------------------------------------- helpers


def _check_args(kind: str, period: str, fmt: str, unit_id: str | None) -> None:
    if kind not in KINDS:
        raise InputError(f"unknown notice kind / 未知文书类型: {kind!r} (one of {', '.join(KINDS)})")
    if fmt not in FORMATS:
        raise InputError(f"unknown format / 未知格式: {fmt!r} (one of {', '.join(FORMATS)})")
    if not PERIOD_RE.match(period or ""):
        raise InputError(f"period must be YYYY-MM / 期间格式应为 YYYY-MM: {period!r}")
    if kind == "unit":
        if not unit_id:
            raise InputError("kind unit needs --unit ID / 整改通知须指定 --unit 单位编号")
        if not UNIT_ID_RE.match(unit_id):
            raise InputError(f"bad unit id / 单位编号格式错误: {unit_id!r}")
    elif unit_id:
        raise InputError(f"--unit only applies to kind unit / 仅整改通知可指定 --unit (kind {kind})")


def file_stem(kind: str, period: str, unit_id: str | None = None) -> str:
    return f"unit-{unit_id}-{period}" if kind == "unit" else f"{kind}-{period}"


def _context(store: Store, kind: str, period: str, unit_id: str | None) -> dict[str, Any]:
    rules = load_rules()
    cfg = load_notice_text(rules=rules)
    if kind in ("monthly", "bulletin"):
        ctx = month_data(store, period, rules, cfg)
        if kind == "bulletin":
            b = cfg["bulletin"]
            fields = {"office": cfg["office"], "area": cfg["area"], "year": ctx["period"]["year"],
                      "month": ctx["period"]["month"], "due": ctx["report_due"]}  # fmt: skip
            ctx["title"] = b["title"].format(**fields)
            ctx["intro"] = b["intro"].format(**fields)
            ctx["report_back"] = b["report_back"].format(**fields)
        else:
            ctx["title"] = f"{ctx['period']['label']}政府网站与政务新媒体检查情况"
            ctx["masthead"] = cfg["monthly_title"].format(area=cfg["area"])
        return ctx
    if kind == "unit":
        assert unit_id is not None
        return unit_data(store, period, unit_id, rules, cfg)
    ctx = publications_data(store, period, cfg)
    ctx["title"] = f"{ctx['period']['month_label']}份信息公开更新条数明细表"
    return ctx


def _charts(ctx: dict[str, Any], kind: str) -> dict[str, bytes]:
    if kind not in ("monthly", "bulletin"):
        return {}
    out: dict[str, bytes] = {}
    label = ctx["period"]["label"]
    png = charts.problems_by_type(ctx["type_counts"], f"{label}发现问题分类统计")
    if png:
        out["problems"] = png
    png = charts.pass_rate_by_month(ctx["history"], "政府网站与政务新媒体检查合格率")
    if png:
        out["pass_rate"] = png
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _record(store: Store, kind: str, period: str, unit_id: str | None, fmt: str, path: Path) -> str:
    digest = _sha256(path)
    store.query(sql("notice_upsert"), {"kind": kind, "period": period, "unit_id": unit_id or "",
                                       "format": fmt, "path": str(path), "sha256": digest})  # fmt: skip
    return digest


# -------------------------------------------------------------------------------------------- public


def render_notice(
    kind: str, period: str, fmt: str, *, unit_id: str | None = None, out_dir: Path | str | None = None,
    store: Store | None = None,
) -> Path:  # fmt: skip
    """Render one document and record it in ``notices``; returns its path.

    Files go to ``out_dir`` or ``$GOVWATCH_HOME/notices/<period>/``: ``<kind>-<period>.<fmt>``, for a unit
    ``unit-<id>-<period>.<fmt>``; Markdown keeps its charts as PNG files beside it; the monthly report
    also leaves its attachment table as ``monthly-<period>-附件.xlsx``."""
    _check_args(kind, period, fmt, unit_id)
    st = store or open_store()
    try:
        ctx = _context(st, kind, period, unit_id)
        folder = Path(out_dir).resolve() if out_dir else get_settings().notices_dir / period
        folder.mkdir(parents=True, exist_ok=True)
        stem = file_stem(kind, period, unit_id)
        images = _charts(ctx, kind)
        path = folder / f"{stem}.{fmt}"
        template = _env(fmt).get_template(f"{kind}.{fmt}.j2")
        if fmt == "html":
            ctx["images"] = {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in images.items()}
            path.write_text(template.render(**ctx), encoding="utf-8")
        elif fmt == "md":
            refs = {}
            for name, png in images.items():
                img = folder / f"{stem}-{name}.png"
                img.write_bytes(png)
                refs[name] = MdSafe(img.name)
            ctx["images"] = refs
            path.write_text(template.render(**ctx), encoding="utf-8")
        else:
            ctx["images"] = {k: k for k in images}
            blocks = template.render(**ctx)
            day = datetime.fromisoformat(ctx["doc_date_iso"]).replace(tzinfo=TZ)
            title = ctx.get("title") or kind
            write_docx(blocks, path, images=images, title=title, author=ctx["office"], day=day)
        if kind == "monthly":
            _attachment_xlsx(ctx, folder / f"{stem}-附件.xlsx")
        _record(st, kind, period, unit_id, fmt, path)
        return path
    finally:
        if store is None:
            st.close()


ATTACHMENT_HEADERS = {"no": "序号", "name": "网站/政务新媒体名称", "problem": "主要存在问题", "unit": "主办单位",
                      "found": "发现日期", "fixed": "整改日期", "note": "备注"}  # fmt: skip


def _attachment_xlsx(ctx: dict[str, Any], path: Path) -> Path:
    from govwatch.exports import write_xlsx

    return write_xlsx(ctx["rows"], ATTACHMENT_HEADERS, path, "问题整改情况")


def _queue_unit_mail(store: Store, period: str, unit_id: str, docx: Path, html: Path) -> bool:
    """One e-mail per unit and period with its notice attached, written to the outbox; False when the unit
    has no e-mail contact. The dedup key ``<unit>|notice|<period>|email`` makes a re-run queue nothing new."""
    from govwatch.rectify.remind import email_recipients

    contacts = store.query(
        "SELECT name, email, mobile, role FROM contacts WHERE unit_id = %s ORDER BY (role = 'primary') DESC, seq",
        (unit_id,),
    )
    recipients = email_recipients(contacts)
    if not recipients:
        log.warning("unit %s has no e-mail contact: its notice for %s is not mailed", unit_id, period)
        return False
    rules = load_rules()
    cfg = load_notice_text(rules=rules)
    ctx = unit_data(store, period, unit_id, rules, cfg)
    text = _env("txt").get_template("unit_mail.txt.j2").render(**ctx)
    subject = f"【整改通知】{ctx['title']}"
    filename = f"{ctx['unit']['name']}{ctx['period']['label']}整改通知.docx"
    store.query(
        "INSERT INTO outbox (dedup_key, channel, kind, unit_id, day, recipients, subject, body_text, body_html,"
        " attachments) VALUES (%s, 'email', 'notice', %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
        (f"{unit_id}|notice|{period}|email", unit_id, ctx["doc_date_iso"],
         json.dumps(recipients, ensure_ascii=False), subject, text, html.read_text(encoding="utf-8"),
         json.dumps([{"path": str(docx), "filename": filename, "content_type": DOCX_TYPE}], ensure_ascii=False)),
    )  # fmt: skip
    return True


def render_month(period: str, *, store: Store | None = None) -> dict[str, Any]:
    """All documents of a month in every format, one rectification notice per unit with open items, and one
    e-mail per such unit queued in the outbox with its notice attached. Returns counts and paths."""
    _check_args("monthly", period, "html", None)
    st = store or open_store()
    try:
        paths: list[str] = []
        for kind in ("monthly", "bulletin", "publications"):
            for fmt in FORMATS:
                paths.append(str(render_notice(kind, period, fmt, store=st)))
        start, end = month_bounds(period)
        units = [r["unit_id"] for r in st.query(sql("notice_units_to_notify"), {"start": start, "end": end})]
        mailed = 0
        for unit_id in units:
            got = {fmt: render_notice("unit", period, fmt, unit_id=unit_id, store=st) for fmt in FORMATS}
            paths += [str(p) for p in got.values()]
            if _queue_unit_mail(st, period, unit_id, got["docx"], got["html"]):
                mailed += 1
        return {"period": period, "documents": len(paths), "units": len(units), "mails": mailed,
                "paths": paths}  # fmt: skip
    finally:
        if store is None:
            st.close()
