"""What a visitor sees: visible page text, and the visibility model the dark-link check shares.

Public API
----------
``visible_text(html, *, base_url=None) -> str`` (``html``: str, bytes, or a :class:`Page`)
    The text a visitor reads on the page: scripts, styles, ``<noscript>``, ``<template>``, comments and
    ``<head>`` are dropped, and so is every element hidden by its inline style, by the page's own
    ``<style>`` rules (matched with cssselect, cascaded by specificity and ``!important``) or by inherited
    hiding (display:none, visibility:hidden, zero size with overflow hidden, off-screen positioning,
    font-size 0, opacity 0, text coloured like its background, ``hidden`` attribute). Block boundaries
    become newlines, so words never glue across blocks; line breaks in the source between two CJK
    characters are removed, as browsers do. Content hidden only because it is an inactive tab panel or
    a drop-down menu (:func:`analyse` marks such hiding as *interactive*) is kept: a visitor reads it
    with one click or hover.

``parse_page(html, *, base_url=None) -> Page``
    Parse and analyse once; pass the ``Page`` to ``visible_text`` and to
    ``govwatch.checks.darklinks.hidden_outside_links`` / ``dark_link_findings`` instead of the HTML.

``analyse(root) -> Visibility``
    The per-element visibility of a parsed tree (``govwatch.extract.html.parse``); used by
    ``govwatch.checks.darklinks``. External stylesheets are never fetched: only inline styles and the
    page's own ``<style>`` elements count.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import cssselect
import cssselect.parser as cssparser
import lxml.html
from lxml import etree

from govwatch.extract.html import parse

log = logging.getLogger(__name__)

#: Properties the visibility model reads; declarations of any other property are ignored.
_PROPS = frozenset(
    """display visibility opacity width height max-width max-height overflow overflow-x overflow-y position
    left top right bottom text-indent font-size font color background background-color background-image
    clip transform margin-left margin-top filter""".split()
)

#: Hiding that a descendant cannot undo.
HARD_REASONS = ("display:none", "hidden", "opacity:0", "zero-size", "off-screen", "clip", "transform")

_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "select", "option"})
_BLOCK_TAGS = frozenset(
    """address article aside blockquote body br center dd details dialog dir div dl dt fieldset figcaption
    figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html iframe legend li main menu nav ol p
    pre section summary table tbody td tfoot th thead tr ul caption marquee""".split()
)

_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_LENGTH_RE = re.compile(r"^([-+]?\d*\.?\d+)\s*(px|em|rem|pt|pc|cm|mm|in|vw|vh|%|ex|ch)?$")
_INTERACTIVE_NAME = re.compile(
    r"tab|menu|nav|drop|sub|panel|pane\b|slide|carousel|swiper|pop|modal|dialog|toggle|collapse|accordion"
    r"|scroll|switch|focus|banner|hover|more|layer|float|qrcode|ewm|erweima|share",
    re.I,
)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*(?=[{_CJK}])")

_NAMED_COLORS = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "yellow": "#ffff00",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "navy": "#000080",
    "maroon": "#800000",
    "purple": "#800080",
    "teal": "#008080",
    "olive": "#808000",
    "lime": "#00ff00",
    "aqua": "#00ffff",
    "fuchsia": "#ff00ff",
    "orange": "#ffa500",
    "snow": "#fffafa",
    "ivory": "#fffff0",
    "whitesmoke": "#f5f5f5",
    "ghostwhite": "#f8f8ff",
    "floralwhite": "#fffaf0",
    "linen": "#faf0e6",
    "azure": "#f0ffff",
    "mintcream": "#f5fffa",
    "honeydew": "#f0fff0",
    "seashell": "#fff5ee",
    "transparent": "transparent",
}
_WHITE = "#ffffff"
# Elements whose tag or attributes change the inherited state even without any style.
_STATEFUL_TAGS = frozenset({"a", "font", "marquee", "img", "body"})
_STATEFUL_ATTRS = ("hidden", "bgcolor", "background")
# Browsers paint unvisited links blue unless a rule says otherwise; links never inherit the text colour.
_LINK_DEFAULT = "#0000ee"


# --------------------------------------------------------------------------------------------- CSS
def parse_declarations(css: str) -> list[tuple[str, str, bool]]:
    """``prop: value [!important]`` pairs of a declaration block, relevant properties only."""
    out: list[tuple[str, str, bool]] = []
    for part in _COMMENT_RE.sub("", css or "").split(";"):
        if ":" not in part:
            continue
        prop, _, value = part.partition(":")
        prop = prop.strip().lower()
        if prop not in _PROPS:
            continue
        value = value.strip()
        important = False
        low = value.lower()
        if low.endswith("!important"):
            important = True
            value = value[: -len("!important")].strip()
        elif "!" in value:
            value = value.split("!")[0].strip()
        out.append((prop, value.lower(), important))
    return out


def _blocks(css: str) -> Iterable[tuple[str, str]]:
    """(prelude, body) of the top-level blocks of a stylesheet; @media screen/all blocks are flattened."""
    i, n = 0, len(css)
    while i < n:
        open_ = css.find("{", i)
        if open_ < 0:
            return
        prelude = css[i:open_].strip()
        depth, j = 1, open_ + 1
        while j < n and depth:
            ch = css[j]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            j += 1
        body = css[open_ + 1 : j - 1]
        i = j
        # A stray ';' (e.g. after @import/@charset) leaves the statement glued to the next prelude.
        if ";" in prelude:
            prelude = prelude.rsplit(";", 1)[1].strip()
        if prelude.startswith("@"):
            low = prelude.lower()
            # Conditional width queries style a different screen than the desktop visitor's; skip them.
            if low.startswith("@media") and "(" not in low and ("screen" in low or "all" in low):
                yield from _blocks(body)
            continue
        yield prelude, body


_translator = cssselect.HTMLTranslator()


@dataclass
class _Rule:
    spec: tuple[int, int, int, int]
    order: int
    decls: list[tuple[str, str, bool]]
    hover: bool = False
    # Fast path: compounds right to left, each (tag, id, classes, combinator to the next one on the left).
    chain: tuple[tuple[str | None, str | None, frozenset[str], str | None], ...] | None = None
    xpath: etree.XPath | None = None  # selectors the fast path does not cover


class _Unsupported(Exception):
    pass


def _compound(node: object) -> tuple[str | None, str | None, frozenset[str]]:
    tag: str | None = None
    ident: str | None = None
    classes: set[str] = set()
    while True:
        if isinstance(node, cssparser.Class):
            classes.add(node.class_name)
            node = node.selector
        elif isinstance(node, cssparser.Hash):
            if ident is not None and ident != node.id:
                raise _Unsupported
            ident = node.id
            node = node.selector
        elif isinstance(node, cssparser.Element):
            tag = node.element.lower() if node.element and node.element != "*" else None
            return tag, ident, frozenset(classes)
        else:
            raise _Unsupported


def _chain(tree: object) -> tuple[tuple[str | None, str | None, frozenset[str], str | None], ...]:
    out: list[tuple[str | None, str | None, frozenset[str], str | None]] = []
    node = tree
    while isinstance(node, cssparser.CombinedSelector):
        if node.combinator not in (" ", ">", "+", "~"):
            raise _Unsupported
        out.append((*_compound(node.subselector), node.combinator))
        node = node.selector
    out.append((*_compound(node), None))
    return tuple(out)


@lru_cache(maxsize=64)
def _compile_css(sheets: tuple[str, ...]) -> tuple[tuple[_Rule, ...], tuple[_Rule, ...]]:
    """Rules of a page's ``<style>`` texts (cached: the pages of one site share their styles)."""
    rules: list[_Rule] = []
    hover_rules: list[_Rule] = []
    order = 0
    for raw in sheets:
        # Old pages wrap their rules in <!-- … --> to hide them from ancient browsers.
        css = _COMMENT_RE.sub("", raw).replace("<!--", " ").replace("-->", " ")
        for prelude, body in _blocks(css):
            decls = parse_declarations(body)
            if not decls:
                continue
            for sel_text in prelude.split(","):
                sel_text = sel_text.strip()
                if not sel_text:
                    continue
                order += 1
                hover = bool(re.search(r":(hover|focus|active|focus-within)", sel_text, re.I))
                plain = re.sub(r":(hover|focus|active|focus-within|visited|link)\b", "", sel_text, flags=re.I)
                try:
                    parsed = cssselect.parse(plain)
                    if not parsed or parsed[0].pseudo_element:
                        continue
                    sel = parsed[0]
                    spec = (0, *sel.specificity())
                    try:
                        rule = _Rule(spec, order, decls, hover, chain=_chain(sel.parsed_tree))
                    except _Unsupported:
                        xp = etree.XPath(_translator.selector_to_xpath(sel, prefix="descendant-or-self::"))
                        rule = _Rule(spec, order, decls, hover, xpath=xp)
                except (cssselect.SelectorError, cssselect.ExpressionError, etree.XPathError, ValueError):
                    continue
                (hover_rules if hover else rules).append(rule)
    return tuple(rules), tuple(hover_rules)


