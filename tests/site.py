"""A real HTTP server on 127.0.0.1 serving canned pages, for end-to-end CLI tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)


class Site:
    """Pages by path; change `pages` between runs to simulate edits, moves and rot."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.routes: dict[str, Callable[[dict[str, str]], Page]] = {}  # path -> fn(query)
        self.hits: list[str] = []
        self.base = ""

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            site.hits.append(self.path)
            parts = urlsplit(self.path)
            route = site.routes.get(parts.path)
            if route is not None:
                page = route(dict(parse_qsl(parts.query)))
            else:
                page = site.pages.get(self.path, Page(b"not found", 404, "text/plain"))
            if page.delay:
                time.sleep(page.delay)
            body = page.body.encode() if isinstance(page.body, str) else page.body
            etag = page.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
