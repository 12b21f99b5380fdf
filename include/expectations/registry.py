"""Suite `registry`: the units, contacts, sites, columns and accounts that every check and mail relies on.

Active rows only (a deactivated target is history, not something a run judges). References are turned
into ``unknown_*`` columns by the SQL (the referenced id when it names no active row, else null), so the
failure shows the dangling id itself.
"""

from __future__ import annotations

from govwatch.quality._gx import gxe
from govwatch.quality.spec import Batch, SuiteContext, named, nocapture
from govwatch.registry.model import (
    CATEGORIES,
    CONTACT_ROLES,
    EMAIL_RE,
    MOBILE_RE,
    PLATFORMS,
    SITE_ID_RE,
    SITE_KINDS,
    TARGET_ID_RE,
    UNIT_ID_RE,
)

SUITE = "registry"
TITLE = "登记信息 / registry"

#: An absolute http(s) URL with a host and no blanks.
URL_RE = r"^https?://[^\s/?#]+(?:[/?#]\S*)?$"


def _url(name: str, column: str, what: str) -> object:
    return named(
        gxe.ExpectColumnValuesToMatchRegex, name,
        f"{what}应为 http(s) 网址 / {column} must be an http(s) URL",
        column=column, regex=URL_RE,
    )  # fmt: skip


UNITS_SQL = """
SELECT u.id AS key, u.id, u.name, u.parent_id,
       CASE WHEN u.parent_id IS NOT NULL AND p.id IS NULL THEN u.parent_id END AS unknown_parent,
       CASE WHEN EXISTS (SELECT 1 FROM sites s WHERE s.unit_id = u.id AND s.active)
              OR EXISTS (SELECT 1 FROM accounts a WHERE a.unit_id = u.id AND a.active)
            THEN (SELECT count(*) FROM contacts c
                  WHERE c.unit_id = u.id AND (COALESCE(c.email, '') <> '' OR COALESCE(c.mobile, '') <> ''))
       END AS owner_contacts
FROM units u LEFT JOIN units p ON p.id = u.parent_id AND p.active
WHERE u.active
ORDER BY u.id
"""


def _units(ctx: SuiteContext) -> list[object]:
    return [
        named(gxe.ExpectColumnValuesToNotBeNull, "unit_id_present", "单位标识不能为空 / unit id is required",
              column="id"),
        named(gxe.ExpectColumnValuesToMatchRegex, "unit_id_format",
              "单位标识只能含小写字母、数字、_ 和 - / unit id: lower-case letters, digits, _ and - only",
              column="id", regex=nocapture(UNIT_ID_RE)),
        named(gxe.ExpectColumnValuesToBeUnique, "unit_id_unique", "单位标识重复 / unit ids must be unique",
              column="id"),
        named(gxe.ExpectColumnValuesToBeNull, "unit_parent_known",
              "上级单位未登记或已停用 / the supervising unit is not a registered active unit",
              column="unknown_parent"),
        named(gxe.ExpectColumnValuesToBeBetween, "unit_has_contact",
              "有网站或新媒体的单位没有可用联系人，提醒无法送达 / a unit with sites or accounts has no "
              "contact with an email or mobile: its reminders cannot be delivered",
              column="owner_contacts", min_value=1, severity="warning"),
    ]  # fmt: skip


CONTACTS_SQL = """
SELECT c.unit_id || '#' || (c.seq + 1) AS key, c.unit_id, c.role,
       NULLIF(c.email, '') AS email, NULLIF(c.mobile, '') AS mobile,
       COALESCE(NULLIF(c.email, ''), NULLIF(c.mobile, '')) AS channel
FROM contacts c JOIN units u ON u.id = c.unit_id AND u.active
ORDER BY c.unit_id, c.seq
"""


def _contacts(ctx: SuiteContext) -> list[object]:
    return [
        named(gxe.ExpectColumnValuesToNotBeNull, "contact_has_channel",
              "联系人既无电子邮箱也无手机号 / a contact needs an email or a mobile number", column="channel"),
        named(gxe.ExpectColumnValuesToMatchRegex, "contact_email_format",
              "电子邮箱格式不正确 / not a valid email address", column="email", regex=nocapture(EMAIL_RE)),
        named(gxe.ExpectColumnValuesToMatchRegex, "contact_mobile_format",
              "手机号应为 11 位、以 13–19 开头 / not a mainland mobile number (11 digits, 1[3-9]…)",
              column="mobile", regex=nocapture(MOBILE_RE)),
        named(gxe.ExpectColumnValuesToBeInSet, "contact_role_known",
              f"联系人角色应为 {'/'.join(CONTACT_ROLES)} / role must be one of {', '.join(CONTACT_ROLES)}",
              column="role", value_set=list(CONTACT_ROLES)),
    ]  # fmt: skip


SITES_SQL = """
SELECT s.id AS key, s.id, s.url, s.kind, s.unit_id,
       CASE WHEN u.id IS NULL THEN s.unit_id END AS unknown_unit
FROM sites s LEFT JOIN units u ON u.id = s.unit_id AND u.active
WHERE s.active
ORDER BY s.id
"""


