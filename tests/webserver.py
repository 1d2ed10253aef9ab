"""A threaded HTTP server on 127.0.0.1 with route handlers for pages and network faults.

Use the `web_server` fixture (import it into a conftest or test module):

    server.add("/page", page(b"<p>hi</p>"))
    server.add("/flaky", flaky(503, times=2))
    url = server.url("/page")

`server.hits[path]` counts requests; `server.log` keeps (path, headers) of each request.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest

Route = Callable[["Handler"], None]
S = TypeVar("S", bound="TestServer")


class _Abort(Exception):
    """Raised by a route that has already mangled the connection on purpose."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: TestServer

    def log_message(self, format: str, *args: Any) -> None:  # stdlib name
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:  # stdlib name
        path = self.path.split("?")[0] if self.path.startswith("/") else self.path
        with self.server.lock:
            self.server.hits[path] += 1
            self.server.log.append((path, dict(self.headers.items())))
            self.server.active += 1
            self.server.peak = max(self.server.peak, self.server.active)
        self.in_flight = True
        try:
            self.server.routes.get(path, not_found)(self)
        except (_Abort, OSError):
            self.close_connection = True
        finally:
            self._answered()

    def _answered(self) -> None:
        """Stop counting this request as in flight: done before its last bytes are written,
        since the client may send its next request the moment they arrive."""
        if self.in_flight:
            self.in_flight = False
            with self.server.lock:
                self.server.active -= 1

    def send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """A complete response with Content-Length."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._answered()
        self.wfile.write(body)

    def pause(self, seconds: float) -> None:
        """Sleep, but stop early (and abort) when the server shuts down."""
        if self.server.stopping.wait(seconds):
            raise _Abort

    def reset(self) -> None:
        """Close the connection with a TCP RST."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        raise _Abort


class TestServer(ThreadingHTTPServer):
    __test__ = False  # not a pytest test class
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.active = 0
        self.peak = 0  # most requests in flight at once
        self.connections = 0  # accepted so far (keep-alive reuses one for many requests)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """Full URL of `path`; host="localhost" reaches the same server as another host."""
        return f"http://{host}:{self.server_address[1]}{path}"

    def add(self, path: str, route: Route, host: str = "127.0.0.1") -> str:
        """Register a route; returns its full URL."""
        self.routes[path] = route
        return self.url(path, host)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # faults are deliberate; keep test output clean


@contextmanager
def running(server: S) -> Iterator[S]:
    """Serve on a background thread until the block ends, then stop at once."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def web_server() -> Iterator[TestServer]:
    """A fresh server on 127.0.0.1 for one test."""
    with running(TestServer()) as server:
        yield server


# -- routes ---------------------------------------------------------------------------------


def page(
    body: bytes | str, content_type: str = "text/html; charset=utf-8", **headers: str
) -> Route:
    data = body.encode() if isinstance(body, str) else body
    return lambda h: h.send(200, data, content_type, headers)


def status(code: int, body: bytes = b"", **headers: str) -> Route:
    return lambda h: h.send(code, body, "text/html", headers)


def not_found(h: Handler) -> None:
    h.send(404, b"<title>Not Found</title>")


def redirect(location: str, code: int = 302) -> Route:
    return lambda h: h.send(code, b"", None, {"Location": location})


def flaky(code: int, times: int, then: Route | None = None, **headers: str) -> Route:
    """Answer `code` the first `times` requests, then `then` (a small page by default)."""
    calls = {"n": 0}
    good = then or page("<html><title>ok</title><p>finally</p></html>")

    def route(h: Handler) -> None:
        calls["n"] += 1
        if calls["n"] <= times:
            h.send(code, b"try later", "text/plain", headers)
        else:
            good(h)

    return route


def slow_headers(delay: float) -> Route:
    def route(h: Handler) -> None:
        h.pause(delay)
        h.send(200, b"<p>late</p>")

    return route


def slowloris(total: int = 10_000, every: float = 0.05) -> Route:
    """Headers at once, then one byte of body every `every` seconds."""

    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        for _ in range(total):
            h.wfile.write(b"x")
            h.wfile.flush()
            h.pause(every)

    return route


def reset_mid_body(sent: int = 4000, declared: int = 100_000) -> Route:
    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(declared))
        h.end_headers()
        h.wfile.write(b"<p>" + b"a" * sent)
        h.pause(0.05)
        h.reset()

    return route


def truncated(sent: int = 100, declared: int = 1000) -> Route:
    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(declared))
        h.end_headers()
        h.wfile.write(b"<p>" + b"b" * sent)
        h.wfile.flush()
        h.close_connection = True
        raise _Abort

    return route


def huge_length(length: int = 5 * 1024**3) -> Route:
    """Declares a 5 GB body and then trickles: a client that reads it would hang."""

    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(length))
        h.end_headers()
        h.wfile.write(b"<p>" * 1000)
        h.pause(5)

    return route


def endless_chunked(chunk: int = 64 * 1024) -> Route:
    """No Content-Length at all, an endless chunked body: the limit must stop it."""

    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        data = b"<p>" + b"z" * (chunk - 3)
        while not h.server.stopping.is_set():
            h.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    return route


_BOMB: dict[int, bytes] = {}


def gzip_bomb(decoded: int = 64 * 1024 * 1024) -> Route:
    """A small gzip body that inflates to `decoded` bytes."""
    if decoded not in _BOMB:
        _BOMB[decoded] = gzip.compress(b"\0" * decoded, compresslevel=9)
    body = _BOMB[decoded]
    return lambda h: h.send(200, body, "text/html", {"Content-Encoding": "gzip"})


def timed(route: Route, stamps: list[float]) -> Route:
    """Record the arrival time of each request, then answer with `route`."""

    def wrapped(h: Handler) -> None:
        stamps.append(time.monotonic())
        route(h)

    return wrapped


def held(route: Route, seconds: float) -> Route:
    """Answer after `seconds`, to observe how many requests are in flight at once."""

    def wrapped(h: Handler) -> None:
        h.pause(seconds)
        route(h)

    return wrapped


# -- content --------------------------------------------------------------------------------


def make_pdf(pages: list[str], title: str = "Test document", author: str = "Test Author") -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page."""
    n = len(pages)
    font_id = 3 + 2 * n
    info_id = font_id + 1
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {n} >>"]
    for i, text in enumerate(pages):
        safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 712 Td ({safe}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>"
        )
        objects.append(
            f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream"
        )
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(f"<< /Title ({title}) /Author ({author}) /CreationDate (D:20250102030405Z) >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info_id} 0 R >>\n"
    out += f"{trailer}startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def news_page(n: int, size: int = 20_000) -> bytes:
    """A news-like HTML page of about `size` bytes containing the sentence `Quote number n.`."""
    para = "<p>The minister said the agreement would be reviewed next year, officials noted.</p>\n"
    filler = para * max(1, size // len(para))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Story {n}</title></head>"
        f"<body><article><h1>Story {n}</h1><p>Quote number {n}.</p>\n{filler}</article>"
        "</body></html>"
    ).encode()