def _stylesheet_rules(root: etree._Element) -> tuple[tuple[_Rule, ...], tuple[_Rule, ...]]:
    """Rules of the page's own ``<style>`` elements: (normal rules, rules that apply on :hover/:focus)."""
    sheets = []
    for style in root.iter("style"):
        media = (style.get("media") or "").lower()
        if media and "screen" not in media and "all" not in media:
            continue
        sheets.append("".join(style.itertext()))
    return _compile_css(tuple(sheets))


def _classes(el: etree._Element, cache: dict[etree._Element, frozenset[str]]) -> frozenset[str]:
    got = cache.get(el)
    if got is None:
        got = frozenset((el.get("class") or "").split())
        cache[el] = got
    return got


def _match(el: etree._Element, chain: tuple, i: int, cache: dict) -> bool:
    tag, ident, classes, comb = chain[i]
    if not isinstance(el.tag, str):
        return False
    if tag is not None and el.tag.lower() != tag:
        return False
    if ident is not None and el.get("id") != ident:
        return False
    if classes and not classes <= _classes(el, cache):
        return False
    if comb is None:
        return True
    if comb == " ":
        return any(_match(a, chain, i + 1, cache) for a in el.iterancestors())
    if comb == ">":
        parent = el.getparent()
        return parent is not None and _match(parent, chain, i + 1, cache)
    siblings = (s for s in el.itersiblings(preceding=True) if isinstance(s.tag, str))
    if comb == "+":
        prev = next(siblings, None)
        return prev is not None and _match(prev, chain, i + 1, cache)
    return any(_match(s, chain, i + 1, cache) for s in siblings)


