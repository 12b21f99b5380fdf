"""The items a home page or column page lists, and the newest of their dates.

No CMS-specific selectors: the extractor looks for what every list has in common.

1. *Item dates* are text nodes that are a date and nothing else (see :mod:`govwatch.extract.dates`),
   numeric dates set apart at the edge of a title's text, and dates split over a calendar badge.
2. Each item date belongs to the nearest enclosing block that holds a title link (``li``, ``tr``,
   ``div``…). When one block holds several dates (``dl`` with ``dt``/``dd`` pairs, a flat ``div`` of
   links and spans), dates and links are paired in document order. A date whose block holds many links
   but no other date (a date banner in the header) is not an item date.
3. Undated items are repeated sibling blocks each holding one title-like link, outside navigation,
   header and footer regions: they count as items (and as undated ones).
4. A column is blank when it lists no item, or says so (暂无信息, 暂无数据 …) without any dated item.
5. ``<meta name="PubDate">`` dates a page that lists nothing else (a column that is one article).
6. Content that scripts hold but browsers show is read too (Hanweb JCMS ``datastore`` records, dates
   written by ``document.write('2026-11-18')``); an error page answered with 200 is flagged ``not_found``.
7. On a column page, when one dated list links under the column's own directory and the others do not,
   the newest date comes from that list (a sidebar of the site's latest news must not refresh it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from govwatch.extract.dates import composite_date, edge_date, item_date, parse_date, plausible
from govwatch.extract.html import (
    absolute,
    inline_script_content,
    meta,
    norm_text,
    parse,
    strip_non_content,
    text_of,
)

BLANK_RE = re.compile(
    r"暂无(?:相关)?(?:信息|数据|内容|记录|文章|公告|文件|新闻|动态|结果)|暂时没有(?:信息|数据|内容|记录)"
    r"|没有(?:相关|找到)?(?:信息|数据|内容|记录|文章)|无相关(?:信息|数据|内容|记录)"
    r"|(?:信息|内容|栏目)正在(?:更新|整理|建设|完善)|(?:栏目)?正在建设中|栏目建设中|敬请期待"
    r"|共\s*0\s*(?:条|篇)|记录数\s*[:：]?\s*0(?!\d)|No (?:data|records|items)"
)
# Regions whose links are navigation, not items (matched against tag, id and class).
CHROME_RE = re.compile(
    # distinctive words, anywhere in an id or class (leftnav, subMenu, site-footer, friendlinks)
    r"nav|menu|footer|copyright|crumb|sidebar|banner|header|pagination|pager|fenye|yqlj|friend"
    # short words, only as whole words (page-list and toplist hold items)
    r"|(?:^|[\s_-])(?:foot|bottom|position|location|weizhi|dqwz|top|page|pages|paging|links?|side|dh)(?:$|[\s_-])",
    re.I,
)
CHROME_TAGS = {"nav", "header", "footer", "aside"}
NAV_WORDS = re.compile(
    r"^(?:首页|上一页|下一页|尾页|末页|更多|more|更多>>|>>|查看更多|返回|返回顶部|打印|关闭|分享|登录|注册|网站地图|"
    r"联系我们|English|无障碍|长者模式|繁體|繁体|简体|设为首页|加入收藏|\d+)$",
    re.I,
)
PUBDATE_KEYS = (
    "pubdate",
    "publishdate",
    "publish_date",
    "article:published_time",
    "firstpublishedtime",
    "dc.date",
)
TITLE_LABEL = re.compile(r"^(?:文章标题|标题|题目)\s*[:：]\s*")
NOTHING_LISTED = "未列出任何信息"
HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
NOT_FOUND_RE = re.compile(
    r"(?<!\d)404(?!\d)|页面不存在|网页不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|页面已(?:被)?删除|访问的页面不存在"
    r"|Not Found|无法找到该页"
)
MIN_TITLE = 4  # shortest text of a link that may be an item title
MIN_UNDATED_TITLE = 8  # undated link lists count as items only with titles this long (on average)


@dataclass
class Item:
    title: str
    url: str | None
    date: date | None
    group: int = field(default=0, compare=False, repr=False)  # identity of the list it belongs to


@dataclass
class ListingResult:
    """What a page lists. ``newest_date`` ignores dates after the as-of date; ``blank`` when it lists
    nothing (or says 暂无信息)."""

    items: list[Item] = field(default_factory=list)
    newest_date: date | None = None
    item_count: int = 0
    dated_count: int = 0
    blank: bool = False
    blank_reason: str | None = None
    meta_date: date | None = None
    future_count: int = 0
    not_found: bool = False  # an error page answered with 200 (soft 404)
    frames: list[str] = field(default_factory=list)  # iframe / frame targets (absolute URLs)
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def undated(self) -> bool:
        """Items listed, none with a readable date."""
        return self.item_count > 0 and self.dated_count == 0


@dataclass
class _DateNode:
    value: date
    container: etree._Element  # the element whose text (or a child's tail) holds the date
    order: int


def _order_map(root: etree._Element) -> dict[etree._Element, int]:
    return {el: i for i, el in enumerate(root.iter())}


def _attrs(el: etree._Element) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


def _in_chrome(el: etree._Element, cache: dict[etree._Element, bool]) -> bool:
    chain = []
    cur: etree._Element | None = el
    result = False
    while cur is not None and cur.tag not in ("body", "html"):
        if cur in cache:
            result = cache[cur]
            break
        chain.append(cur)
        if isinstance(cur.tag, str) and (cur.tag in CHROME_TAGS or CHROME_RE.search(_attrs(cur))):
            result = True
            break
        cur = cur.getparent()
    for c in chain:
        cache[c] = result
    return result


def _link_title(a: etree._Element, as_of: date) -> str:
    parts = [norm_text(t) for t in a.itertext()]
    parts = [p for p in parts if p and item_date(p, as_of) is None]
    text = norm_text(" ".join(parts))
    m = edge_date(text, as_of)
    if m is not None:
        text = norm_text(text[: m.start] + " " + text[m.end :]).strip("[]()（）【】 ")
    # Some CMSs put several lines (标题 / 作者 / 更新时间) in the tooltip: the first one is the title.
    raw_attr = next((ln for ln in (a.get("title") or "").splitlines() if ln.strip()), "")
    title_attr = TITLE_LABEL.sub("", norm_text(raw_attr))
    if (
        title_attr
        and (text.endswith(("...", "…", "..")) or not text)
        and len(title_attr) >= len(text.rstrip(".…"))
    ):
        text = title_attr
    if not text:
        # A picture entry: the image's alt text is its title.
        img = a.find(".//img")
        if img is not None:
            text = norm_text(img.get("alt") or img.get("title"))
    return text


def _date_nodes(body: etree._Element, as_of: date, order: dict[etree._Element, int]) -> list[_DateNode]:
    nodes: list[_DateNode] = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        for text, container, pos in ((el.text, el, order[el]), (el.tail, el.getparent(), order[el])):
            if not text or container is None:
                continue
            t = text.strip()
            if not t or not any(ch.isdigit() for ch in t):
                continue
            m = item_date(t, as_of) or (edge_date(t, as_of) if len(t) <= 200 else None)
            if m is not None:
                nodes.append(_DateNode(m.value, container, pos))
    # Calendar badges: <div class="date"><b>18</b><span>2026-11</span></div>
    seen = {id(n.container) for n in nodes}
    for el in body.iter(
        "div", "span", "p", "em", "i", "b", "strong", "dd", "dt", "td", "time", "font", "label"
    ):
        if id(el) in seen or len(el) == 0 or len(el) > 3 or el.find(".//a") is not None:
            continue
        pieces = [norm_text(t) for t in el.itertext()]
        pieces = [p for p in pieces if p]
        if 2 <= len(pieces) <= 3 and any(ch.isdigit() for ch in pieces[0]):
            d = composite_date(pieces, as_of)
            if d is not None and not any(n.container is el or _is_ancestor(el, n.container) for n in nodes):
                nodes.append(_DateNode(d, el, order[el]))
    return nodes


def _is_ancestor(anc: etree._Element, el: etree._Element) -> bool:
    cur = el.getparent()
    while cur is not None:
        if cur is anc:
            return True
        cur = cur.getparent()
    return False


def extract_listing(
    page: bytes | str | lxml.html.HtmlElement,
    *,
    url: str = "",
    as_of: date,
    content_type: str = "",
    column: bool = False,
) -> ListingResult:
    """Items, item dates and blankness of one page (home page or column page).

    ``column``: the page is a column's list. When it shows several dated lists and exactly one of them
    links under the column's own directory (its entries, beside a sidebar of the site's latest news),
    the newest date is read from that list alone.
    """
    root = page if isinstance(page, etree._Element) else parse(page, content_type=content_type)
    tags = meta(root)
    frames = (
        [u for u in (absolute(url, el.get("src")) for el in root.iter("iframe", "frame")) if u] if url else []
    )
    inline_script_content(root)
    strip_non_content(root)
    body = root.find("body")
    if body is None:
        body = root
    order = _order_map(root)
    chrome_cache: dict[etree._Element, bool] = {}

    # Title links and, per element, how many of them it holds.
    titles: dict[etree._Element, str] = {}
    link_count: dict[etree._Element, int] = defaultdict(int)
    for a in body.iter("a"):
        title = _link_title(a, as_of)
        if len(title) < 2 or NAV_WORDS.match(title):
            continue
        titles[a] = title
        cur: etree._Element | None = a
        while cur is not None:
            link_count[cur] += 1
            cur = cur.getparent()

    # 1-2. Dated items.
    groups: dict[etree._Element, list[_DateNode]] = defaultdict(list)
    for node in _date_nodes(body, as_of, order):
        cur = node.container
        for _level in range(7):
            if cur is None or cur.tag in ("body", "html"):
                cur = None
                break
            if link_count.get(cur, 0) >= 1:
                break
            cur = cur.getparent()
        if cur is not None:
            groups[cur].append(node)
    items: list[Item] = []
    item_blocks: list[etree._Element] = []
    for block, nodes in groups.items():
        links = [a for a in block.iter("a") if a in titles] if block.tag != "a" else [block]
        if len(links) == 1 and len(nodes) > 1:
            # One entry with several dates (成文日期 and 发布日期): it was last published on the latest.
            ok = [n.value for n in nodes if plausible(n.value, as_of)] or [n.value for n in nodes]
            items.append(_item(links[0], titles[links[0]], max(ok), url, _list_id(block)))
            item_blocks.append(block)
            continue
        if len(nodes) == 1:
            if len(links) > 4:
                continue  # a lone date among many links: a banner or a toolbar, not an item
            a = max(links, key=lambda x: len(titles[x]))
            items.append(_item(a, titles[a], nodes[0].value, url, _list_id(block)))
            item_blocks.append(block)
            continue
        if len(links) > 4 * len(nodes):
            continue
        items.extend(_pair(nodes, links, titles, order, url, id(block)))
        item_blocks.append(block)

    # 3. Undated items: repeated sibling rows with title-like links, outside navigation.
    covered = set()
    for b in item_blocks:
        covered.add(b)
        covered.update(b.iter())
    undated = _undated_rows(body, titles, link_count, covered, chrome_cache, url)
    items.extend(undated)

    res = ListingResult(items=items, meta=tags, frames=frames)
    pub = next((tags[k] for k in PUBDATE_KEYS if tags.get(k)), None)
    res.meta_date = parse_date(pub, as_of) if pub else None
    dated = [i for i in items if i.date is not None and plausible(i.date, as_of)]
    res.future_count = sum(1 for i in items if i.date is not None and i.date > as_of)
    res.dated_count = len(dated)
    res.item_count = len(items)
    if dated:
        own = _own_list(dated, url) if column else None
        res.newest_date = max(i.date for i in (own or dated) if i.date is not None)
    elif res.meta_date is not None and plausible(res.meta_date, as_of):
        # A page that is itself one dated article (single-page columns such as 机构职能).
        res.newest_date = res.meta_date
        res.dated_count = max(res.dated_count, 1)
        res.item_count = max(res.item_count, 1)
    visible = _shown_text(body)
    title = norm_text(root.findtext(".//title"))
    if res.dated_count == 0 and (
        NOT_FOUND_RE.search(title) or (len(visible) < 600 and NOT_FOUND_RE.search(visible))
    ):
        # A "soft 404": the server answers 200 with an error page instead of the column.
        res.not_found = True
    blank_hit = BLANK_RE.search(visible)
    if res.dated_count == 0 and blank_hit:
        res.blank, res.blank_reason = True, blank_hit.group(0)
        res.items, res.item_count = [], 0
    elif res.item_count == 0 and not _article_like(body, visible):
        res.blank, res.blank_reason = True, NOTHING_LISTED
    elif res.item_count == 0:
        res.item_count = 1  # an undated single-article page: one item, no date
    return res


def looks_not_found(page: bytes | str, content_type: str = "") -> bool:
    """True for an error page served with 200 ("soft 404": 页面不存在, 404 Not Found)."""
    root = parse(page, content_type=content_type)
    strip_non_content(root)
    title = norm_text(root.findtext(".//title"))
    body = root.find("body")
    visible = _shown_text(body) if body is not None else ""
    return bool(NOT_FOUND_RE.search(title) or (len(visible) < 600 and NOT_FOUND_RE.search(visible)))


def _item(a: etree._Element, title: str, d: date | None, base: str, group: int = 0) -> Item:
    return Item(
        title=title, url=absolute(base, a.get("href")) if base else a.get("href"), date=d, group=group
    )


def _list_id(block: etree._Element) -> int:
    """The list an entry belongs to: the parent of its block (its siblings are the other entries)."""
    parent = block.getparent()
    return id(parent if parent is not None else block)


def _own_list(dated: list[Item], page_url: str) -> list[Item] | None:
    """The one dated list whose entries (≥ 80 %) link under the page's directory, when the others do not
    (≤ 50 %); None when there is no such clear case."""
    parts = urlsplit(page_url)
    prefix = parts.path.rsplit("/", 1)[0] + "/"
    if prefix == "/" or not parts.netloc:
        return None
    lists: dict[int, list[Item]] = defaultdict(list)
    for it in dated:
        lists[it.group].append(it)
    if len(lists) < 2:
        return None

    def share(its: list[Item]) -> float:
        inside = 0
        for it in its:
            u = urlsplit(it.url or "")
            inside += int(u.netloc == parts.netloc and u.path.startswith(prefix) and u.path != parts.path)
        return inside / len(its)

    shares = {g: share(its) for g, its in lists.items()}
    own = [g for g, v in shares.items() if v >= 0.8]
    if len(own) == 1 and all(v <= 0.5 for g, v in shares.items() if g != own[0]):
        return lists[own[0]]
    return None


def _pair(
    nodes: list[_DateNode],
    links: list[etree._Element],
    titles: dict[etree._Element, str],
    order: dict[etree._Element, int],
    base: str,
    group: int = 0,
) -> list[Item]:
    """Pair dates and links that share one block, in document order."""
    nodes = sorted(nodes, key=lambda n: n.order)
    links = sorted(links, key=lambda a: order[a])
    if not links:
        return []
    dates_first = nodes[0].order < order[links[0]]
    out = []
    used: set[int] = set()
    for i, n in enumerate(nodes):
        if dates_first:
            nxt = nodes[i + 1].order if i + 1 < len(nodes) else float("inf")
            cands = [a for a in links if n.order <= order[a] < nxt]
        else:
            prev = nodes[i - 1].order if i > 0 else -1
            cands = [a for a in links if prev < order[a] <= n.order]
            # a date printed inside its own link: <a><span>title</span><span>date</span></a>
            cands += [
                a for a in links if a not in cands and (a is n.container or _is_ancestor(a, n.container))
            ]
        cands = [a for a in cands if id(a) not in used]
        if not cands:
            continue
        a = max(cands, key=lambda x: len(titles[x]))
        used.add(id(a))
        out.append(_item(a, titles[a], n.value, base, group))
    return out


def _row_of(a: etree._Element, link_count: dict[etree._Element, int]) -> etree._Element:
    """The block that holds one list entry: the highest ancestor of the link holding no other title link."""
    cur = a
    for _level in range(6):
        parent = cur.getparent()
        if parent is None or parent.tag in ("body", "html") or link_count.get(parent, 0) > 1:
            break
        cur = parent
    return cur


def _undated_rows(
    body: etree._Element,
    titles: dict[etree._Element, str],
    link_count: dict[etree._Element, int],
    covered: set[etree._Element],
    chrome_cache: dict[etree._Element, bool],
    base: str,
) -> list[Item]:
    groups: dict[etree._Element, list[tuple[etree._Element, etree._Element]]] = defaultdict(list)
    for a, title in titles.items():
        if a in covered or len(title) < MIN_TITLE or _in_chrome(a, chrome_cache):
            continue
        row = _row_of(a, link_count)
        if row in covered:
            continue
        parent = row.getparent()
        if parent is None:
            continue
        groups[parent].append((row, a))
    out: list[Item] = []
    for _parent, rows in groups.items():
        by_row: dict[etree._Element, etree._Element] = {}
        for row, a in rows:
            prev = by_row.get(row)
            if prev is None or len(titles[a]) > len(titles[prev]):
                by_row[row] = a
        if len(by_row) < 2:
            continue
        lengths = [len(titles[a]) for a in by_row.values()]
        if sum(lengths) / len(lengths) < MIN_UNDATED_TITLE:
            continue
        out.extend(_item(a, titles[a], None, base) for a in by_row.values())
    return out


def _shown_text(body: etree._Element) -> str:
    """The page text without elements hidden by an inline style (empty-list templates such as
    ``<div class="empty" style="display:none">暂无数据</div>`` beside a list)."""
    hidden = [el for el in body.iter() if isinstance(el.tag, str) and HIDDEN_RE.search(el.get("style") or "")]
    if not hidden:
        return text_of(body)
    skip: set[etree._Element] = set()
    for el in hidden:
        skip.update(el.iter())
    parts: list[str] = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el not in skip and el.text:
            parts.append(el.text)
        parent = el.getparent()
        if el.tail and (parent is None or parent not in skip):
            parts.append(el.tail)
    return norm_text(" ".join(parts))


def _article_like(body: etree._Element, visible: str) -> bool:
    """A page that is one article: a long paragraph of prose."""
    for el in body.iter("p", "div", "td", "span"):
        own = norm_text(el.text)
        if len(own) >= 80 and el.find(".//a") is None:
            return True
    return len(visible) > 400 and sum(1 for _ in body.iter("a")) < len(visible) / 200
