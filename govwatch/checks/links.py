"""``broken_link``: links on crawled pages that do not work (contract §4).

Pure: takes the links the crawl met (url → anchors) and the link checker's verdicts. One finding per
broken URL per site (evidence key = the broken URL), naming the first page it was linked from, the link
text, and how many pages carry it. Suspected failures (5xx, timeouts after a retry) are stored under the
same check code with severity ``warn`` (rules entry ``broken_link_suspected``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from govwatch.crawl.linkcheck import LinkStatus
from govwatch.crawl.pages import Link
from govwatch.findings import Finding, make
from govwatch.rules import Rules


def broken_link_findings(
    rules: Rules,
    links: Mapping[str, Sequence[Link]],
    statuses: Mapping[str, LinkStatus],
    *,
    site_id: str,
    unit_id: str | None,
) -> list[Finding]:
    """Findings for every link whose verdict is ``broken`` (deduct) or ``suspected`` (warn)."""
    out: list[Finding] = []
    for url, anchors in links.items():
        st = statuses.get(url)
        if st is None or st.verdict not in ("broken", "suspected") or not anchors:
            continue
        first = anchors[0]
        pages = list(dict.fromkeys(a.page_url for a in anchors))
        label = first.text or first.title or "（无文字）"
        more = f"等 {len(pages)} 个页面" if len(pages) > 1 else ""
        if st.verdict == "broken":
            evidence = f"页面 {first.page_url}{more} 中的链接「{label}」无法访问（{st.reason}）：{url}"
            variant: dict[str, str] = {}
        else:
            evidence = f"疑似不可用链接：页面 {first.page_url}{more} 中的链接「{label}」（{st.reason}，重试后仍失败）：{url}"
            variant = {"severity": "warn", "code": "broken_link_suspected"}
        out.append(
            make(
                rules, "broken_link", "site", site_id, evidence, site_id=site_id, unit_id=unit_id,
                evidence_key=url, evidence_url=first.page_url, **variant,
            )
        )  # fmt: skip
    return out
