"""The asynchronous HTTP client every part of govwatch fetches with.

One :class:`Fetcher` (one ``httpx.AsyncClient``) per run. Politeness and limits come from the rules
profile (``fetch.*``): a per-host concurrency limit and delay, connect / total timeouts (the indicator's
15 s), retries with backoff on connection errors and 5xx, at most N redirects (each hop passes the
private-address guard), a body cap, an identifying User-Agent. Bodies are decoded with the encoding from
BOM, header, ``<meta>``, then detection (:mod:`govwatch.fetch.encoding`).

A fetch never raises for network trouble: the :class:`FetchResult` carries ``ok`` and ``error``.

    async with Fetcher() as f:
        r = await f.get(url)
    results = fetch_all(urls)        # sync wrapper
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import httpx

from govwatch.fetch.encoding import decode
from govwatch.fetch.guard import BlockedAddress, ResolveError, check_url, is_loopback_host
from govwatch.rules import Rules, load_rules
from govwatch.settings import TZ, Settings, get_settings

log = logging.getLogger(__name__)

_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class FetchResult:
    """What one fetch gave. ``ok`` is a 2xx answer after redirects; ``text`` is '' for binary bodies."""

    url: str
    final_url: str
    status: int | None
    ok: bool
    elapsed_ms: int
    body: bytes = b""
    text: str = ""
    encoding: str | None = None
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(TZ))
    redirects: list[str] = field(default_factory=list)

    @property
    def is_html(self) -> bool:
        ct = self.content_type.lower()
        return "html" in ct or (not ct and self.text.lstrip()[:1] == "<")


@dataclass(frozen=True)
class FetchConfig:
    per_host_concurrency: int = 2
    global_concurrency: int = 32
    politeness_delay: float = 0.2
    connect_timeout: float = 10.0
    total_timeout: float = 15.0
    retries: int = 2
    backoff: float = 0.5
    max_redirects: int = 5
    max_body_bytes: int = 5_000_000
    verify_tls: bool = True

    @classmethod
    def from_rules(cls, rules: Rules) -> FetchConfig:
        g = rules.get
        return cls(
            per_host_concurrency=max(1, int(g("fetch.per_host_concurrency", 2))),
            global_concurrency=max(1, int(g("fetch.global_concurrency", 32))),
            politeness_delay=float(g("fetch.politeness_delay_seconds", 0.2)),
            connect_timeout=float(g("fetch.connect_timeout_seconds", 10)),
            total_timeout=float(g("fetch.total_timeout_seconds", 15)),
            retries=max(0, int(g("fetch.retries", 2))),
            backoff=float(g("fetch.retry_backoff_seconds", 0.5)),
            max_redirects=int(g("fetch.max_redirects", 5)),
            max_body_bytes=int(g("fetch.max_body_bytes", 5_000_000)),
            verify_tls=bool(g("fetch.verify_tls", True)),
        )


class _TooLarge(Exception):
    pass


class _HostGate:
    """Per-host concurrency slots plus a minimum gap between request starts."""

    def __init__(self, slots: int, delay: float):
        self.sem = asyncio.Semaphore(slots)
        self.delay = delay
        self.lock = asyncio.Lock()
        self.next_start = 0.0

    async def __aenter__(self) -> None:
        await self.sem.acquire()
        if self.delay > 0:
            async with self.lock:
                now = time.monotonic()
                wait = self.next_start - now
                self.next_start = max(now, self.next_start) + self.delay
            if wait > 0:
                await asyncio.sleep(wait)

    async def __aexit__(self, *exc: object) -> None:
        self.sem.release()


class Fetcher:
    """One HTTP client for one run. Use as ``async with Fetcher() as f``."""

    def __init__(self, settings: Settings | None = None, rules: Rules | None = None):
        self.settings = settings or get_settings()
        self.rules = rules or load_rules(self.settings)
        self.config = FetchConfig.from_rules(self.rules)
        self._client: httpx.AsyncClient | None = None
        self._gates: dict[str, _HostGate] = {}
        self._global: asyncio.Semaphore | None = None
        self.stats = {"requests": 0, "retries": 0}

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        self._client = httpx.AsyncClient(
            follow_redirects=False,  # redirects are followed by hand: every hop passes the guard
            timeout=httpx.Timeout(cfg.total_timeout, connect=cfg.connect_timeout),
            headers={
                "User-Agent": ascii_header(self.settings.user_agent),
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9",
            },
            limits=httpx.Limits(max_connections=cfg.global_concurrency * 2, max_keepalive_connections=64),
            verify=cfg.verify_tls,
            trust_env=False,  # never route a government check through a proxy picked up from the environment
        )
        self._global = asyncio.Semaphore(cfg.global_concurrency)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- public API ---------------------------------------------------------------------------------
    async def get(self, url: str) -> FetchResult:
        """GET ``url`` following redirects; never raises for network errors."""
        return await self._fetch("GET", url)

    async def head(self, url: str) -> FetchResult:
        """HEAD ``url``; servers that refuse HEAD (405/501) are asked with a GET instead."""
        r = await self._fetch("HEAD", url)
        if r.status in (405, 501) or (r.error == "protocol"):
            return await self._fetch("GET", url, want_body=False)
        return r

    async def get_page(self, url: str, *, max_refresh: int = 2) -> FetchResult:
        """GET a page as a visitor's browser ends up on it: an almost empty HTML page that moves on with
        ``<meta http-equiv="refresh">`` or ``location.href = …`` (common for 政府网站 home pages) is
        followed, at most ``max_refresh`` times. The result keeps the URL asked for; ``final_url`` and
        ``redirects`` tell where it went."""
        r = await self.get(url)
        hops = 0
        while r.ok and hops < max_refresh and r.is_html:
            target = refresh_target(r.text, r.final_url)
            if not target or target == r.final_url:
                break
            nxt = await self.get(target)
            nxt.redirects = [*r.redirects, r.final_url, *nxt.redirects]
            nxt.url = url
            nxt.elapsed_ms += r.elapsed_ms
            nxt.fetched_at = r.fetched_at
            r = nxt
            hops += 1
        return r

    async def get_many(self, urls: Iterable[str], *, pages: bool = False) -> dict[str, FetchResult]:
        """GET every URL (duplicates once) within the concurrency limits; ``pages`` follows refresh
        redirects (:meth:`get_page`)."""
        unique = list(dict.fromkeys(urls))
        get = self.get_page if pages else self.get
        results = await asyncio.gather(*(get(u) for u in unique))
        return dict(zip(unique, results, strict=True))

    # -- internals ----------------------------------------------------------------------------------
    def _gate(self, url: str) -> _HostGate:
        parts = urlsplit(url)
        key = (parts.netloc or "").lower()
        gate = self._gates.get(key)
        if gate is None:
            # Politeness protects other people's servers; a loopback server is our own (tests, demo).
            delay = 0.0 if is_loopback_host(parts.hostname or "") else self.config.politeness_delay
            gate = self._gates[key] = _HostGate(self.config.per_host_concurrency, delay)
        return gate

    async def _fetch(self, method: str, url: str, *, want_body: bool = True) -> FetchResult:
        if self._client is None:
            raise RuntimeError("Fetcher used outside `async with`")
        started = time.monotonic()
        fetched_at = datetime.now(TZ)
        attempt = 0
        while True:
            result = await self._follow(method, url, want_body, started)
            retryable = result.error in ("connect", "refused", "reset", "protocol") or (
                result.status is not None and 500 <= result.status <= 599 and result.error is None
            )
            if not retryable or attempt >= self.config.retries:
                break
            attempt += 1
            self.stats["retries"] += 1
            await asyncio.sleep(self.config.backoff * (2 ** (attempt - 1)))
        result.elapsed_ms = int((time.monotonic() - started) * 1000)
        result.fetched_at = fetched_at
        return result

    async def _follow(self, method: str, url: str, want_body: bool, started: float) -> FetchResult:
        """One attempt: the request and its redirect chain, within the total timeout."""
        current = url
        hops: list[str] = []
        deadline: float | None = None  # one total timeout for the whole redirect chain
        assert self._global is not None
        while True:
            try:
                await check_url(current, allow_private=self.settings.allow_private)
            except BlockedAddress:
                return self._fail(url, current, "blocked-private", hops)
            except ResolveError:
                return self._fail(url, current, "dns", hops)
            if urlsplit(current).scheme not in ("http", "https"):
                return self._fail(url, current, "bad-url", hops)
            async with self._global, self._gate(current):
                try:
                    loop = asyncio.get_running_loop()
                    if deadline is None:  # the clock starts with the first request, not the queue
                        deadline = loop.time() + self.config.total_timeout
                    async with asyncio.timeout_at(deadline):
                        last = await self._one(method, url, current, want_body)
                except TimeoutError:
                    return self._fail(url, current, "timeout", hops)
                except _TooLarge as exc:
                    res = exc.args[0]
                    res.redirects = hops
                    return res
                except httpx.HTTPError as exc:
                    return self._fail(url, current, _classify(exc), hops)
                except (ssl.SSLError, OSError) as exc:
                    return self._fail(url, current, _classify(exc), hops)
            last.redirects = list(hops)
            if last.status in _REDIRECTS and "location" in last.headers:
                if len(hops) >= self.config.max_redirects:
                    last.ok = False
                    last.error = "too-many-redirects"
                    return last
                hops.append(current)
                current = urljoin(current, last.headers["location"].strip())
                continue
            return last

    async def _one(self, method: str, url: str, current: str, want_body: bool) -> FetchResult:
        assert self._client is not None
        self.stats["requests"] += 1
        cap = self.config.max_body_bytes
        try:
            request = self._client.build_request(method, current)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError):
            return self._fail(url, current, "bad-url", [])
        response = await self._client.send(request, stream=True)
        try:
            headers = {k.lower(): v for k, v in response.headers.items()}
            ctype = headers.get("content-type", "")
            chunks: list[bytes] = []
            size = 0
            too_large = False
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                too_large = True
            elif want_body and method != "HEAD" and response.status_code not in _REDIRECTS:
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > cap:
                        too_large = True
                        break
        finally:
            await response.aclose()
        body = b"".join(chunks)[:cap]
        status = response.status_code
        res = FetchResult(
            url=url,
            final_url=current,
            status=status,
            ok=200 <= status < 300 and not too_large,
            elapsed_ms=0,
            body=body,
            content_type=ctype,
            headers=headers,
        )
        if too_large:
            res.error = "too-large"
            raise _TooLarge(res)
        if body:
            res.text, res.encoding = decode(body, ctype)
        return res

    @staticmethod
    def _fail(url: str, current: str, error: str, hops: list[str]) -> FetchResult:
        return FetchResult(
            url=url, final_url=current, status=None, ok=False, elapsed_ms=0, error=error, redirects=list(hops)
        )


_META_REFRESH = re.compile(
    r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*(\d+(?:\.\d+)?)\s*[;,]\s*(?:url\s*=\s*)?['"]?([^"'>\s]+)""",
    re.I,
)
_META_REFRESH_REV = re.compile(
    r"""<meta[^>]+content\s*=\s*["']?\s*(\d+(?:\.\d+)?)\s*[;,]\s*(?:url\s*=\s*)?['"]?([^"'>\s]+)[^>]*http-equiv\s*=\s*["']?refresh""",
    re.I,
)
_JS_LOCATION = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']|location\.(?:replace|assign)\(\s*["']([^"']+)["']""",
    re.I,
)
_FRAMESET = re.compile(r"<frameset", re.I)
_FRAME_SRC = re.compile(r"""(<frame\b[^>]*?)\bsrc\s*=\s*["']?([^"'>\s]+)""", re.I)
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.I | re.S)