def _el_keys(el: etree._Element, cache: dict[etree._Element, frozenset[str]]) -> list[str]:
    keys = ["t:" + el.tag.lower()]
    ident = el.get("id")
    if ident:
        keys.append("#" + ident)
    keys.extend("." + c for c in _classes(el, cache))
    return keys


def _compound_keys(tag: str | None, ident: str | None, classes: frozenset[str]) -> list[str]:
    keys = [f"t:{tag}"] if tag else []
    if ident:
        keys.append("#" + ident)
    keys.extend("." + c for c in classes)
    return keys


def _matched(root: etree._Element, rules: Iterable[_Rule]) -> Iterable[tuple[_Rule, etree._Element]]:
    """(rule, element) for every element each rule matches.

    Rules are indexed like a browser does: by the id, a class or the tag of their rightmost compound,
    and, when that is only a tag, also by one id/class an ancestor must carry. A walk keeps the set of
    the current element's ancestors' ids, classes and tags, so most candidate rules are rejected by one
    set comparison before the full selector is tried.
    """
    rules = list(rules)
    if not rules:
        return
    by_id: dict[str, list] = {}
    by_class: dict[str, list] = {}
    by_tag: dict[str, list] = {}
    by_anc: dict[tuple[str | None, str], list] = {}
    anywhere: list = []
    slow: list[_Rule] = []
    for rule in rules:
        if rule.chain is None:
            slow.append(rule)
            continue
        req: set[str] = set()
        for i in range(1, len(rule.chain)):
            if rule.chain[i - 1][3] in (" ", ">"):
                req.update(_compound_keys(*rule.chain[i][:3]))
        item = (rule, frozenset(req))
        tag, ident, classes, _ = rule.chain[0]
        if ident is not None:
            by_id.setdefault(ident, []).append(item)
        elif classes:
            by_class.setdefault(min(classes), []).append(item)
        elif req:
            strong = sorted(k for k in req if not k.startswith("t:")) or sorted(req)
            by_anc.setdefault((tag, strong[0]), []).append(item)
        elif tag is not None:
            by_tag.setdefault(tag, []).append(item)
        else:
            anywhere.append(item)
    cache: dict[etree._Element, frozenset[str]] = {}
    counts: dict[str, int] = {}
    ancestors: set[str] = set()
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, leaving = stack.pop()
        if leaving:
            for k in _el_keys(el, cache):
                counts[k] -= 1
                if not counts[k]:
                    ancestors.discard(k)
            continue
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        candidates: list = list(anywhere)
        ident = el.get("id")
        if ident and ident in by_id:
            candidates += by_id[ident]
        if by_class:
            for c in _classes(el, cache):
                if c in by_class:
                    candidates += by_class[c]
        if tag in by_tag:
            candidates += by_tag[tag]
        if by_anc:
            for k in ancestors:
                got = by_anc.get((tag, k))
                if got:
                    candidates += got
                got = by_anc.get((None, k))
                if got:
                    candidates += got
        for rule, req in candidates:
            if req <= ancestors and _match(el, rule.chain, 0, cache):
                yield rule, el
        for k in _el_keys(el, cache):
            n = counts.get(k, 0)
            counts[k] = n + 1
            if not n:
                ancestors.add(k)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    for rule in slow:
        if rule.xpath is None:
            continue
        try:
            for el in rule.xpath(root):
                if isinstance(el.tag, str):
                    yield rule, el
        except etree.XPathError:
            continue


