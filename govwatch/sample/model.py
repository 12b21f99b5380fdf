"""The sample province as data: sites, columns, items, accounts, units and the ground truth.

Everything here is abstract (no host names): :mod:`govwatch.sample.render` turns it into bytes once the
server knows its addresses. Dates are absolute, computed from the generator's ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from govwatch.sample.truth import Truth

#: Placeholders in raw HTML fragments, replaced at render time with real base URLs (no trailing slash).
OUT = "@@OUT@@"  # the "outside world" host
DEAD = "@@DEAD@@"  # a loopback address where nothing listens (connection refused)


def site_ref(site_id: str) -> str:
    """Placeholder for another sample site's base URL."""
    return f"@@SITE:{site_id}@@"


@dataclass
class Attachment:
    name: str  # shown link text, e.g. "2026年低保对象名单.pdf"
    path: str
    kind: str  # pdf | docx
    title: str
    lines: list[str]


@dataclass
class Message:
    """One citizen message in a consult column."""

    asked: date
    answered: date | None
    asker: str
    question: str
    answer: str = ""
    status: str = ""  # 已答复 / 办理中 / 未答复


@dataclass
class Item:
    uid: int
    title: str
    date: date
    path: str
    paras: list[str]
    source: str = ""
    time: str = "09:30"
    html: str = ""  # raw extra HTML appended to the body (may hold placeholders)
    attachments: list[Attachment] = field(default_factory=list)
    related: list[tuple[str, Item]] = field(default_factory=list)  # (label, the linked item)
    message: Message | None = None
    doc_no: str = ""
    pinned: bool = False  # 置顶: listed first whatever its date


@dataclass
class ColumnSpec:
    id: str
    name: str
    category: str
    level: int
    path: str
    items: list[Item] = field(default_factory=list)
    max_age_days: int | None = None
    state: str = "ok"  # ok | blank | missing (404) | broken (500) | nodates
    parent: str | None = None  # name of the level-1 column a level-2 column sits under
    delay: float = 0.0  # seconds its list page takes to answer


@dataclass
class SiteSpec:
    id: str
    name: str
    short: str
    kind: str
    unit: str
    region: str
    family: str
    host: int  # last octet of its loopback address
    columns: list[ColumnSpec] = field(default_factory=list)
    has_services: bool | None = None  # None: the contract's default for the kind
    status: str = "ok"  # ok | down | flaky — read when serving starts ("down": 503 to everything)
    fail_every: int = 0  # read when serving starts: every n-th home-page request answers 503
    nav: list[tuple[str, str]] = field(default_factory=list)  # first-level navigation (text, href)
    footer_links: list[tuple[str, str]] = field(default_factory=list)
    friend_links: list[tuple[str, str]] = field(default_factory=list)
    home_html: str = ""  # raw extra HTML on the home page (tabs, planted links)
    home_items: list[Item] = field(default_factory=list)  # 要闻 shown only on the home page
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (title, raw body html)
    redirects: dict[str, str] = field(default_factory=dict)  # path -> in-site target path (301)
    errors: dict[str, int] = field(default_factory=dict)  # path -> HTTP status (e.g. a column answering 500)
    delays: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering
    sidebar: str = ""  # raw HTML beside every list page
    calendar: bool = False  # serves an endless 活动日历 (/rl/index.html?date=…), a crawler trap
    encoding: str = "utf-8"
    icp: str = ""
    police: str = ""
    since: int = 2006

    @property
    def services(self) -> bool:
        return self.has_services if self.has_services is not None else self.kind == "portal"

    def column(self, cid: str) -> ColumnSpec:
        return next(c for c in self.columns if c.id == cid)


#: column states whose page is not served (404) or fails (500): never linked from the site
UNSERVED = ("missing", "broken")


def display_order(items: list[Item]) -> list[Item]:
    """How a CMS lists items: pinned (置顶) first, then newest first."""
    return [i for i in items if i.pinned] + [i for i in items if not i.pinned]


@dataclass
class Post:
    title: str
    at: datetime  # aware, Asia/Shanghai
    text: str
    link: str  # path on the outside host


@dataclass
class AccountSpec:
    id: str
    name: str
    platform: str
    unit: str
    region: str
    feed_format: str  # rss | atom | json
    posts: list[Post] = field(default_factory=list)
    menu: dict[str, Any] | None = None  # WeChat get_current_selfmenu_info body (URLs may hold placeholders)
    interaction_path: str | None = None  # path on the outside host, or None
    utc_times: bool = False  # feed timestamps written in UTC (GMT / Z) instead of +08:00
    oldest_first: bool = False  # feed entries in ascending order

    @property
    def feed_path(self) -> str:
        ext = {"rss": "xml", "atom": "atom", "json": "json"}[self.feed_format]
        return f"/feeds/{self.id}.{ext}"

    @property
    def menu_path(self) -> str | None:
        return f"/wx/{self.id}/menu.json" if self.menu is not None else None


@dataclass
class ContactSpec:
    name: str
    email: str
    mobile: str
    role: str = "primary"


@dataclass
class UnitSpec:
    id: str
    name: str
    parent: str | None
    contacts: list[ContactSpec] = field(default_factory=list)


@dataclass
class Province:
    """A generated province: targets, contents, and the findings a correct checker should produce."""

    as_of: date
    seed: int
    name: str
    city: str
    units: list[UnitSpec]
    sites: list[SiteSpec]
    accounts: list[AccountSpec]
    truth: Truth
    outside_host: int = 200
    #: a loopback address nothing listens on, for links whose host refuses connections
    dead_host: int = 201
    holdout: bool = False
    #: the site whose availability tests switch on and off (``ServedProvince.set_state``)
    flaky_site: str = ""
    #: the site that answers 503 to everything
    down_site: str = ""
    #: outside pages (path -> (title, raw html)); also the feed/menu/interaction host
    outside_pages: dict[str, tuple[str, str]] = field(default_factory=dict)

    def site(self, sid: str) -> SiteSpec:
        return next(s for s in self.sites if s.id == sid)

    def account(self, aid: str) -> AccountSpec:
        return next(a for a in self.accounts if a.id == aid)

    def column_count(self) -> int:
        return sum(len(s.columns) for s in self.sites)