def refresh_target(html: str, base: str) -> str | None:
    """Where an almost empty page sends the browser (meta refresh within 10 s, the main frame of a
    frameset, or a script assigning ``location``); None for a page with content of its own."""
    head = html[:20000]
    m = _META_REFRESH.search(head) or _META_REFRESH_REV.search(head)
    if m and float(m.group(1)) <= 10:
        return urljoin(base, m.group(2).strip())
    if _FRAMESET.search(head):
        frames = _FRAME_SRC.findall(head)
        if frames:
            main = next(
                (src for tag, src in frames if re.search(r"main|content|body|right", tag, re.I)), None
            )
            return urljoin(base, (main or frames[-1][1]).strip())
    visible = " ".join(_TAGS.sub(" ", html[:50000]).split())
    if len(visible) > 200 or len(html) > 20000:
        return None
    j = _JS_LOCATION.search(head)
    if j:
        target = (j.group(1) or j.group(2) or "").strip()
        if target and not target.lower().startswith("javascript:"):
            return urljoin(base, target)
    return None


def ascii_header(value: str) -> str:
    """HTTP header values must be ASCII: drop other characters (the configured User-Agent may hold 中文)."""
    return " ".join(value.encode("ascii", "ignore").decode().split())


def _classify(exc: BaseException) -> str:
    """A short error word for a network exception (stored in observations, shown in evidence)."""
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout"
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 8:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    for e in chain:
        if isinstance(e, socket.gaierror):
            return "dns"
        if isinstance(e, ConnectionRefusedError) or getattr(e, "errno", None) == errno.ECONNREFUSED:
            return "refused"
        if isinstance(e, ConnectionResetError):
            return "reset"
        if isinstance(e, ssl.SSLError):
            return "tls"
    text = " ".join(str(e) for e in chain).lower()
    if "name or service not known" in text or "nodename nor servname" in text or "name resolution" in text:
        return "dns"
    if "connection refused" in text or "connect call failed" in text:
        return "refused"
    if "certificate" in text or "ssl" in text:
        return "tls"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return "protocol"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "reset"
    return type(exc).__name__.lower()


async def _fetch_all(
    urls: list[str], settings: Settings | None, rules: Rules | None
) -> dict[str, FetchResult]:
    async with Fetcher(settings=settings, rules=rules) as f:
        return await f.get_many(urls)


def fetch_all(
    urls: Iterable[str], *, settings: Settings | None = None, rules: Rules | None = None
) -> dict[str, FetchResult]:
    """Fetch every URL (sync wrapper around :class:`Fetcher`); keyed by the URL as given."""
    return asyncio.run(_fetch_all(list(urls), settings, rules))
