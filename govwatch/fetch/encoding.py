"""Decode fetched bytes: BOM, valid UTF-8, HTTP header, ``<meta charset>`` / http-equiv, then detection.

Chinese government sites are still often served as GBK / GB2312 and just as often declare the wrong
charset, so a declared encoding is only trusted when the bytes decode cleanly with it. GB2312 and GBK
are read as GB18030 (a strict superset: pages labelled GB2312 routinely hold GBK-only characters).
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "big5hkscs": "big5hkscs",
    "iso-8859-1": "cp1252",  # the WHATWG rule: latin-1 labels mean windows-1252
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)

_TEXT_TYPES = ("text/", "html", "xml", "json", "javascript", "ecmascript", "csv")


def normalize(label: str | None) -> str | None:
    """A Python codec name for an encoding label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return normalize(m.group(1)) if m else None


def meta_charset(body: bytes) -> str | None:
    """The charset named by ``<meta charset>`` or ``<meta http-equiv content="…charset=…">``."""
    m = _META_CHARSET.search(body[:4096]) or _META_CHARSET.search(body[:65536])
    return normalize(m.group(1).decode("ascii", "ignore")) if m else None


def is_textual(content_type: str, body: bytes) -> bool:
    """True for HTML, XML, JSON and other text; binary bodies decode to ''."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct:
        return any(t in ct for t in _TEXT_TYPES)
    # No content type: sniff. Text rarely holds NUL bytes outside UTF-16.
    head = body[:2048]
    return b"\x00" not in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _strict(body: bytes, enc: str) -> str | None:
    try:
        return body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(body: bytes, content_type: str = "") -> tuple[str, str | None]:
    """Decode a body; returns (text, encoding). Binary bodies give ('', None)."""
    if not body:
        return "", header_charset(content_type)
    if not is_textual(content_type, body):
        return "", None
    for bom, bom_enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_enc, "replace"), bom_enc
    declared = [e for e in (header_charset(content_type), meta_charset(body)) if e]
    # Valid UTF-8 holding non-ASCII bytes is UTF-8 whatever the label says: GBK text practically never
    # forms valid UTF-8, while UTF-8 bytes often decode "cleanly" as GB18030 into mojibake (pages saved
    # or re-encoded by a CMS keep their old gb2312 <meta>).
    text: str | None = _strict(body, "utf-8")
    if text is not None:
        if body.isascii() and declared:
            return text, declared[0]
        return text, "utf-8"
    for label in dict.fromkeys(declared):
        text = _strict(body, label)
        if text is not None:
            return text, label
    enc: str | None = _detect(body)
    if enc not in ("gb18030", "big5", "big5hkscs") and _strict(body, "gb18030") is not None:
        # These are Chinese government pages: undeclared non-UTF-8 text that is valid GB18030 is GB18030,
        # whatever a statistical guess on a short page says.
        enc = "gb18030"
    if enc:
        text = _strict(body, enc)
        if text is not None:
            return text, enc
    # Last resort: the first declared label, or GB18030 (the common case on these sites), lossy.
    enc = declared[0] if declared else "gb18030"
    return body.decode(enc, "replace"), enc


def _detect(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    return normalize(best.encoding) if best is not None else None
