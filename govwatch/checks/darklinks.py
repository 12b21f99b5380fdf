"""外链暗链: links to outside domains that a visitor cannot see.

Public API
----------
``hidden_outside_links(html, page_url, *, site_hosts, include_interactive=False) -> list[HiddenLink]``
    ``HiddenLink(url, text, reason, interactive, scripted)`` for every ``<a href>`` / ``<area href>`` that points
    to an outside domain (neither a host in ``site_hosts``, nor one of their subdomains, nor a host
    under the same registered domain, e.g. ``xxgk.example.gov.cn`` for ``www.example.gov.cn``) and that
    no visitor can see. Visibility comes from ``govwatch.extract.text.analyse``: inline styles and the
    page's own ``<style>`` rules, inherited from ancestors (display:none, visibility:hidden, ``hidden``,
    zero size with overflow hidden, zero-size ``<marquee>``, off-screen positioning, text-indent
    -9999px, font-size 0, opacity 0, clip, text coloured like its background). A link whose image is
    still visible is visible. Hiding that belongs to tab panels, drop-down menus and carousels
    (``interactive``) is left out unless ``include_interactive``; so are links inside ``<noscript>`` (usually
    statistics counters). Markup that an inline script writes with ``document.write`` (string literals,
    ``\\x3c`` / ``%3C`` escapes) is judged too, with the page's own ``<style>`` rules and the hiding of the
    script's parent element (``scripted=True``). ``html`` may be str, bytes or a
    ``govwatch.extract.text.Page``.
``dark_link_findings(rules, html, page_url, *, site_id, unit_id, site_hosts, blacklist=None) -> list[Finding]``
    ``dark_link`` findings (target: the site; ``evidence_key`` = the hidden link's URL). Severity comes
    from the rules profile (deduct); it is ``veto`` when the target URL or the link text matches the
    gambling / pornography list and ``checks.dark_link.veto_when_listed`` is true. A listed link fires
    even when hidden in a tab panel or inside ``<noscript>``.
``Blacklist.load(rules_dir=None)`` / ``Blacklist.match(url, text) -> str | None``
    The list in ``<rules_dir>/dict/blacklist.yaml`` (``domains``: URL fragments, ``words``: words).
``is_outside(url, site_hosts)``, ``registered_domain(host)``
    The same-site rule used above (``example.gov.cn`` style registrations under gov/edu/com/net/org …).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from lxml import etree

from govwatch.errors import InputError
from govwatch.extract.html import absolute, norm_text
from govwatch.extract.text import HARD_REASONS, Page, Visibility, parse_page
from govwatch.findings import Finding, make
from govwatch.rules import Rules

REASON_TITLES = {
    "display:none": "display:none 不显示",
    "hidden": "hidden 属性隐藏",
    "opacity:0": "透明度为0",
    "zero-size": "零尺寸并隐藏溢出",
    "off-screen": "定位到屏幕之外",
    "clip": "裁剪为零",
    "transform": "缩放为零",
    "visibility:hidden": "visibility:hidden 不可见",
    "font-size:0": "字号为0",
    "text-indent": "文字缩进到屏幕之外",
    "color": "文字颜色与背景相同",
    "noscript": "仅在禁用脚本时显示（noscript）",
}

# Second-level labels under which registrations are made (example.gov.cn, example.com.cn …).
_SECOND_LEVEL = frozenset("gov edu com net org ac mil co ltd ne or go gob nic".split())


@dataclass(frozen=True)
class HiddenLink:
    url: str
    text: str
    reason: str
    interactive: bool = False
    scripted: bool = False  # written by an inline script's document.write


@dataclass(frozen=True)
class Blacklist:
    """Gambling / pornography URL fragments and words."""

    domains: tuple[str, ...]
    words: tuple[str, ...]

    @classmethod
    def load(cls, rules_dir: str | Path | None = None) -> Blacklist:
        if rules_dir is None:
            from govwatch.settings import get_settings

            rules_dir = get_settings().rules_dir
        path = Path(rules_dir) / "dict" / "blacklist.yaml"
        if not path.exists():
            path = Path(rules_dir) / "blacklist.yaml"
        return _load_blacklist(str(path), os.stat(path).st_mtime_ns)

    def match(self, url: str, text: str = "") -> str | None:
        """The fragment or word that lists this link, or None."""
        low = unquote(url).lower()
        for frag in self.domains:
            if frag in low:
                return frag
        hay = f"{text} {unquote(url)}".lower()
        for word in self.words:
            if word in hay:
                return word
        return None


@lru_cache(maxsize=4)
def _load_blacklist(path: str, _mtime: int) -> Blacklist:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: must be a mapping with `domains` and `words`")
    out: dict[str, tuple[str, ...]] = {}
    for key in ("domains", "words"):
        items = data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(x, str | int) and str(x).strip() for x in items):
            raise InputError(f"{path}: `{key}` must be a list of non-empty strings")
        out[key] = tuple(str(x).strip().lower() for x in items)
    return Blacklist(out["domains"], out["words"])


# ----------------------------------------------------------------------------------------- hosts
def registered_domain(host: str) -> str:
    """``www.example.gov.cn`` → ``example.gov.cn``; ``a.b.example.com`` → ``example.com``; IPs unchanged."""
    host = host.lower().strip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    parts = host.split(".")
    if len(parts) <= 2:
        return host
    if parts[-2] in _SECOND_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_outside(url: str, site_hosts: Iterable[str]) -> bool:
    """True when ``url`` leaves the site: not a site host, subdomain, or same registered domain."""
    host = _host(url)
    if not host:
        return False
    for site in site_hosts:
        site = (_host(site) if "://" in site else site.split(":")[0]).lower().strip(".")
        if not site:
            continue
        if host == site or host.endswith("." + site) or registered_domain(host) == registered_domain(site):
            return False
    return True


# ----------------------------------------------------------------------------------------- links
def _has_own_text(el: etree._Element) -> bool:
    if el.text and el.text.strip():
        return True
    return any(c.tail and c.tail.strip() for c in el)


def _link_hidden(a: etree._Element, vis: Visibility) -> tuple[str, etree._Element] | None:
    """(reason, element carrying it) when none of the link's content is visible, else None."""
    content: list[etree._Element] = []
    for el in a.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "img":
            if not vis.image_hidden.get(el, True):
                return None
            content.append(el)
        elif _has_own_text(el):
            if vis.reason(el) is None:
                return None
            content.append(el)
    if content:
        first = content[0]
        reason = vis.reason(first)
        if reason is None:  # a hidden image: hidden by its ancestors' hard reason
            reason = vis.reason(a) or "zero-size"
        return reason, first
    # An empty link is usually an icon drawn by an external stylesheet: judge it only by hard hiding.
    reason = vis.reason(a)
    if reason in HARD_REASONS or reason == "visibility:hidden":
        return reason, a
    return None