def _cascade(root: etree._Element, rules: Iterable[_Rule]) -> dict[etree._Element, dict[str, str]]:
    """Cascaded values of the relevant properties for every element that has any."""
    best: dict[etree._Element, dict[str, tuple[tuple, str]]] = {}

    def put(el: etree._Element, prop: str, value: str, rank: tuple) -> None:
        slot = best.setdefault(el, {})
        cur = slot.get(prop)
        if cur is None or rank >= cur[0]:
            slot[prop] = (rank, value)

    for rule, el in _matched(root, rules):
        for prop, value, imp in rule.decls:
            put(el, prop, value, (imp, 0, rule.spec, rule.order))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        style = el.get("style")
        if style:
            for prop, value, imp in parse_declarations(style):
                put(el, prop, value, (imp, 1, (1, 0, 0, 0), 0))
    return {el: {p: v for p, (_, v) in slot.items()} for el, slot in best.items()}


def _px(value: str | None) -> float | None:
    """A CSS length in px (em/rem as 16px); None for percentages, keywords and anything unparsable."""
    if not value:
        return None
    m = _LENGTH_RE.match(value.strip())
    if not m:
        return None
    num, unit = float(m.group(1)), (m.group(2) or "px")
    if unit == "%":
        return 0.0 if num == 0 else None
    factor = {
        "px": 1,
        "em": 16,
        "rem": 16,
        "pt": 4 / 3,
        "pc": 16,
        "cm": 37.8,
        "mm": 3.78,
        "in": 96,
        "ex": 8,
        "ch": 8,
        "vw": 19.2,
        "vh": 10.8,
    }[unit]
    return num * factor


