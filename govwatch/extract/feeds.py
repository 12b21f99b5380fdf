"""Posts of a new-media account from its feed: RSS 2.0 (and RSS 1.0 / RDF), Atom, or JSON Feed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from govwatch.extract.dates import parse_timestamp
from govwatch.fetch.encoding import decode


@dataclass
class Post:
    title: str
    url: str | None
    published: datetime | None  # aware, Asia/Shanghai

    @property
    def date(self) -> date | None:
        return self.published.date() if self.published else None


@dataclass
class Feed:
    kind: str  # rss | atom | json | rdf
    title: str = ""
    posts: list[Post] = field(default_factory=list)


class FeedError(ValueError):
    """The body is not a feed this module understands."""


def parse_feed(body: bytes | str, content_type: str = "") -> Feed:
    """Parse RSS 2.0, RSS 1.0, Atom or JSON Feed; raises :class:`FeedError` for anything else."""
    if isinstance(body, bytes):
        text = decode(body, content_type or "application/xml")[0] or body.decode("utf-8", "replace")
    else:
        text = body
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return _json_feed(stripped)
    return _xml_feed(stripped)


_LIST_KEYS = ("items", "posts", "articles", "entries", "list", "data")
_DATE_KEYS = ("date_published", "published", "pub_date", "pubDate", "publish_time", "create_time", "date",
              "time", "date_modified", "updated", "update_time")  # fmt: skip


def _json_feed(text: str) -> Feed:
    """JSON Feed 1.x; also the plain shapes platform exports use ({"posts": […]}, {"data": {"list": […]}},
    a bare list) with ISO, RFC 822 or epoch timestamps."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    posts_raw = _find_list(data)
    if posts_raw is None:
        raise FeedError("JSON feed without a list of posts (`items`)")
    feed = Feed(kind="json", title=str(data.get("title") or "") if isinstance(data, dict) else "")
    for it in posts_raw:
        if not isinstance(it, dict):
            continue
        stamp = next((it[k] for k in _DATE_KEYS if it.get(k) not in (None, "")), None)
        feed.posts.append(
            Post(
                title=str(it.get("title") or it.get("summary") or it.get("content_text") or "")[:500],
                url=it.get("url") or it.get("external_url") or it.get("link"),
                published=_stamp(stamp),
            )
        )
    return feed


def _find_list(data: object, depth: int = 0) -> list | None:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict) or depth > 2:
        return None
    for key in _LIST_KEYS:
        if key in data:
            found = _find_list(data[key], depth + 1)
            if found is not None:
                return found
    return None


def _stamp(value: object) -> datetime | None:
    from govwatch.settings import TZ

    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit() and len(value) >= 9):
        n = float(value)
        if n > 1e11:  # milliseconds
            n /= 1000
        try:
            return datetime.fromtimestamp(n, TZ)
        except (OverflowError, OSError, ValueError):
            return None
    return parse_timestamp(str(value))


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *names: str) -> str | None:
    for name in names:
        for c in el:
            if _local(c.tag) == name and (c.text or "").strip():
                return c.text.strip()
    return None


def _xml_feed(text: str) -> Feed:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        # The text is already decoded: drop the declaration so its encoding label cannot re-decode it.
        root = etree.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text).encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not XML: {exc}") from None
    if root is None:
        raise FeedError("empty or unreadable XML")
    kind = _local(root.tag)
    if kind == "rss":
        channel = next((c for c in root if _local(c.tag) == "channel"), root)
        feed = Feed(kind="rss", title=_child_text(channel, "title") or "")
        entries = [c for c in channel if _local(c.tag) == "item"]
    elif kind == "feed":
        feed = Feed(kind="atom", title=_child_text(root, "title") or "")
        entries = [c for c in root if _local(c.tag) == "entry"]
    elif kind == "rdf":
        feed = Feed(kind="rdf")
        entries = [c for c in root if _local(c.tag) == "item"]
    else:
        raise FeedError(f"unknown feed root <{kind}>")
    for e in entries:
        stamp = _child_text(e, "pubdate", "published", "date", "issued", "updated", "modified")
        feed.posts.append(
            Post(
                title=(_child_text(e, "title") or "")[:500],
                url=_entry_link(e),
                published=parse_timestamp(stamp),
            )
        )
    return feed


def _entry_link(e: etree._Element) -> str | None:
    for c in e:
        if _local(c.tag) != "link":
            continue
        href = c.get("href")
        if href and c.get("rel", "alternate") == "alternate":
            return href.strip()
        if not href and (c.text or "").strip():
            return c.text.strip()
    return _child_text(e, "guid", "id")
