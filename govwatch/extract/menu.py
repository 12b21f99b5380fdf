"""WeChat custom menus: find the interaction entries (留言, 咨询, 互动 …) of an account's menu.

Accepted shapes:

* ``get_current_selfmenu_info``: ``{"is_menu_open": 1, "selfmenu_info": {"button": [{…, "sub_button":
  {"list": […]}}]}}``;
* the menu create / ``menu/get`` API: ``{"button": [{…, "sub_button": […]}]}``, optionally wrapped in
  ``{"menu": {…}}``.

Which entries can *work* as an interaction channel (decided here, documented once):

* ``view``: a web page; it works when its URL answers (the caller fetches it);
* ``miniprogram``: opens a mini program inside WeChat, which cannot be opened from a server; WeChat
  refuses to save such an entry unless the mini program is bound to the account, so one with an
  ``appid`` and a ``pagepath`` counts as working (its ``url`` fallback, when present, is also checked);
* ``click``, ``text``, ``img``, ``news``, ``voice``, ``video``, ``media_id``, ``view_limited``,
  ``scancode_*``, ``pic_*``, ``location_select``: the answer is a canned reply or a device action, not a
  channel where the public can leave a message; they never count as working.

A menu with ``is_menu_open: 0`` has no working entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class MenuError(ValueError):
    """The body is not a menu JSON this module understands (the message names the problem)."""


@dataclass(frozen=True)
class MenuEntry:
    name: str  # "互动 / 我要留言" for a sub-entry
    type: str
    url: str | None
    appid: str | None = None
    pagepath: str | None = None

    @property
    def needs_url_check(self) -> bool:
        return self.type == "view" and bool(self.url)

    @property
    def works_without_fetch(self) -> bool:
        return self.type == "miniprogram" and bool(self.appid) and bool(self.pagepath)


@dataclass
class Menu:
    open: bool
    entries: list[MenuEntry]


def parse_menu(body: bytes | str) -> Menu:
    """Every leaf entry of a menu JSON, with the parent's name prefixed to sub-entries."""
    text = body.decode("utf-8-sig", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MenuError(f"menu is not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise MenuError("menu JSON must be an object")
    if "errcode" in data and data.get("errcode") not in (0, None) and "button" not in data:
        raise MenuError(f"WeChat API error {data.get('errcode')}: {data.get('errmsg', '')}")
    is_open = data.get("is_menu_open", 1) not in (0, "0", False)
    container: Any = data.get("selfmenu_info") or data.get("menu") or data
    buttons = container.get("button") if isinstance(container, dict) else None
    if buttons is None:
        if "is_menu_open" in data and not is_open:
            return Menu(open=False, entries=[])
        raise MenuError("menu JSON has no `button` list (expected selfmenu_info.button or button)")
    if not isinstance(buttons, list):
        raise MenuError("`button` must be a list")
    entries: list[MenuEntry] = []
    for b in buttons:
        if not isinstance(b, dict):
            continue
        name = str(b.get("name") or "").strip()
        subs = b.get("sub_button")
        if isinstance(subs, dict):
            subs = subs.get("list")
        if isinstance(subs, list) and subs:
            for s in subs:
                if isinstance(s, dict):
                    entries.append(_entry(s, prefix=name))
        else:
            entries.append(_entry(b))
    return Menu(open=is_open, entries=entries)


def _entry(b: dict[str, Any], prefix: str = "") -> MenuEntry:
    name = str(b.get("name") or "").strip()
    return MenuEntry(
        name=f"{prefix} / {name}" if prefix else name,
        type=str(b.get("type") or "").strip().lower(),
        url=(str(b["url"]).strip() or None) if b.get("url") else None,
        appid=b.get("appid"),
        pagepath=b.get("pagepath"),
    )


def interaction_entries(
    menu: Menu, words: list[str], excluded: list[str] | None = None, service_words: list[str] | None = None
) -> list[MenuEntry]:
    """Entries that are interaction channels.

    An entry counts when its own name holds an interaction word (留言, 咨询 …), or when it sits under a
    menu named so (互动 › 我要说) and its own name is not a service (办事, 服务 …: 互动 › 掌上办事 is a
    service entry). Words that are also service words (服务, 办事 in a broad profile) never make an
    interaction entry on their own; names with an excluded word (信访, 纪检 …) never count.
    """
    if not menu.open:
        return []
    excluded = excluded or []
    services = [w for w in (service_words or []) if w]
    strict = [w for w in words if w and not any(w in s or s in w for s in services)]
    out = []
    for e in menu.entries:
        if any(x in e.name for x in excluded):
            continue
        parent, _, own = e.name.rpartition(" / ")
        if any(w in own for w in strict):
            out.append(e)
        elif parent and any(w in parent for w in strict) and not any(s in own for s in services):
            out.append(e)
    return out