def _color(value: str | None) -> str | None:
    """Normalised colour (#rrggbb or 'transparent'); None when unknown."""
    if not value:
        return None
    v = value.strip().lower()
    if v in _NAMED_COLORS:
        return _NAMED_COLORS[v]
    m = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", v)
    if m:
        h = m.group(1)
        return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h)
    m = re.fullmatch(r"rgba?\(\s*(\d+)%?\s*[, ]\s*(\d+)%?\s*[, ]\s*(\d+)%?\s*(?:[,/]\s*([\d.]+%?)\s*)?\)", v)
    if m:
        alpha = m.group(4)
        if alpha is not None and float(alpha.rstrip("%")) == 0:
            return "transparent"
        return "#" + "".join(f"{min(int(x), 255):02x}" for x in m.group(1, 2, 3))
    if re.fullmatch(r"[0-9a-f]{6}", v):  # legacy attributes often omit the '#'
        return "#" + v
    return None


def _background(props: dict[str, str], el: etree._Element) -> str | None:
    """'unknown' for an image background, a colour when one is set, None when the element sets none."""
    img = props.get("background-image", "")
    bg = props.get("background", "")
    if "url(" in img or "url(" in bg or "gradient(" in bg or "gradient(" in img or el.get("background"):
        return "unknown"
    if "background-color" in props:
        c = _color(props["background-color"])
        return c if c != "transparent" else None
    if bg:
        for token in re.split(r"\s+(?![^(]*\))", bg):
            c = _color(token)
            if c:
                return c if c != "transparent" else None
        return None
    attr = el.get("bgcolor")
    if attr:
        c = _color(attr)
        return c if c != "transparent" else None
    return None


# ------------------------------------------------------------------------------------ visibility
@dataclass
class _State:
    hard: str | None = None  # reason from an ancestor (or self) that no descendant can undo
    hard_root: etree._Element | None = None
    vis_hidden: bool = False
    vis_root: etree._Element | None = None
    font_zero: bool = False
    indent_off: bool = False
    color: str | None = None  # explicit inherited text colour
    bg: str | None = None  # nearest background: colour, 'unknown' or None (canvas)
    reason: str | None = None  # the resulting reason for this element's own text, and its root
    reason_root: etree._Element | None = None


@dataclass
class Visibility:
    """Per-element visibility of one parsed page.

    ``reason(el)`` is why the element's own text is invisible (None when visible). ``hiding_root(el)``
    is the element whose style hides it, and ``interactive(root)`` tells whether that hiding is a tab
    panel, drop-down or carousel that a visitor opens with a click or hover.
    """

    reasons: dict[etree._Element, str] = field(default_factory=dict)
    roots: dict[etree._Element, etree._Element] = field(default_factory=dict)
    image_hidden: dict[etree._Element, bool] = field(default_factory=dict)
    interactive_roots: set[etree._Element] = field(default_factory=set)

    def reason(self, el: etree._Element) -> str | None:
        return self.reasons.get(el)

    def hiding_root(self, el: etree._Element) -> etree._Element | None:
        return self.roots.get(el)

    def interactive(self, el: etree._Element) -> bool:
        root = self.roots.get(el)
        return root is not None and root in self.interactive_roots

    def element_hidden(self, el: etree._Element) -> str | None:
        """Why ``el``'s whole content (text and images) is invisible, else None."""
        r = self.reasons.get(el)
        if r is None:
            return None
        if r in HARD_REASONS or r in ("visibility:hidden",):
            return r
        # Text-only hiding (font-size 0, text-indent, colour): a visible image inside still shows.
        for img in el.iter("img"):
            if not self.image_hidden.get(img, True):
                return None
        return r