def hidden_outside_links(
    html: str | bytes | Page,
    page_url: str,
    *,
    site_hosts: Iterable[str],
    include_interactive: bool = False,
) -> list[HiddenLink]:
    """Links to outside domains that a visitor cannot see (see the module docstring)."""
    page = parse_page(html, base_url=page_url)
    root, vis = page.root, page.vis
    hosts = list(site_hosts) or [_host(page_url)]
    base = page_url
    base_el = root.find(".//base[@href]")
    if base_el is not None:
        try:
            base = absolute(page_url, base_el.get("href")) or page_url
        except ValueError:
            base = page_url
    seen: set[str] = set()
    out: list[HiddenLink] = []
    body = root.find("body")
    _collect(body if body is not None else root, vis, base, hosts, seen, out, include_interactive)
    for script in root.iter("script"):
        if script.get("src") or not script.text or "write" not in script.text:
            continue
        written = _document_write(script.text)
        if not written or "<a" not in written.lower():
            continue
        styles = "".join(f"<style>{''.join(st.itertext())}</style>" for st in root.iter("style"))
        try:
            sub = parse_page(f"<html><head>{styles}</head><body>{written}</body></html>", base_url=page_url)
        except Exception:  # noqa: BLE001 - script output is arbitrary text
            continue
        parent = script.getparent()
        inherited = vis.reason(parent) if parent is not None else None
        if inherited is not None and (
            vis.interactive(parent) or inherited not in (*HARD_REASONS, "visibility:hidden")
        ):
            inherited = None
        scope = sub.root.find("body")
        _collect(
            scope if scope is not None else sub.root,
            sub.vis,
            base,
            hosts,
            seen,
            out,
            include_interactive,
            inherited=inherited,
            scripted=True,
        )
    return out


