"""What either HTML tree (lxml's or BeautifulSoup's) yields: visible text pieces joined into
paragraphs, and the page's head fields turned into `SourceMetadata` (no parser imported here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from factcheck.models import SourceMetadata

SKIP = frozenset({"script", "style", "noscript", "template", "head"})
# Ruby annotations (pronunciation over the base text) are no part of the quoted words;
# BeautifulSoup keeps their strings apart (RubyTextString), and the lxml walk drops them too.
RUBY = frozenset({"rt", "rp"})
_BLOCK_NAMES = (
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend "
    "li main menu nav ol p pre section summary table tbody td tfoot th thead title tr ul"
)
BLOCK = frozenset(_BLOCK_NAMES.split())
PARA = "\x00"  # paragraph break placeholder
LINE = "\x01"  # <br> placeholder
# HTML whitespace runs other than a lone space (replacing those too costs 4x as much)
_SPACE_RUNS = re.compile(r"[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+")
_LINES = re.compile(r" *\x01 *")
_INVISIBLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def invisible(hidden: bool, style: object) -> bool:
    """Text no reader sees: the `hidden` attribute or an inline display:none/visibility:hidden.

    A quote found only there must not verify (a page can hide words for machines).
    """
    return hidden or (isinstance(style, str) and _INVISIBLE.search(style) is not None)


def join_pieces(pieces: Iterable[tuple[str, bool]]) -> str:
    """Text pieces (with "inside <pre>") and break placeholders, as paragraphs.

    Whitespace collapses within each piece outside <pre>; paragraphs are cut at every
    PARA, trimmed of spaces and line placeholders, and the empty ones dropped.
    """
    joined = "".join(piece if pre else _collapse(piece) for piece, pre in pieces)
    blocks = (block.strip(" \x01") for block in joined.split(PARA))
    return "\n\n".join(
        _LINES.sub("\n", block) if LINE in block else block for block in blocks if block.strip()
    )


def _collapse(piece: str) -> str:
    """Every run of HTML whitespace as one space (C-level scans spare most pieces the regex)."""
    if "\n" in piece or "  " in piece or "\t" in piece or "\r" in piece or "\f" in piece:
        return _SPACE_RUNS.sub(" ", piece)
    return piece


@dataclass
class Heads:
    """The raw fields metadata is read from, as found in document order."""

    title: str | None = None
    metas: list[dict[str, str]] = field(default_factory=list)  # attributes of meta[content]
    ld_texts: list[str] = field(default_factory=list)  # script[type=application/ld+json]
    time: str | None = None  # the first time[datetime]'s datetime
    canonical: str | None = None  # the first link[rel~=canonical][href]'s href
    lang: str | None = None  # the first html element's lang


def clean(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


def json_ld(texts: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Objects of every JSON-LD block, @graph flattened; broken JSON is ignored."""
    for text in texts:
        try:
            data = json.loads(text)
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


def read_metadata(heads: Heads) -> SourceMetadata:
    """Title, site, authors, dates, canonical URL and language from meta, OpenGraph, JSON-LD."""
    meta = _meta_values(heads.metas)
    ld = next((d for d in json_ld(heads.ld_texts) if _ARTICLE.search(str(d.get("@type", "")))), {})
    return SourceMetadata(
        title=_first(meta.get("og:title"), _text(ld.get("headline")), clean(heads.title)),
        site_name=_first(meta.get("og:site_name"), meta.get("application-name")),
        authors=_authors(meta, ld),
        published=_first(
            meta.get("article:published_time"),
            _text(ld.get("datePublished")),
            meta.get("date"),
            meta.get("dc.date"),
            clean(heads.time),
        ),
        modified=_first(
            meta.get("article:modified_time"),
            meta.get("og:updated_time"),
            _text(ld.get("dateModified")),
        ),
        canonical_url=_first(clean(heads.canonical), meta.get("og:url")),
        language=_first(clean(heads.lang), meta.get("content-language"), meta.get("og:locale")),
    )


def _meta_values(metas: list[dict[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for attrs in metas:
        key = (attrs.get("property") or attrs.get("name") or attrs.get("http-equiv")) or attrs.get(
            "itemprop"
        )
        content = clean(attrs.get("content"))
        if key and content:
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
    return clean(value) if isinstance(value, str) else None


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)