def analyse(root: etree._Element) -> Visibility:
    """Compute the visibility of every element of a parsed page."""
    rules, hover_rules = _stylesheet_rules(root)
    styles = _cascade(root, rules)
    has_external_css = any("stylesheet" in (el.get("rel") or "").lower() for el in root.iter("link"))
    canvas = None if has_external_css else _WHITE
    vis = Visibility()
    body = root.find("body")
    start = body if body is not None else root
    stack: list[tuple[etree._Element, _State]] = [(start, _State(bg=canvas))]
    # The body's own background usually comes from <body bgcolor> or a body rule.
    while stack:
        el, parent = stack.pop()
        if not isinstance(el.tag, str):
            continue
        props = styles.get(el)
        tag = el.tag.lower()
        if not props and tag not in _STATEFUL_TAGS and not any(a in el.attrib for a in _STATEFUL_ATTRS):
            # Nothing on this element changes what it inherits: share the parent's state (most elements).
            if parent.reason is not None:
                vis.reasons[el] = parent.reason
                if parent.reason_root is not None:
                    vis.roots[el] = parent.reason_root
            stack.extend((child, parent) for child in reversed(el))
            continue
        props = props or {}
        st = _State(**parent.__dict__)

        # Hard hiding (cannot be undone by descendants).
        if st.hard is None:
            reason = _hard_reason(el, tag, props)
            if reason:
                st.hard, st.hard_root = reason, el

        vis_val = props.get("visibility")
        if vis_val in ("hidden", "collapse"):
            st.vis_hidden, st.vis_root = True, el
        elif vis_val == "visible":
            st.vis_hidden, st.vis_root = False, None

        fs = props.get("font-size")
        if fs is None and "font" in props:
            m = re.search(r"(?:^|\s)(\d*\.?\d+(?:px|em|rem|pt|%)?)\s*(?:/|\s)", props["font"] + " ")
            fs = m.group(1) if m else None
        if fs is not None:
            px = _px(fs)
            if px is not None and px <= 0:
                st.font_zero = True
            elif fs.endswith(("em", "%")) and not fs.endswith("rem"):
                pass  # relative to a zero parent stays zero
            elif px is not None or fs in (
                "small",
                "medium",
                "large",
                "x-small",
                "x-large",
                "smaller",
                "larger",
            ):
                st.font_zero = False if fs not in ("smaller",) else st.font_zero

        if "text-indent" in props:
            ti = _px(props["text-indent"])
            st.indent_off = ti is not None and ti <= -500 and _background(props, el) != "unknown"

        own_color = _color(props.get("color")) if "color" in props else None
        if props.get("color") == "inherit":
            own_color = parent.color
        if own_color is None and tag == "font" and el.get("color"):
            own_color = _color(el.get("color"))
        if own_color is not None:
            st.color = own_color
        elif tag == "a":
            st.color = _LINK_DEFAULT

        bg = _background(props, el)
        if bg is not None:
            st.bg = bg

        reason = st.hard
        root_el = st.hard_root
        if reason is None and st.vis_hidden:
            reason, root_el = "visibility:hidden", st.vis_root
        if reason is None and st.font_zero:
            reason = "font-size:0"
        if reason is None and st.indent_off:
            reason = "text-indent"
        if (
            reason is None
            and st.color is not None
            and st.bg not in (None, "unknown")
            and (st.color == st.bg or st.color == "transparent")
        ):
            reason = "color"
        if reason is None and st.color == "transparent":
            reason = "color"
        st.reason, st.reason_root = reason, root_el
        if reason is not None:
            vis.reasons[el] = reason
            if root_el is not None:
                vis.roots[el] = root_el
        if tag == "img":
            w, h = _px(el.get("width")), _px(el.get("height"))
            vis.image_hidden[el] = (
                st.hard is not None
                or st.vis_hidden
                or (w is not None and w <= 1)
                or (h is not None and h <= 1)
            )
        for child in reversed(el):
            stack.append((child, st))

    _mark_interactive(root, vis, styles, hover_rules)
    return vis


