"""A site's own not-found page, asked once per origin: tells a soft 404 from an article that
merely has "not found" or "404" in its title (issue 17, point 6)."""

from __future__ import annotations

import asyncio
import secrets
from urllib.parse import urlsplit

from factcheck.fetch.classify import page_words, same_page
from factcheck.fetch.politeness import GetSmall, Hosts


class NotFoundPages:
    """The words of each origin's answer to a path that cannot exist, loaded on first need."""

    def __init__(self, hosts: Hosts, get_small: GetSmall) -> None:
        self.hosts = hosts
        self.get_small = get_small
        self.pages: dict[str, asyncio.Future[list[str] | None]] = {}

    async def matches(self, url: str, body: bytes) -> bool:
        """Whether `body` is (nearly) the page the site shows for a URL that does not exist."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.pages:
            future: asyncio.Future[list[str] | None]
            future = asyncio.get_running_loop().create_future()
            self.pages[origin] = future
            try:
                future.set_result(await self._load(origin))
            finally:
                if not future.done():
                    future.set_result(None)
        words = await asyncio.shield(self.pages[origin])
        return words is not None and same_page(words, page_words(body))

    async def _load(self, origin: str) -> list[str] | None:
        missing = f"{origin}/{secrets.token_hex(8)}-factcheck-no-such-page"
        status, text = await self.get_small(missing, self.hosts.gate(origin))
        if status is None or not text.strip():
            return None
        return page_words(text.encode())
