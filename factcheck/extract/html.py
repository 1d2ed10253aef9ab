"""Turn a fetched body into readable text, metadata and linked paragraphs (owns BeautifulSoup)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from factcheck.errors import ExtractError
from factcheck.extract.tree import parse_html, read_heads, visible_pieces
from factcheck.extract.visible import (
    BLOCK,
    LINE,
    PARA,
    SKIP,
    Heads,
    clean,
    invisible,
    join_pieces,
    read_metadata,
)
from factcheck.models import SourceText

MAX_TAGS = 250_000  # BeautifulSoup needs ~35 µs a tag: bound the time on hostile pages
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")


def extract_source(body: bytes, content_type: str | None, url: str) -> SourceText:
    """Readable text of a fetched body: HTML/XHTML, plain text or PDF; else ExtractError."""
    from factcheck.fetch.decode import decode_body  # written in parallel (issue 4)

    kind = (content_type or "").split(";")[0].strip().lower()
    if not kind:
        kind = _sniff(body, url)
    if kind == "application/pdf":
        from factcheck.extract.pdf import pdf_to_text

        return pdf_to_text(body)
    if kind in _HTML_TYPES:
        return html_to_text(decode_body(body, content_type))
    if kind == "text/plain":
        return SourceText(text=decode_body(body, content_type))
    raise ExtractError(f"cannot read {kind or 'unknown'} content from {url}")


def _sniff(body: bytes, url: str) -> str:
    head = body[:512].lstrip().lower()
    if head.startswith(b"%pdf") or url.lower().endswith(".pdf"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return "text/html"
    return "text/plain" if url.lower().endswith((".txt", ".text")) else ""


def html_to_text(html: str) -> SourceText:
    """Visible text with paragraph breaks between blocks, plus title and metadata.

    Read from lxml's tree; from BeautifulSoup's where lxml gives up (nesting past ~2,048).
    """
    if html.count("<") > MAX_TAGS:
        raise ExtractError(f"page has more than {MAX_TAGS} tags")
    roots = parse_html(html)
    text, heads = (
        (join_pieces(visible_pieces(roots)), read_heads(roots)) if roots else soup_text(html)
    )
    title = clean(heads.title)
    return SourceText(text=text, title=title or None, metadata=read_metadata(heads))


def soup_text(html: str) -> tuple[str, Heads]:
    """Visible text and head fields through BeautifulSoup's tree (no depth limit)."""
    soup = BeautifulSoup(html, "lxml")
    body = soup.find("body")
    return join_pieces(_walk(body if isinstance(body, Tag) else soup)), _heads(soup)


def _walk(root: Tag) -> Iterator[tuple[str, bool]]:
    """Text pieces in document order with an explicit stack: no recursion, any depth."""
    stack: list[tuple[Iterator[Any], str]] = [(iter(root.contents), "")]
    pre = 0
    while stack:
        node = next(stack[-1][0], None)
        if node is None:
            name = stack.pop()[1]
            pre -= name == "pre"
            if name in BLOCK:
                yield PARA, False
            continue
        if isinstance(node, Tag):
            if node.name in SKIP or invisible(node.has_attr("hidden"), node.get("style")):
                continue
            if node.name == "br":
                yield LINE, False
                continue
            if node.name in BLOCK:
                yield PARA, False
            pre += node.name == "pre"
            stack.append((iter(node.contents), node.name))
        elif type(node) is NavigableString:  # not comments, nor ruby annotations (rt, rp)
            yield str(node), pre > 0


def _heads(soup: BeautifulSoup) -> Heads:
    """The raw head fields, as `read_heads` finds them in lxml's tree."""
    title = soup.find("title")
    time_tag = soup.find("time", attrs={"datetime": True})
    canonical = soup.find("link", rel="canonical", href=True)
    html_tag = soup.find("html")
    return Heads(
        title=title.get_text() if isinstance(title, Tag) else None,
        metas=[
            {k: v for k, v in tag.attrs.items() if isinstance(v, str)}
            for tag in soup.find_all("meta", attrs={"content": True})
        ],
        ld_texts=[
            s.get_text() for s in soup.find_all("script", attrs={"type": "application/ld+json"})
        ],
        time=_attr(time_tag, "datetime"),
        canonical=_attr(canonical, "href"),
        lang=_attr(html_tag, "lang"),
    )


def _attr(tag: Any, name: str) -> str | None:
    value = tag.get(name) if isinstance(tag, Tag) else None
    return value if isinstance(value, str) else None


# --- paragraphs with their links, for drafting claims (issue 7) ------------------------------

# Boilerplate around an article: its links are navigation, not sources.
ARTICLE_SKIP = SKIP | frozenset(
    ["nav", "header", "footer", "aside", "button", "select", "svg", "iframe"]
)
_ANY_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Link:
    """An absolute http(s) link and where its anchor text sits in the paragraph text."""

    url: str
    start: int
    end: int


@dataclass(frozen=True)
class HtmlParagraph:
    """One paragraph of an article and the links inside it."""

    text: str
    links: tuple[Link, ...] = ()


def read_paragraphs(html: str, base_url: str | None = None) -> list[HtmlParagraph]:
    """Paragraphs with each link's span in the paragraph text (empty paragraphs dropped)."""
    soup = BeautifulSoup(html, "lxml")
    base = _document_base(soup, base_url)
    body = soup.find("body")
    builder = _Builder(base)
    for event, node in _walk_events(body if isinstance(body, Tag) else soup):
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


def _walk_events(root: Tag) -> Iterator[tuple[str, Any]]:
    """("open", tag), ("close", tag) and ("text", str) events with an explicit stack."""
    stack: list[tuple[Iterator[Any], Tag]] = [(iter(root.contents), root)]
    while stack:
        node = next(stack[-1][0], None)
        if node is None:
            yield "close", stack.pop()[1]
        elif isinstance(node, Tag):
            if node.name not in ARTICLE_SKIP:
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
        """Take one event of `_walk_events`."""
        if event == "text":
            piece = _ANY_SPACE.sub(" ", node)
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
        """End the current paragraph (kept when it has text), links re-based to its start."""
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
