"""Paragraphs of an HTML article with the hyperlinks inside them, for drafting claims."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Boilerplate around an article: its links are navigation, not sources.
SKIP = _words(
    "script style noscript template head nav header footer aside form button select svg iframe"
)
BLOCK = _words(
    "address article blockquote body caption dd details dialog div dl dt fieldset figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr html li main ol p pre section summary table tbody td tfoot "
    "th thead tr ul"
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Link:
    """An absolute http(s) link and where its anchor text sits in the paragraph text."""

    url: str
    start: int
    end: int


@dataclass(frozen=True)
class HtmlParagraph:
    text: str
    links: tuple[Link, ...] = ()


def paragraphs_with_links(
    html: str, base_url: str | None = None
) -> list[tuple[str, tuple[str, ...]]]:
    """Visible paragraph text and the absolute http(s) hrefs inside it, in document order.

    Relative hrefs resolve against `base_url` (and the page's own <base href>); javascript:,
    mailto:, in-page fragments and unresolvable relative links are left out.
    """
    result = []
    for para in read_paragraphs(html, base_url):
        urls = tuple(dict.fromkeys(link.url for link in para.links))
        result.append((para.text, urls))
    return result


def read_paragraphs(html: str, base_url: str | None = None) -> list[HtmlParagraph]:
    """Paragraphs with each link's span in the paragraph text (empty paragraphs dropped)."""
    soup = BeautifulSoup(html, "lxml")
    base = _document_base(soup, base_url)
    body = soup.find("body")
    builder = _Builder(base)
    for event, node in _walk(body if isinstance(body, Tag) else soup):
        builder.feed(event, node)
    builder.flush()
    return builder.paragraphs


def absolute_http(href: str | None, base: str | None) -> str | None:
    """`href` as an absolute http(s) URL without fragment, or None."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    scheme = urlsplit(href).scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return None  # javascript:, mailto:, tel:, data:, ...
    url = href if scheme else (urljoin(base, href) if base else "")
    if not url.lower().startswith(("http://", "https://")) or not urlsplit(url).netloc:
        return None
    return urldefrag(url)[0]


def _document_base(soup: BeautifulSoup, base_url: str | None) -> str | None:
    tag = soup.find("base", href=True)
    href = tag.get("href") if isinstance(tag, Tag) else None
    if isinstance(href, str) and href.strip():
        joined = urljoin(base_url, href.strip()) if base_url else href.strip()
        if joined.lower().startswith(("http://", "https://")):
            return joined
    return base_url


def _walk(root: Tag) -> Iterator[tuple[str, Any]]:
    """("open", tag), ("close", tag) and ("text", str) events with an explicit stack."""
    stack: list[tuple[Iterator[Any], Tag]] = [(iter(root.contents), root)]
    while stack:
        node = next(stack[-1][0], None)
        if node is None:
            yield "close", stack.pop()[1]
        elif isinstance(node, Tag):
            if node.name not in SKIP:
                yield "open", node
                stack.append((iter(node.contents), node))
        elif type(node) is NavigableString:
            yield "text", str(node)


class _Builder:
    """Collects inline text into paragraphs, cut at every block boundary."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.paragraphs: list[HtmlParagraph] = []
        self.text = ""
        self.links: list[Link] = []
        self.open_links: list[tuple[str | None, int]] = []

    def feed(self, event: str, node: Any) -> None:
        if event == "text":
            piece = _SPACE.sub(" ", node)
            self.text += piece[1:] if piece.startswith(" ") and self.text.endswith(" ") else piece
        elif node.name == "br":
            self.text += "" if self.text.endswith(" ") else " "
        elif node.name in BLOCK:
            self.flush()
        elif node.name == "a" and event == "open":
            href = node.get("href")
            self.open_links.append((href if isinstance(href, str) else None, len(self.text)))
        elif node.name == "a" and self.open_links:
            href, start = self.open_links.pop()
            url = absolute_http(href, self.base)
            if url and len(self.text) > start:
                self.links.append(Link(url, start, len(self.text)))

    def flush(self) -> None:
        text = self.text.rstrip()
        lead = len(text) - len(text.lstrip())
        if text.strip():
            links = tuple(
                Link(k.url, max(k.start - lead, 0), min(k.end - lead, len(text) - lead))
                for k in self.links
            )
            self.paragraphs.append(HtmlParagraph(text.strip(), links))
        self.text, self.links = "", []
        self.open_links = [(href, 0) for href, _ in self.open_links]