def _collect(
    scope: etree._Element,
    vis: Visibility,
    base: str,
    hosts: list[str],
    seen: set[str],
    out: list[HiddenLink],
    include_interactive: bool,
    *,
    inherited: str | None = None,
    scripted: bool = False,
) -> None:
    for a in scope.iter("a", "area"):
        try:
            url = absolute(base, a.get("href"))
        except ValueError:  # a malformed href (e.g. "http://[::1") is no link a visitor can follow
            continue
        if not url or url in seen or not is_outside(url, hosts):
            continue
        forced_interactive = False
        found: tuple[str, etree._Element] | None
        if any(anc.tag in ("noscript", "template") for anc in a.iterancestors()):
            # Invisible with scripts on, but usually a statistics counter (站长统计): reported only as
            # "interactive", so that only a listed target makes it a dark link.
            found, forced_interactive = ("noscript", a), True
        else:
            found = _link_hidden(a, vis)
            if found is None and inherited is not None:
                found = (inherited, a)
        if found is None:
            continue
        reason, carrier = found
        interactive = forced_interactive or vis.interactive(carrier) or vis.interactive(a)
        if interactive and not include_interactive:
            continue
        seen.add(url)
        text = norm_text(a.text_content()) or norm_text(a.get("title"))
        if not text:
            img = a.find(".//img")
            text = norm_text(img.get("alt")) if img is not None else ""
        out.append(HiddenLink(url, text[:200], reason, interactive, scripted))


_WRITE_CALL = re.compile(r"document\s*\.\s*write(?:ln)?\s*\(")
_JS_STRING = re.compile(r"'((?:[^'\\\n]|\\.)*)'|\"((?:[^\"\\\n]|\\.)*)\"")
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)


def _js_unescape(s: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] in "xu" and len(e) > 1:
            return chr(int(e[1:], 16))
        return {"n": "\n", "t": "\t", "r": ""}.get(e, e)

    return _JS_ESCAPE.sub(one, s)


def _document_write(js: str) -> str:
    """The markup an inline script writes: the string literals inside its document.write(…) calls."""
    parts: list[str] = []
    for m in _WRITE_CALL.finditer(js):
        depth, i, n = 1, m.end(), len(js)
        quote = ""
        while i < n and depth:
            ch = js[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            i += 1
        for lit in _JS_STRING.finditer(js[m.end() : i]):
            parts.append(_js_unescape(lit.group(1) if lit.group(1) is not None else lit.group(2)))
    written = "".join(parts)
    if "%3c" in written.lower():
        written = unquote(written)
    return written


def dark_link_findings(
    rules: Rules,
    html: str | bytes | Page,
    page_url: str,
    *,
    site_id: str,
    unit_id: str | None,
    site_hosts: Iterable[str],
    blacklist: Blacklist | None = None,
) -> list[Finding]:
    """``dark_link`` findings of one page (veto when the link is on the gambling / pornography list)."""
    blacklist = blacklist if blacklist is not None else Blacklist.load()
    veto_listed = bool(rules.get("checks.dark_link.veto_when_listed", True))
    out: list[Finding] = []
    for link in hidden_outside_links(html, page_url, site_hosts=site_hosts, include_interactive=True):
        listed = blacklist.match(link.url, link.text)
        if link.interactive and not listed:
            continue  # a tab panel or menu the visitor opens: not a dark link
        how = REASON_TITLES.get(link.reason, link.reason)
        how += "，由脚本 document.write 写入" if link.scripted else ""
        evidence = f"隐藏的外部链接 {link.url}（链接文字“{link.text or '无'}”，隐藏方式：{how}）"
        if listed:
            evidence += f"，涉赌涉黄（命中“{listed}”）"
        out.append(
            make(
                rules,
                "dark_link",
                "site",
                site_id,
                evidence,
                severity="veto" if listed and veto_listed else None,
                site_id=site_id,
                unit_id=unit_id,
                evidence_key=link.url,
                evidence_url=page_url,
                extra={"reason": link.reason, "listed": listed, "link_text": link.text},
            )
        )
    return out
