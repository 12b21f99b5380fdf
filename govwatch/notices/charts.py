"""Charts for the notices (matplotlib, PNG): problems by type, 合格率 by month.

Chinese labels need a CJK font; matplotlib's bundled DejaVu has none and would draw boxes. The font is
taken from a file, in this order: ``GOVWATCH_CHART_FONT`` (a .ttf/.otf/.ttc path), then the fonts that
Debian's ``fonts-noto-cjk`` / ``fonts-wqy-zenhei`` / ``fonts-arphic-ukai`` packages install, then any font
fontconfig reports for Chinese. Without one, no chart is drawn (the documents say so in the log), rather
than one with boxes for text.
"""

from __future__ import annotations

import io
import logging
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from govwatch.settings import get_settings

log = logging.getLogger(__name__)

CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
DPI = 150


@lru_cache(maxsize=4)
def _find_font(explicit: str | None) -> Path | None:
    if explicit:
        p = Path(explicit)
        if p.is_file():
            return p
        log.warning("GOVWATCH_CHART_FONT=%s is not a file; looking for a CJK font elsewhere", explicit)
    for c in CANDIDATES:
        if Path(c).is_file():
            return Path(c)
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    return Path(files[0]) if files else None


def cjk_font() -> Path | None:
    """The font file used for Chinese chart text, or None when the machine has none."""
    return _find_font(get_settings().extra.get("GOVWATCH_CHART_FONT"))


def _figure(width: float, height: float) -> tuple[Any, Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    path = cjk_font()
    if path is None:
        return None, None, None
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1), FontProperties(fname=str(path))


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    # No software / date metadata: the same data gives the same bytes.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    return buf.getvalue()


def _style(ax: Any, fp: Any) -> None:
    for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        label.set_fontproperties(fp)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def problems_by_type(counts: list[tuple[str, int]], title: str) -> bytes | None:
    """Horizontal bars: findings per problem type, the largest on top."""
    return _problems_by_type(tuple((str(n), int(v)) for n, v in counts), title, cjk_font())


@lru_cache(maxsize=16)
def _problems_by_type(counts: tuple[tuple[str, int], ...], title: str, font: Path | None) -> bytes | None:
    # Cached: a month's documents in three formats draw the same charts.
    if not counts:
        return None
    fig, ax, fp = _figure(6.4, 0.45 * len(counts) + 1.2)
    if fig is None:
        log.warning("no CJK font found: chart %s not drawn (install fonts-noto-cjk)", title)
        return None
    names = [n for n, _ in counts][::-1]
    values = [v for _, v in counts][::-1]
    bars = ax.barh(range(len(names)), values, color="#b22222", height=0.6)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    top = max(values)
    for bar, v in zip(bars, values, strict=True):
        ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, str(v), va="center",
                fontproperties=fp, fontsize=9)  # fmt: skip
    ax.set_xlim(0, top * 1.12 + 0.5)
    ax.set_xlabel("问题数（个）", fontproperties=fp)
    ax.set_title(title, fontproperties=fp, fontsize=12)
    _style(ax, fp)
    return _png(fig)


def pass_rate_by_month(history: list[dict[str, Any]], title: str) -> bytes | None:
    """Lines: 合格率 of sites and of new media per month."""
    key = tuple((h["label"], h.get("site"), h.get("account")) for h in history)
    return _pass_rate_by_month(key, title, cjk_font())


@lru_cache(maxsize=16)
def _pass_rate_by_month(key: tuple[tuple[str, float | None, float | None], ...], title: str,
                        font: Path | None) -> bytes | None:  # fmt: skip
    history: list[dict[str, Any]] = [{"label": lb, "site": st, "account": ac} for lb, st, ac in key]
    if not history:
        return None
    fig, ax, fp = _figure(6.4, 3.2)
    if fig is None:
        log.warning("no CJK font found: chart %s not drawn (install fonts-noto-cjk)", title)
        return None
    labels = [h["label"].split("年")[1] if i else h["label"] for i, h in enumerate(history)]
    xs = list(range(len(history)))
    for field, name, style in (("site", "政府网站", "o-"), ("account", "政务新媒体", "s--")):
        ys = [h.get(field) for h in history]
        pts = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=name, linewidth=1.6, markersize=4)
            for x, y in pts:
                ax.annotate(f"{y:.1f}%", (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=8, fontproperties=fp)  # fmt: skip
    ax.set_xticks(xs)
    ax.set_xticklabels(labels)
    lows = [h[k] for h in history for k in ("site", "account") if h.get(k) is not None]
    ax.set_ylim(max(0.0, min(lows) - 10) if lows else 0, 105)
    ax.set_ylabel("合格率（%）", fontproperties=fp)
    ax.set_title(title, fontproperties=fp, fontsize=12)
    ax.legend(prop=fp, loc="lower right", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    _style(ax, fp)
    return _png(fig)