def _hard_reason(el: etree._Element, tag: str, props: dict[str, str]) -> str | None:
    if props.get("display") == "none":
        return "display:none"
    if el.get("hidden") is not None and "display" not in props:
        return "hidden"
    if re.search(r"opacity\s*=\s*0*(?:\.0+)?\s*\)", props.get("filter", "")):  # IE's filter:alpha(opacity=0)
        return "opacity:0"
    op = props.get("opacity")
    if op is not None:
        try:
            if float(op.rstrip("%")) <= 0:
                return "opacity:0"
        except ValueError:
            pass
    overflow = " ".join(props.get(k, "") for k in ("overflow", "overflow-x", "overflow-y"))
    clipped = "hidden" in overflow or "clip" in overflow or tag == "marquee"
    sizes = [
        _px(props.get("width")),
        _px(props.get("height")),
        _px(props.get("max-width")),
        _px(props.get("max-height")),
    ]
    if tag == "marquee":
        sizes += [_px(el.get("width")), _px(el.get("height"))]
    if clipped and any(s is not None and s <= 1 for s in sizes):
        return "zero-size"
    position = props.get("position", "static")
    if position in ("absolute", "fixed", "relative"):
        for side in ("left", "top", "right", "bottom"):
            v = _px(props.get(side))
            if v is not None and v <= -200:
                return "off-screen"
        v = _px(props.get("left"))
        if v is not None and v >= 3000 and position != "relative":
            return "off-screen"
        clip = props.get("clip", "")
        if position != "relative" and clip.startswith("rect("):
            nums = [_px(x) for x in re.split(r"[\s,]+", clip[5:].rstrip(") ").strip()) if x]
            if nums and all(n is not None and abs(n) <= 1 for n in nums):
                return "clip"
    for side in ("margin-left", "margin-top"):
        v = _px(props.get(side))
        if v is not None and v <= -500:
            return "off-screen"
    tf = props.get("transform", "")
    if re.search(r"scale[xy]?\(\s*0(\.0+)?\s*[,)]", tf):
        return "transform"
    for m in re.finditer(r"translate(?:[xy]|3d)?\(([^)]*)\)", tf):
        if any((v := _px(x)) is not None and v <= -500 for x in re.split(r"[\s,]+", m.group(1).strip())):
            return "off-screen"
    return None


def _mark_interactive(
    root: etree._Element,
    vis: Visibility,
    styles: dict[etree._Element, dict[str, str]],
    hover_rules: Iterable[_Rule],
) -> None:
    """Decide which hiding roots are tab panels, drop-down menus or carousels (revealed on interaction)."""
    hover_revealed: set[etree._Element] = set()
    revealing = [
        r
        for r in hover_rules
        if any(p in ("display", "visibility", "opacity", "left", "top") for p, _, _ in r.decls)
    ]
    if revealing:
        hover_revealed.update(el for _, el in _matched(root, revealing))
    script_text = " ".join(
        [t for s in root.iter("script") for t in s.itertext()]
        + [
            v
            for el in root.iter()
            if isinstance(el.tag, str)
            for k, v in el.attrib.items()
            if k.lower().startswith("on") or (k == "href" and v.strip().lower().startswith("javascript"))
        ]
    )
    for hroot in set(vis.roots.values()):
        if _is_interactive(hroot, vis, hover_revealed, script_text):
            vis.interactive_roots.add(hroot)


