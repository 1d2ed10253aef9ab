"""Reading the article to draft from: a URL, an HTML, PDF or text file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from factcheck.draft.quotes import split_paragraphs
from factcheck.errors import ExitCode, ExtractError, FactcheckError
from factcheck.extract.html import HtmlParagraph, extract_source, html_to_text, read_paragraphs
from factcheck.extract.main_content import article_html
from factcheck.fetch.decode import decode_body
from factcheck.fetch.fetcher import Fetcher
from factcheck.models import Article, FetchRequest, FetchResult
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache


class ArticleError(FactcheckError):
    """The article to draft from is missing, unreadable or has no text."""

    exit_code = ExitCode.BAD_INPUT


@dataclass(frozen=True)
class ArticleInput:
    """An article's paragraphs (with links when it was HTML) and what is known about it."""

    paragraphs: tuple[HtmlParagraph, ...]
    article: Article | None = None


_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_article(
    source: str, base_url: str | None = None, settings: Settings | None = None
) -> ArticleInput:
    """Read ARTICLE: an http(s) URL (fetched politely, snapshot cached), an HTML file or a
    text file. Raises `ArticleError` (exit 4) when it cannot be read or has no text."""
    if source.lower().startswith(("http://", "https://")):
        found = _fetch_article(source, base_url, settings or Settings())
    else:
        found = _read_file(Path(source), base_url)
    if not any(p.text.strip() for p in found.paragraphs):
        raise ArticleError(f"{source}: the article has no text to draft claims from")
    return found


def _fetch_article(url: str, base_url: str | None, settings: Settings) -> ArticleInput:
    results: list[FetchResult] = []
    Fetcher(settings, SnapshotCache(settings.cache_dir)).fetch_many(
        [FetchRequest(url)], results.append
    )
    result = results[0] if results else None
    if result is None or not result.status.readable or result.body is None:
        why = f"{result.status}: {result.reason}" if result else "no response"
        raise ArticleError(f"cannot fetch the article {url} ({why})")
    final = result.final_url or url
    kind = (result.content_type or "").split(";")[0].strip().lower()
    if kind in _HTML_TYPES or (not kind and _looks_html(result.body)):
        html = decode_body(result.body, result.content_type)
        return _from_html(html, base_url or final, final)
    try:
        page = extract_source(result.body, result.content_type, final)
    except ExtractError as exc:
        raise ArticleError(f"cannot read the article {url}: {exc}") from None
    return ArticleInput(_plain(page.text), Article(title=page.title, url=final))


def _read_file(path: Path, base_url: str | None) -> ArticleInput:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such article file") from None
    except IsADirectoryError:
        raise ArticleError(f"{path}: is a directory, not an article") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if path.suffix.lower() in _HTML_SUFFIXES or _looks_html(data):
        return _from_html(decode_body(data, "text/html"), base_url, None)
    if data.lstrip()[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        try:  # read as `check` reads it, never as text ("1 0 obj")
            page = extract_source(data, "application/pdf", str(path))
        except ExtractError as exc:
            raise ArticleError(f"{path}: {exc}") from None
        return ArticleInput(_plain(page.text), Article(title=page.title))
    return ArticleInput(_plain(decode_body(data, "text/plain")))


def _looks_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _plain(text: str) -> tuple[HtmlParagraph, ...]:
    return tuple(HtmlParagraph(p) for p in split_paragraphs(text))


def _from_html(html: str, base_url: str | None, url: str | None) -> ArticleInput:
    """The article body's paragraphs (clutter left out), title, date and address: the URL it
    was fetched from, else the page's own canonical address; --base-url only resolves links."""
    try:
        page = html_to_text(html)
    except ExtractError as exc:
        raise ArticleError(f"cannot read the article: {exc}") from None
    published = page.metadata.published or ""
    published = published[:10] if re.match(r"\d{4}-\d{2}-\d{2}", published) else ""
    address = url or page.metadata.canonical_url
    with_url = address if address and address.lower().startswith(("http://", "https://")) else None
    article = Article(title=page.title, url=with_url, published=_valid_date(published))
    paragraphs = read_paragraphs(article_html(html) or html, base_url)
    return ArticleInput(tuple(paragraphs), article)


def _valid_date(value: str) -> str | None:
    try:
        found = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return found.isoformat() if found and found.year >= 1900 else None  # not '0001-01-01'
