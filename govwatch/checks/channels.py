"""``no_interaction_channel`` and ``no_service_channel`` (contract §4).

An entry is a link on the home page, or on a first-level navigation page (a page the home page links to
with a short menu-like label), whose text or title names the channel (rules ``interaction.words`` /
``interaction.service_words``) and does not name a petition or discipline-inspection channel (rules
``interaction.excluded_words``: 网上信访 and 纪检举报 do not count) — and whose target loads. Long labels
(news headlines that happen to contain 服务) and labels with dates are not menu entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from govwatch.crawl.linkcheck import LinkStatus
from govwatch.crawl.pages import Link
from govwatch.crawl.urls import normalize_url
from govwatch.findings import Finding, make
from govwatch.rules import Rules

#: Longest label that still reads like a menu entry, not a headline.
MAX_LABEL = 12
#: Longest label of a home-page link that counts as first-level navigation.
MAX_NAV_LABEL = 8
_DATEISH = re.compile(r"\d{4}[-./年]\d{1,2}|\d{1,2}[-/]\d{1,2}\b")
_HEADLINE_MARKS = re.compile(r"[【】“”\"《》：:，,。！？]")
#: Targets that are petition / reporting systems whatever the label says (领导信箱 → 网上信访).
_EXCLUDED_URL_WORDS = ("xinfang", "wsxf", "jubao", "jjjc", "ccdi", "12388")


@dataclass(frozen=True)
class ChannelEntry:
    kind: str  # interaction | service
    label: str
    url: str
    page_url: str


def _words(rules: Rules, key: str) -> list[str]:
    # YAML reads 12345 as a number: words are compared as text.
    return [str(w) for w in (rules.get(key, []) or []) if str(w)]


def _label(link: Link) -> str:
    text = link.text.strip()
    return text if text else link.title.strip()


def classify_label(label: str, rules: Rules, *, title: str = "") -> set[str]:
    """The channel kinds a menu label names: {'interaction'}, {'service'}, both, or none."""
    label = re.sub(r"\s+", "", label)
    if not label or len(label) > MAX_LABEL or _DATEISH.search(label) or _HEADLINE_MARKS.search(label):
        return set()
    both = label + " " + title
    if any(w in both for w in _words(rules, "interaction.excluded_words")):
        return set()
    kinds: set[str] = set()
    if any(w in label for w in _words(rules, "interaction.words")):
        kinds.add("interaction")
    if any(w in label for w in _words(rules, "interaction.service_words")):
        kinds.add("service")
    return kinds


def nav_pages(home_links: Sequence[Link], site_hosts: Iterable[str]) -> list[str]:
    """URLs of the first-level navigation pages: home-page links on the site with a short label."""
    from govwatch.crawl.urls import host_of

    hosts = set(site_hosts)
    out = []
    for link in home_links:
        label = re.sub(r"\s+", "", _label(link))
        if label and len(label) <= MAX_NAV_LABEL and host_of(link.url) in hosts:
            out.append(link.url)
    return list(dict.fromkeys(out))


def channel_entries(rules: Rules, links: Iterable[Link]) -> list[ChannelEntry]:
    """Entries among ``links`` that name an interaction or service channel."""
    out: list[ChannelEntry] = []
    seen: set[tuple[str, str]] = set()
    for link in links:
        if any(w in link.url.lower() for w in _EXCLUDED_URL_WORDS):
            continue
        # "#" tabs and script menus resolve to the page itself: not an entry to anywhere.
        if link.url.rstrip("/") == (normalize_url(link.page_url) or link.page_url).rstrip("/"):
            continue
        for kind in sorted(classify_label(_label(link), rules, title=link.title)):
            if (kind, link.url) in seen:
                continue
            seen.add((kind, link.url))
            out.append(ChannelEntry(kind, _label(link), link.url, link.page_url))
    return out


def channel_findings(
    rules: Rules,
    entries: Sequence[ChannelEntry],
    statuses: Mapping[str, LinkStatus],
    *,
    site_id: str,
    unit_id: str | None,
    home_url: str,
    has_services: bool,
    target_titles: Mapping[str, str] | None = None,
) -> tuple[list[Finding], dict[str, list[str]]]:
    """Vetoes for the missing channels, and the working entries found per kind (for the run stats)."""
    excluded = _words(rules, "interaction.excluded_words")
    titles = target_titles or {}
    working: dict[str, list[str]] = {"interaction": [], "service": []}
    broken: dict[str, list[str]] = {"interaction": [], "service": []}
    for e in entries:
        st = statuses.get(e.url)
        # A label that promises 留言 but lands on the 信访 system is a petition channel.
        if any(w in titles.get(e.url, "") for w in excluded):
            broken[e.kind].append(f"「{e.label}」指向信访/举报页面")
            continue
        if st is not None and st.verdict == "ok":
            working[e.kind].append(f"{e.label} {e.url}")
        else:
            reason = st.reason if st is not None else "未检查"
            broken[e.kind].append(f"「{e.label}」{e.url}（{reason}）")
    out: list[Finding] = []
    if not working["interaction"]:
        ev = "首页及一级导航未发现可用的咨询、建言、留言或信箱入口（网上信访、纪检举报不计）"
        if broken["interaction"]:
            ev += "；无效入口：" + "；".join(broken["interaction"][:5])
        out.append(
            make(
                rules,
                "no_interaction_channel",
                "site",
                site_id,
                ev,
                site_id=site_id,
                unit_id=unit_id,
                evidence_url=home_url,
            )
        )
    if has_services and not working["service"]:
        ev = "首页及一级导航未发现可用的办事服务入口"
        if broken["service"]:
            ev += "；无效入口：" + "；".join(broken["service"][:5])
        out.append(
            make(
                rules,
                "no_service_channel",
                "site",
                site_id,
                ev,
                site_id=site_id,
                unit_id=unit_id,
                evidence_url=home_url,
            )
        )
    return out, working
