"""Turn a fetched body into readable text, metadata and linked paragraphs (owns BeautifulSoup)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from factcheck.errors import ExtractError
from factcheck.models import SourceMetadata, SourceText

MAX_TAGS = 250_000  # BeautifulSoup needs ~35 µs a tag: bound the time on hostile pages
SKIP = frozenset({"script", "style", "noscript", "template", "head"})
_BLOCK_NAMES = (
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend "
    "li main menu nav ol p pre section summary table tbody td tfoot th thead title tr ul"
)
BLOCK = frozenset(_BLOCK_NAMES.split())
_PARA = "\x00"  # paragraph break placeholder
_LINE = "\x01"  # <br> placeholder
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_BREAKS = re.compile(r"[ \x00\x01]*\x00[ \x00\x01]*")
_LINES = re.compile(r" *\x01 *")
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
    """Visible text with paragraph breaks between blocks, plus title and metadata."""
    if html.count("<") > MAX_TAGS:
        raise ExtractError(f"page has more than {MAX_TAGS} tags")
    soup = BeautifulSoup(html, "lxml")
    title_tag = soup.find("title")
    title = _clean(title_tag.get_text()) if isinstance(title_tag, Tag) else None
    body = soup.find("body")
    text = _visible_text(body if isinstance(body, Tag) else soup)
    return SourceText(text=text, title=title or None, metadata=read_metadata(soup, title))


def _visible_text(root: Tag) -> str:
    pieces: list[str] = []
    for piece, pre in _walk(root):
        pieces.append(piece if pre else _HTML_SPACE.sub(" ", piece))
    joined = _BREAKS.sub(_PARA, "".join(pieces))
    joined = _LINES.sub("\n", joined)
    blocks = (block.strip(" ") for block in joined.split(_PARA))
    return "\n\n".join(block for block in blocks if block.strip())


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
                yield _PARA, False
            continue
        if isinstance(node, Tag):
            if node.name in SKIP or _hidden(node):
                continue
            if node.name == "br":
                yield _LINE, False
                continue
            if node.name in BLOCK:
                yield _PARA, False
            pre += node.name == "pre"
            stack.append((iter(node.contents), node.name))
        elif type(node) is NavigableString:
            yield str(node), pre > 0


_INVISIBLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hidden(tag: Tag) -> bool:
    """Text no reader sees: the `hidden` attribute or an inline display:none/visibility:hidden.

    A quote found only there must not verify (a page can hide words for machines).
    """
    if tag.has_attr("hidden"):
        return True
    style = tag.get("style")
    return isinstance(style, str) and _INVISIBLE.search(style) is not None


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


def json_ld(soup: BeautifulSoup) -> Iterator[dict[str, Any]]:
    """Objects of every JSON-LD block, @graph flattened; broken JSON is ignored."""
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.get_text())
        except (ValueError, RecursionError):
            continue
        todo = [data]
        while todo:
            item = todo.pop()
            if isinstance(item, list):
                todo.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    todo.extend(reversed(item["@graph"]))


_ARTICLE = re.compile(r"Article|Posting|Report|WebPage|BlogPosting", re.IGNORECASE)


def read_metadata(soup: BeautifulSoup, title: str | None) -> SourceMetadata:
    """Title, site, authors, dates, canonical URL and language from meta, OpenGraph, JSON-LD."""
    meta = _meta_values(soup)
    ld = next((d for d in json_ld(soup) if _ARTICLE.search(str(d.get("@type", "")))), {})
    time_tag = soup.find("time", attrs={"datetime": True})
    canonical = soup.find("link", rel="canonical", href=True)
    html_tag = soup.find("html")
    return SourceMetadata(
        title=_first(meta.get("og:title"), _text(ld.get("headline")), title),
        site_name=_first(meta.get("og:site_name"), meta.get("application-name")),
        authors=_authors(meta, ld),
        published=_first(
            meta.get("article:published_time"),
            _text(ld.get("datePublished")),
            meta.get("date"),
            meta.get("dc.date"),
            _attr(time_tag, "datetime"),
        ),
        modified=_first(
            meta.get("article:modified_time"),
            meta.get("og:updated_time"),
            _text(ld.get("dateModified")),
        ),
        canonical_url=_first(_attr(canonical, "href"), meta.get("og:url")),
        language=_first(
            _attr(html_tag, "lang"), meta.get("content-language"), meta.get("og:locale")
        ),
    )


def _meta_values(soup: BeautifulSoup) -> dict[str, str]:
    values: dict[str, str] = {}
    for tag in soup.find_all("meta", attrs={"content": True}):
        key = tag.get("property") or tag.get("name") or tag.get("http-equiv") or tag.get("itemprop")
        content = _clean(str(tag.get("content")))
        if isinstance(key, str) and content:
            values.setdefault(key.strip().lower(), content)
    return values


def _authors(meta: dict[str, str], ld: dict[str, Any]) -> tuple[str, ...]:
    found = ld.get("author")
    people = found if isinstance(found, list) else [found]
    names = [_text(p.get("name") if isinstance(p, dict) else p) for p in people]
    names += [meta.get("author"), meta.get("article:author"), meta.get("dc.creator")]
    unique: dict[str, None] = {}
    for name in names:
        if name and not name.startswith("http"):
            unique.setdefault(name, None)
    return tuple(unique)


def _text(value: Any) -> str | None:
    return _clean(value) if isinstance(value, str) else None


def _attr(tag: Any, name: str) -> str | None:
    value = tag.get(name) if isinstance(tag, Tag) else None
    return _clean(value) if isinstance(value, str) else None


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


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
