"""Serve a generated province on loopback: one real threaded HTTP server per site, each on its own address.

Sites get 127.0.77.1, .2, …; the "outside world" (outside links, feeds, WeChat menus, interaction pages)
is 127.0.77.200. All servers share one port found free at start. Pages are rendered once into memory.

Test controls:
- ``set_state(site_id, state)``: ``ok``, ``down`` (503 to everything), ``reset`` (connection closed
  without an answer), ``slow`` (3 s before answering);
- ``fail_every(site_id, n)``: the home page fails (503) on every n-th request to it — a site whose
  availability is ≈ 1/n short of perfect (the province's ``flaky_site`` is meant for this);
- any path under ``/__slow__/<seconds>/`` on any host answers after that many seconds (≤ 30);
- ``hits(site_id)``: requests seen by a site's server.
"""

from __future__ import annotations

import errno
import random
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from govwatch.sample.model import Province
from govwatch.sample.render import CALENDAR, Resp, calendar_page, render_outside, render_site

NOT_FOUND = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
    "<body><h1>404</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
).encode()
UNAVAILABLE = b"<html><body><h1>503 Service Unavailable</h1></body></html>"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can hang without network.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class _HostState:
    def __init__(
        self,
        pages: dict[str, Resp],
        state: str = "ok",
        head_refused: frozenset[str] = frozenset(),
        dynamic: dict[str, Callable[[str], Resp]] | None = None,
    ) -> None:
        self.pages = pages
        self.dynamic = dynamic or {}
        self.state = state
        self.fail_every = 0
        self.home_hits = 0
        self.hits = 0
        self.head_refused = head_refused
        self.lock = threading.Lock()