def _sites(ctx: SuiteContext) -> list[object]:
    return [
        named(gxe.ExpectColumnValuesToNotBeNull, "site_id_present", "网站标识码不能为空 / site id is required",
              column="id"),
        named(gxe.ExpectColumnValuesToMatchRegex, "site_id_format",
              "网站标识码应为 10 位：6 位区划码 + 4 位数字，或 bm + 8 位数字 / a 网站标识码 is 10 characters: "
              "6-digit region code + 4 digits, or bm + 8 digits",
              column="id", regex=nocapture(SITE_ID_RE)),
        named(gxe.ExpectColumnValuesToBeUnique, "site_id_unique", "网站标识码重复 / site ids must be unique",
              column="id"),
        _url("site_url_format", "url", "网站地址"),
        named(gxe.ExpectColumnValuesToBeUnique, "site_url_unique",
              "多个网站登记了同一地址 / several sites are registered with the same URL",
              column="url", severity="warning"),
        named(gxe.ExpectColumnValuesToBeInSet, "site_kind_known",
              f"网站类型应为 {'/'.join(SITE_KINDS)} / kind must be one of {', '.join(SITE_KINDS)}",
              column="kind", value_set=list(SITE_KINDS)),
        named(gxe.ExpectColumnValuesToBeNull, "site_unit_known",
              "主办单位未登记或已停用 / the site's unit is not a registered active unit", column="unknown_unit"),
    ]  # fmt: skip


COLUMNS_SQL = """
SELECT c.site_id || '/' || c.id AS key, c.site_id, c.id, c.url, c.category, c.level, c.max_age_days,
       CASE WHEN s.id IS NULL THEN c.site_id END AS unknown_site
FROM columns c LEFT JOIN sites s ON s.id = c.site_id AND s.active
WHERE c.active
ORDER BY c.site_id, c.seq, c.id
"""


def _columns(ctx: SuiteContext) -> list[object]:
    return [
        named(gxe.ExpectColumnValuesToMatchRegex, "column_id_format",
              "栏目标识只能含字母、数字、_ . - / column id: letters, digits, _ . - only",
              column="id", regex=nocapture(TARGET_ID_RE)),
        named(gxe.ExpectCompoundColumnsToBeUnique, "column_id_unique",
              "同一网站内栏目标识重复 / column ids must be unique within a site", column_list=["site_id", "id"]),
        _url("column_url_format", "url", "栏目地址"),
        named(gxe.ExpectColumnValuesToBeInSet, "column_category_known",
              f"栏目类别应为 {'/'.join(CATEGORIES)} / category must be one of {', '.join(CATEGORIES)}",
              column="category", value_set=list(CATEGORIES)),
        named(gxe.ExpectColumnValuesToBeBetween, "column_level_positive",
              "栏目级别应为 1、2… / level must be 1, 2, …", column="level", min_value=1),
        named(gxe.ExpectColumnValuesToBeBetween, "column_max_age_positive",
              "更新期限应为正的天数 / max_age_days must be a positive number of days",
              column="max_age_days", min_value=1),
        named(gxe.ExpectColumnValuesToBeNull, "column_site_known",
              "栏目所属网站未登记或已停用 / the column's site is not a registered active site",
              column="unknown_site"),
    ]  # fmt: skip


ACCOUNTS_SQL = """
SELECT a.id AS key, a.id, a.platform, a.unit_id, a.feed_url,
       NULLIF(a.menu_url, '') AS menu_url, NULLIF(a.interaction_url, '') AS interaction_url,
       CASE WHEN u.id IS NULL THEN a.unit_id END AS unknown_unit
FROM accounts a LEFT JOIN units u ON u.id = a.unit_id AND u.active
WHERE a.active
ORDER BY a.id
"""


def _accounts(ctx: SuiteContext) -> list[object]:
    return [
        named(gxe.ExpectColumnValuesToMatchRegex, "account_id_format",
              "新媒体账号标识只能含字母、数字、_ . - / account id: letters, digits, _ . - only",
              column="id", regex=nocapture(TARGET_ID_RE)),
        named(gxe.ExpectColumnValuesToBeUnique, "account_id_unique",
              "新媒体账号标识重复 / account ids must be unique", column="id"),
        named(gxe.ExpectColumnValuesToBeInSet, "account_platform_known",
              f"平台应为 {'/'.join(PLATFORMS)} / platform must be one of {', '.join(PLATFORMS)}",
              column="platform", value_set=list(PLATFORMS)),
        _url("account_feed_url_format", "feed_url", "订阅地址"),
        _url("account_menu_url_format", "menu_url", "菜单地址"),
        _url("account_interaction_url_format", "interaction_url", "互动地址"),
        named(gxe.ExpectColumnValuesToBeNull, "account_unit_known",
              "账号主办单位未登记或已停用 / the account's unit is not a registered active unit",
              column="unknown_unit"),
    ]  # fmt: skip


BATCHES = (
    Batch("units", "单位 / units", UNITS_SQL, _units),
    Batch("contacts", "联系人 / contacts", CONTACTS_SQL, _contacts),
    Batch("sites", "网站 / sites", SITES_SQL, _sites),
    Batch("columns", "栏目 / columns", COLUMNS_SQL, _columns),
    Batch("accounts", "政务新媒体 / accounts", ACCOUNTS_SQL, _accounts),
)
