"""The registry: units (with contacts), sites (with columns) and new-media accounts (contract §3)."""

from __future__ import annotations

from dataclasses import dataclass, field

UNIT_ID_RE = r"^[a-z0-9_-]+$"
# 网站标识码: 6-digit region code + 4 digits, or "bm" + 8 digits (departments of the State Council).
SITE_ID_RE = r"^(\d{10}|bm\d{8})$"
TARGET_ID_RE = r"^[A-Za-z0-9_.\-]+$"
MOBILE_RE = r"^1[3-9]\d{9}$"
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"

SITE_KINDS = ("portal", "department")
CATEGORIES = ("news", "notice", "policy", "interpretation", "consult", "personnel", "planning", "other")
PLATFORMS = ("wechat", "weibo", "douyin", "kuaishou", "toutiao", "other")
CONTACT_ROLES = ("primary", "backup", "leader", "other")

CATEGORY_NAMES = {
    "news": "工作动态",
    "notice": "通知公告",
    "policy": "政策文件",
    "interpretation": "政策解读",
    "consult": "咨询留言",
    "personnel": "人事信息",
    "planning": "规划计划",
    "other": "其他",
}
PLATFORM_NAMES = {
    "wechat": "微信公众号",
    "weibo": "新浪微博",
    "douyin": "抖音",
    "kuaishou": "快手",
    "toutiao": "今日头条",
    "other": "其他",
}


@dataclass
class Contact:
    name: str
    email: str | None = None
    mobile: str | None = None
    role: str = "primary"


@dataclass
class Unit:
    id: str
    name: str
    parent: str | None = None
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Column:
    id: str
    name: str
    url: str
    category: str
    level: int = 1
    max_age_days: int | None = None


@dataclass
class Site:
    id: str
    name: str
    url: str
    kind: str
    unit: str
    region: str = ""
    has_services: bool = True
    columns: list[Column] = field(default_factory=list)


@dataclass
class Account:
    id: str
    name: str
    platform: str
    unit: str
    feed_url: str
    region: str = ""
    menu_url: str | None = None
    interaction_url: str | None = None


@dataclass
class Registry:
    units: list[Unit] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)

    def unit(self, uid: str) -> Unit | None:
        return next((u for u in self.units if u.id == uid), None)