def _handler(host: _HostState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "govwatch-sample/1.0"
        protocol_version = "HTTP/1.1"
        # Headers and body in one segment: without this, Nagle + delayed ACK cost 40 ms per response.
        disable_nagle_algorithm = True
        wbufsize = 1 << 16

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

        def _send(self, status: int, ctype: str, body: bytes, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _serve(self, head: bool) -> None:
            path = unquote(urlsplit(self.path).path) or "/"
            with host.lock:
                host.hits += 1
                if path in ("/", "/index.html"):
                    host.home_hits += 1
                home_fails = (
                    bool(host.fail_every)
                    and path in ("/", "/index.html")
                    and host.home_hits % host.fail_every == 0
                )
                state = host.state
            if path.startswith("/__slow__/"):
                parts = path.split("/")
                try:
                    delay = min(float(parts[2]), 30.0)
                except (IndexError, ValueError):
                    delay = 3.0
                time.sleep(delay)
                self._send(200, "text/html; charset=utf-8", b"<html><body>slow</body></html>", head)
                return
            if state == "reset":
                # RST instead of an answer: the client sees "connection reset by peer".
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            if state == "slow":
                time.sleep(3.0)
            if state == "down" or home_fails:
                self._send(503, "text/html", UNAVAILABLE, head)
                return
            if head and path in host.head_refused:
                self._send(405, "text/html", b"<html><body>405 Method Not Allowed</body></html>", True)
                return
            if path in host.dynamic:
                resp: Resp | None = host.dynamic[path](urlsplit(self.path).query)
            else:
                resp = host.pages.get(path)
            if resp is None:
                self._send(404, "text/html; charset=utf-8", NOT_FOUND, head)
                return
            if resp.delay:
                time.sleep(resp.delay)
            if resp.status in (301, 302):
                self.send_response(resp.status)
                self.send_header("Location", resp.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(resp.status, resp.ctype, resp.body, head)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve(head=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(head=True)

    return Handler


class ServedProvince:
    """A province being served. Use as a context manager, or call :meth:`stop`."""

    def __init__(self, province: Province, host_base: str = "127.0.77", port: int | None = None) -> None:
        self.province = province
        self.host_base = host_base
        self.port = 0
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._hosts: dict[str, _HostState] = {}
        self._start(port)

    # addresses
    def ip(self, site_id: str) -> str:
        if site_id == "outside":
            return f"{self.host_base}.{self.province.outside_host}"
        return f"{self.host_base}.{self.province.site(site_id).host}"

    def site_url(self, site_id: str) -> str:
        return f"http://{self.ip(site_id)}:{self.port}/"

    @property
    def outside_url(self) -> str:
        return f"http://{self.ip('outside')}:{self.port}"

    def url(self, site_id: str, path: str) -> str:
        return self.site_url(site_id).rstrip("/") + path

    def column_url(self, target_id: str) -> str:
        sid, cid = target_id.split("/", 1)
        return self.url(sid, self.province.site(sid).column(cid).path)

    # serving
    def _bind_all(self, port: int) -> list[_Server]:
        servers: list[_Server] = []
        try:
            for key, host in self._hosts.items():
                servers.append(_Server((self.ip(key), port), _handler(host)))
        except OSError:
            for s in servers:
                s.server_close()
            raise
        return servers

    def _start(self, port: int | None) -> None:
        prov = self.province
        tries = [port] if port else [0] * 30
        last: OSError | None = None
        rng = random.Random()
        for want in tries:
            if want == 0:
                probe = socket.socket()
                probe.bind((f"{self.host_base}.1", 0))
                want = probe.getsockname()[1]
                probe.close()
                want = want if want > 1024 else rng.randint(20000, 60000)
            self.port = want
            out = self.outside_url
            bases = {s.id: self.site_url(s.id) for s in prov.sites}
            self._hosts = {}
            for s in prov.sites:
                state = "down" if s.status == "down" else "ok"
                dynamic: dict[str, Callable[[str], Resp]] = {}
                if s.calendar:
                    dynamic[CALENDAR] = partial(calendar_page, prov, s, bases, out)
                self._hosts[s.id] = _HostState(render_site(prov, s, bases, out), state, dynamic=dynamic)
                self._hosts[s.id].fail_every = s.fail_every
            self._hosts["outside"] = _HostState(render_outside(prov, out), head_refused=frozenset({"/zwfw/"}))
            try:
                self._servers = self._bind_all(want)
                break
            except OSError as exc:
                last = exc
                if exc.errno not in (errno.EADDRINUSE, errno.EACCES) or port:
                    raise
        else:
            raise OSError(f"no common free port on {self.host_base}.*: {last}")
        for srv in self._servers:
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        # shutdown() waits for a poll interval per server: shut them all down at once.
        stoppers = [threading.Thread(target=srv.shutdown) for srv in self._servers]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        for srv in self._servers:
            srv.server_close()
        self._servers = []

    def __enter__(self) -> ServedProvince:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # test controls
    def set_state(self, site_id: str, state: str) -> None:
        if state not in ("ok", "down", "reset", "slow"):
            raise ValueError(f"unknown state {state!r}")
        self._hosts[site_id].state = state

    def fail_every(self, site_id: str, n: int) -> None:
        """Make every n-th home-page request of a site fail with 503 (0 = never)."""
        host = self._hosts[site_id]
        with host.lock:
            host.fail_every = n
            host.home_hits = 0

    def hits(self, site_id: str) -> int:
        return self._hosts[site_id].hits

    # registry
    def registry(self) -> dict[str, Any]:
        """The registry (contract §3) with the served URLs."""
        prov = self.province
        units = []
        for u in prov.units:
            entry: dict[str, Any] = {"id": u.id, "name": u.name}
            if u.parent:
                entry["parent"] = u.parent
            entry["contacts"] = [
                {"name": c.name, "email": c.email, "mobile": c.mobile, "role": c.role} for c in u.contacts
            ]
            units.append(entry)
        sites = []
        for s in prov.sites:
            entry = {
                "id": s.id,
                "name": s.name,
                "url": self.site_url(s.id),
                "kind": s.kind,
                "unit": s.unit,
                "region": s.region,
            }
            if s.has_services is not None:
                entry["has_services"] = s.has_services
            cols = []
            for c in s.columns:
                col: dict[str, Any] = {
                    "id": c.id,
                    "name": c.name,
                    "url": self.url(s.id, c.path),
                    "category": c.category,
                    "level": c.level,
                }
                if c.max_age_days is not None:
                    col["max_age_days"] = c.max_age_days
                cols.append(col)
            entry["columns"] = cols
            sites.append(entry)
        accounts = []
        out = self.outside_url
        for a in prov.accounts:
            entry = {
                "id": a.id,
                "name": a.name,
                "platform": a.platform,
                "unit": a.unit,
                "region": a.region,
                "feed_url": out + a.feed_path,
            }
            if a.menu_path:
                entry["menu_url"] = out + a.menu_path
            if a.interaction_path:
                entry["interaction_url"] = out + a.interaction_path
            accounts.append(entry)
        return {"units": units, "sites": sites, "accounts": accounts}

    def registry_yaml(self) -> str:
        head = (
            f"# {self.province.name}{self.province.city} sample province (govwatch.sample), as of "
            f"{self.province.as_of}, seed {self.province.seed}; served at {self.host_base}.*:{self.port}\n"
        )
        return head + yaml.safe_dump(self.registry(), allow_unicode=True, sort_keys=False, width=200)

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Write registry.yaml and truth.json into ``directory``; returns their paths."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        reg = d / "registry.yaml"
        reg.write_text(self.registry_yaml(), encoding="utf-8")
        truth = d / "truth.json"
        truth.write_text(self.province.truth.to_json(), encoding="utf-8")
        return {"registry": reg, "truth": truth}


def serve(province: Province, host_base: str = "127.0.77", port: int | None = None) -> ServedProvince:
    """Start serving ``province``; use the result as a context manager (or call ``.stop()``)."""
    return ServedProvince(province, host_base=host_base, port=port)
