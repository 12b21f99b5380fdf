"""Link checking: every link once per run, HEAD first, GET where HEAD is refused.

The verdict of a link (:func:`classify`) follows the indicator and the vendors' practice: 404 / 410 / 403
and hosts that do not resolve or refuse connections are certain (``broken``); 5xx answers, timeouts and
resets that persist after a retry are only ``suspected``; a 2xx after redirects is ``ok``. Addresses the
private-address guard refuses are ``skipped`` (not judged). One :class:`LinkChecker` lives for a whole
run, so an outside link shared by many sites is asked once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

BROKEN_STATUSES = frozenset({403, 404, 410})
BROKEN_ERRORS = frozenset({"dns", "refused", "bad-url"})
SKIP_ERRORS = frozenset({"blocked-private"})
#: Statuses that only say "you may not see this without logging in / slow down": the link works.
ACCESS_STATUSES = frozenset({401, 407, 429})


@dataclass(frozen=True)
class LinkStatus:
    """The outcome of checking one URL."""

    url: str
    verdict: str  # ok | broken | suspected | skipped
    status: int | None
    error: str | None
    final_url: str | None = None
    method: str = "HEAD"
    elapsed_ms: int = 0

    @property
    def reason(self) -> str:
        """A short Chinese description for evidence."""
        if self.status is not None and not self.error:
            return f"HTTP {self.status}"
        return ERROR_WORDS.get(self.error or "", self.error or "未知错误")


ERROR_WORDS = {
    "dns": "域名无法解析",
    "refused": "服务器拒绝连接",
    "timeout": "访问超时",
    "reset": "连接被重置",
    "connect": "无法建立连接",
    "protocol": "服务器应答异常",
    "tls": "证书或加密连接错误",
    "bad-url": "链接地址无效",
    "too-many-redirects": "重定向次数过多",
    "blocked-private": "内网地址（未检查）",
}


def classify(status: int | None, error: str | None) -> str:
    """Verdict for one answer: ``ok``, ``broken``, ``suspected`` or ``skipped``."""
    if error in SKIP_ERRORS:
        return "skipped"
    if error == "too-large":
        return "ok"  # it answered 2xx; only the body was over the cap
    if error in BROKEN_ERRORS:
        return "broken"
    if error:
        return "suspected"
    if status is None:
        return "suspected"
    if 200 <= status < 300 or status in ACCESS_STATUSES:
        return "ok"
    if status in BROKEN_STATUSES:
        return "broken"
    return "suspected"


def status_of(result: Any, method: str = "GET") -> LinkStatus:
    """A :class:`LinkStatus` from a fetch result."""
    return LinkStatus(
        url=result.url,
        verdict=classify(result.status, result.error),
        status=result.status,
        error=result.error,
        final_url=getattr(result, "final_url", None),
        method=method,
        elapsed_ms=int(getattr(result, "elapsed_ms", 0) or 0),
    )


class LinkChecker:
    """Checks URLs once each for a run; concurrent requests for one URL share one check."""

    def __init__(
        self,
        head: Callable[[str], Awaitable[Any]],
        get: Callable[[str], Awaitable[Any]],
        *,
        concurrency: int = 16,
        retry_delay: float = 0.5,
    ):
        self._head = head
        self._get = get
        self._sem = asyncio.Semaphore(concurrency)
        self._cache: dict[str, LinkStatus] = {}
        self._pending: dict[str, asyncio.Task[LinkStatus]] = {}
        self.retry_delay = retry_delay
        self.requests = 0
        self.cache_hits = 0
        self.on_result: Callable[[LinkStatus, Any], None] | None = None

    def seed(self, url: str, result: Any) -> None:
        """Record a URL the crawl fetched itself with GET: no need to ask it again."""
        if url not in self._cache and result is not None:
            self._cache[url] = status_of(result, "GET")

    def known(self, url: str) -> LinkStatus | None:
        return self._cache.get(url)

    async def check(self, url: str) -> LinkStatus:
        if url in self._cache:
            self.cache_hits += 1
            return self._cache[url]
        task = self._pending.get(url)
        if task is None:
            task = asyncio.ensure_future(self._check(url))
            self._pending[url] = task
        else:
            self.cache_hits += 1
        status = await task
        self._cache[url] = status
        self._pending.pop(url, None)
        return status

    async def check_many(self, urls: list[str]) -> dict[str, LinkStatus]:
        unique = list(dict.fromkeys(urls))
        got = await asyncio.gather(*(self.check(u) for u in unique))
        return dict(zip(unique, got, strict=True))

    async def _check(self, url: str) -> LinkStatus:
        async with self._sem:
            self.requests += 1
            raw = await self._head(url)
            st = status_of(raw, "HEAD")
            if st.verdict in ("broken", "suspected") and st.error not in BROKEN_ERRORS:
                # Many servers answer HEAD wrongly (403 / 404 / 500 for a page a browser opens), and a
                # timeout deserves a second chance: confirm with GET before believing it. (The fetcher
                # itself already retries 5xx and connection errors with backoff.)
                if st.error == "timeout":
                    await asyncio.sleep(self.retry_delay)
                self.requests += 1
                raw = await self._get(url)
                st = status_of(raw, "GET")
        if self.on_result:
            self.on_result(st, raw)
        return st
