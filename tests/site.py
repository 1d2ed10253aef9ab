"""Canned pages that tests change between runs, served by the fault server (tests/webserver.py)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from webserver import Handler, TestServer, running


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)


NOT_FOUND = Page(b"not found", 404, "text/plain")


class Site(TestServer):
    """Pages by path; change `pages` between runs to simulate edits, moves and rot.

    `routes_by_query` maps a path to a function of the query string (a fake CDX API).
    Honours If-None-Match for pages that carry an ETag.
    """

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, Page] = {}
        self.not_found = NOT_FOUND  # what any other path answers
        self.routes_by_query: dict[str, Callable[[dict[str, str]], Page]] = {}
        self.routes = _Dispatch(self)


class _Dispatch(dict[str, Callable[[Handler], None]]):
    def __init__(self, site: Site) -> None:
        super().__init__()
        self.site = site

    def get(self, path: str, default: object = None) -> Callable[[Handler], None]:  # type: ignore[override]
        return self.answer

    def answer(self, h: Handler) -> None:
        parts = urlsplit(h.path)
        by_query = self.site.routes_by_query.get(parts.path)
        if by_query is not None:
            page = by_query(dict(parse_qsl(parts.query)))
        else:
            page = self.site.pages.get(parts.path, self.site.not_found)
        if page.delay:
            h.pause(page.delay)
        etag = page.headers.get("ETag")
        if etag and h.headers.get("If-None-Match") == etag:
            h.send(304, b"", None, {"ETag": etag})
            return
        body = page.body.encode() if isinstance(page.body, str) else page.body
        h.send(page.status, body, page.content_type, page.headers)


def serve() -> AbstractContextManager[Site]:
    """A Site on 127.0.0.1, served until the `with` block ends."""
    return running(Site())