def _names(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _is_interactive(
    el: etree._Element, vis: Visibility, hover_revealed: set[etree._Element], script_text: str
) -> bool:
    if el in hover_revealed:
        return True
    parent = el.getparent()
    classes = set((el.get("class") or "").split())
    ident = el.get("id") or ""
    if parent is not None:
        # Tab panels and carousel slides: siblings of the same kind (a shared class, or ids that differ
        # only in their numbers), at least one of them shown.
        stem = re.sub(r"\d+", "#", ident) if ident else ""
        same_tag = [s for s in parent if s is not el and isinstance(s.tag, str) and s.tag == el.tag]
        group = [
            s
            for s in same_tag
            if (classes and classes & set((s.get("class") or "").split()))
            or (stem and "#" in stem and re.sub(r"\d+", "#", s.get("id") or "") == stem)
        ]
        if group and any(vis.roots.get(s) is not s for s in group):
            return True
        if group and (_INTERACTIVE_NAME.search(_names(el)) or script_text.strip()):
            # Panels of one kind that are all closed until a script (or hover) opens one of them.
            return True
        # Carousel slides without classes: image slides among shown siblings of the same tag.
        if el.find(".//img") is not None and any(vis.roots.get(s) is not s for s in same_tag):
            return True
    # Drop-down menus: a list or box nested in a menu item, or inside a nav/menu container.
    anc = parent
    depth = 0
    while anc is not None and depth < 4 and isinstance(anc.tag, str):
        if anc.tag in ("li", "nav", "dd") and el.tag in ("ul", "ol", "div", "dl", "table"):
            return True
        if anc in hover_revealed:
            return True
        anc = anc.getparent()
        depth += 1
    if _INTERACTIVE_NAME.search(_names(el)):
        return True
    # Elements a script toggles by id or class (getElementById('x'), $(".x").show() …).
    if ident and len(ident) >= 3 and ident in script_text:
        return True
    for cls in classes:
        if len(cls) >= 3 and re.search(rf"(?<![\w-]){re.escape(cls)}(?![\w-])", script_text):
            return True
    return False


# ---------------------------------------------------------------------------------------- text
@dataclass
class Page:
    """A parsed page and its visibility, so that several checks can share one parse."""

    root: lxml.html.HtmlElement
    vis: Visibility
    base_url: str | None = None


def parse_page(html: str | bytes | Page, *, base_url: str | None = None) -> Page:
    """Parse (bytes are decoded by ``govwatch.extract.html.parse``) and analyse a page once."""
    if isinstance(html, Page):
        return html
    root = parse(html, base_url=base_url)
    return Page(root, analyse(root), base_url)


def visible_text(html: str | bytes | Page, *, base_url: str | None = None) -> str:
    """The text a visitor sees on the page (see the module docstring); ``base_url`` only names the page
    in log messages."""
    try:
        page = parse_page(html, base_url=base_url)
    except Exception:  # a page we cannot parse has no text we can judge
        log.warning("visible_text: cannot parse %s", base_url or "page", exc_info=True)
        return ""
    return visible_text_of(page.root, page.vis)


def visible_text_of(root: lxml.html.HtmlElement, vis: Visibility | None = None) -> str:
    """Visible text of an already parsed tree (``vis`` from :func:`analyse` when the caller has one)."""
    vis = vis if vis is not None else analyse(root)
    body = root.find("body")
    start = body if body is not None else root
    parts: list[str] = []

    def hidden(el: etree._Element) -> bool:
        r = vis.reasons.get(el)
        return r is not None and not vis.interactive(el)

    # Iterative depth-first walk: pages nest deeply enough to make recursion a risk.
    stack: list[tuple[etree._Element, bool]] = [(start, False)]
    while stack:
        el, closing = stack.pop()
        if closing:
            parent = el.getparent()
            if el.tag == "br" or el.tag in _BLOCK_TAGS:
                parts.append("\n")
            if el.tail and parent is not None and not hidden(parent) and el is not start:
                parts.append(_inline(el.tail))
            continue
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS or not isinstance(el.tag, str):
            parent = el.getparent()
            if el.tail and parent is not None and not hidden(parent) and el is not start:
                parts.append(_inline(el.tail))
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.text and not hidden(el):
            parts.append(_inline(el.text))
        stack.append((el, True))
        for child in reversed(el):
            stack.append((child, False))

    lines = (line.strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


_WS_RUN = re.compile(r"[ \t\r\n\f\v\xa0\u3000]+")


def _inline(text: str) -> str:
    """Inline text as rendered: a source line break between CJK characters vanishes, other runs of
    white space become one space."""
    return _WS_RUN.sub(" ", _CJK_BREAK.sub("", text))
