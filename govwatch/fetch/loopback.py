"""A small HTTP server on a loopback address, for tests and demonstrations.

Routes map a path (with query) to a :class:`Route` or to a callable ``(handler) -> Route``. The server
runs in a thread; use it as a context manager::

    with LoopbackServer({"/": Route(200, "<html>…</html>")}) as srv:
        srv.url("/")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    encoding: str = "utf-8"

    def payload(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else self.body.encode(self.encoding)


Handler = Callable[[BaseHTTPRequestHandler], Route]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class LoopbackServer:
    """A threaded HTTP server on ``host`` (a 127.x.y.z address) and a free port."""

    def __init__(
        self, routes: dict[str, Route | Handler] | None = None, host: str = "127.0.0.1", port: int = 0
    ):
        self.routes: dict[str, Route | Handler] = dict(routes or {})
        self.hits: list[tuple[str, str, str]] = []  # (method, path, user-agent)
        self._lock = threading.Lock()
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self, with_body: bool) -> None:
                with server._lock:
                    server.hits.append((self.command, self.path, self.headers.get("User-Agent", "")))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    route = Route(404, "<html><body>404 Not Found</body></html>")
                elif callable(route):
                    route = route(self)
                if route.delay:
                    time.sleep(route.delay)
                data = route.payload()
                try:
                    self.send_response(route.status)
                    if route.content_type:
                        self.send_header("Content-Type", route.content_type)
                    for k, v in route.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if with_body:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                self._serve(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._serve(False)

        self.httpd = _Server((host, port), _H)
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def start(self) -> LoopbackServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
