"""URL normalisation and classification for the crawl.

Two spellings of one page must give one URL, or the crawl fetches it twice and the link check reports it
twice: fragments go, the host is lower-cased, default ports are dropped, query parameters are sorted and
tracking parameters removed. Non-HTTP schemes (``javascript:``, ``mailto:``, ``tel:``) are not links a
visitor can follow to a page and are ignored.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

#: Query parameters that only track the visit; they never change what the page shows.
TRACKING_PARAMS = frozenset(
    {
        "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id", "gclid", "fbclid",
        "spm", "isappinstalled", "share_token", "timestamp", "_t", "_", "random", "rnd", "jsessionid",
        "phpsessid",
    }
)  # fmt: skip

#: File extensions whose text the privacy scan reads (size-capped).
DOCUMENT_EXTS = (".pdf", ".docx", ".xlsx")
#: Other downloads and media: checked as links, never parsed as pages.
BINARY_EXTS = (
    ".doc", ".xls", ".ppt", ".pptx", ".ppsx", ".wps", ".et", ".zip", ".rar", ".7z", ".gz", ".tar", ".jpg",
    ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".mp3", ".mp4", ".avi", ".flv", ".wmv", ".mov",
    ".swf", ".exe", ".apk", ".msi", ".css", ".js", ".txt", ".xml", ".json", ".ofd", ".caj", ".tif", ".tiff",
)  # fmt: skip

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "sms:", "data:", "about:", "file:", "ftp:", "weixin:")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SESSION_IN_PATH = re.compile(r";jsessionid=[^/?#]*", re.I)


def normalize_url(href: str | None, base: str | None = None) -> str | None:
    """The canonical absolute form of ``href`` (resolved against ``base``), or None when it is not an
    http(s) link (empty, ``#``, ``javascript:``, ``mailto:`` …) or cannot be parsed."""
    if href is None:
        return None
    href = href.strip().replace("\\", "/")
    # Whitespace inside hrefs is common in hand-written CMS templates ("  /dynamic/a.html ").
    href = re.sub(r"[\r\n\t]", "", href)
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    netloc = host if ":" not in host else f"[{host}]"
    if port and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _SESSION_IN_PATH.sub("", parts.path) or "/"
    path = _clean_path(path)
    query = _clean_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _clean_path(path: str) -> str:
    # Resolve ./ and ../ the way a browser does, keeping a trailing slash.
    trailing = path.endswith("/")
    norm = posixpath.normpath(path)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    if norm == ".":
        norm = "/"
    if trailing and not norm.endswith("/"):
        norm += "/"
    # Re-quote consistently: %7E and ~ are one URL, and so are a raw and a %-encoded Chinese path. A path
    # %-encoded in GBK is not UTF-8: it is kept as written (escapes upper-cased), never re-encoded.
    try:
        decoded = unquote(norm, errors="strict")
    except UnicodeDecodeError:
        return re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), norm)
    return quote(decoded, safe="/:@!$&'()*+,;=~-._")


def _clean_query(query: str) -> str:
    # Parameters are kept byte for byte (a GBK-encoded search term must reach the server as written);
    # only their order is normalised and tracking parameters dropped.
    if not query:
        return ""
    parts = []
    for part in query.split("&"):
        if not part:
            continue
        key = unquote(part.split("=", 1)[0]).strip().lower()
        if key in TRACKING_PARAMS:
            continue
        parts.append(part)
    return "&".join(sorted(parts))


def host_of(url: str) -> str:
    """The lower-cased host name of ``url`` ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def site_hosts(home_url: str) -> frozenset[str]:
    """The hosts that count as the site itself: the home page's host, with and without ``www.``."""
    host = host_of(home_url)
    if not host:
        return frozenset()
    bare = host[4:] if host.startswith("www.") else host
    return frozenset({host, bare, "www." + bare})


def is_document(url: str) -> bool:
    """A PDF / DOCX / XLSX attachment whose text the privacy scan reads."""
    return urlsplit(url).path.lower().endswith(DOCUMENT_EXTS)


def is_binary(url: str) -> bool:
    """A download or media file: linked, checked, never crawled as a page."""
    path = urlsplit(url).path.lower()
    return path.endswith(BINARY_EXTS) or path.endswith(DOCUMENT_EXTS)
