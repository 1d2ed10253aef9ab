"""PDF bytes to SourceText with page offsets, so reports can cite "p. 4" (owns pypdf)."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader

from factcheck.errors import ExtractError
from factcheck.models import SourceMetadata, SourceText

MAX_PAGES = 2000  # bounds the work on a hostile or enormous document
PAGE_SEPARATOR = "\n\n"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable PDFs are common


def _iso(value: Any) -> str | None:
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
        return str(value.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return str(value.strftime("%Y-%m-%dT%H:%M:%S"))


def _info(reader: PdfReader, name: str) -> Any:
    try:
        meta = reader.metadata
        return getattr(meta, name) if meta is not None else None
    except Exception:  # a broken info dictionary must not lose the text
        return None


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def pdf_metadata(reader: PdfReader) -> SourceMetadata:
    """Title, authors and dates from the PDF document information dictionary."""
    author = _text_or_none(_info(reader, "author"))
    authors = tuple(a.strip() for a in author.split(";") if a.strip()) if author else ()
    return SourceMetadata(
        title=_text_or_none(_info(reader, "title")),
        authors=authors,
        published=_iso(_info(reader, "creation_date")),
        modified=_iso(_info(reader, "modification_date")),
    )


def _open(body: bytes) -> PdfReader:
    if not body.lstrip()[:5].startswith(b"%PDF"):
        raise ExtractError("not a PDF: the body does not start with %PDF")
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("the PDF is encrypted with a password")
        return reader
    except ExtractError:
        raise
    except Exception as err:  # pypdf raises many kinds on broken files
        raise ExtractError(f"unreadable PDF: {err}") from err


def _page_text(reader: PdfReader, index: int) -> str:
    try:
        return (reader.pages[index].extract_text() or "").strip()
    except Exception:  # one broken page must not lose the others
        return ""


def pdf_to_text(body: bytes) -> SourceText:
    """Extract the text of each page (at most MAX_PAGES), joined by blank lines.

    `page_starts[i]` is the offset in `text` where page i+1 starts. Raises ExtractError
    when the bytes are not a readable PDF.
    """
    reader = _open(body)
    try:
        count = min(len(reader.pages), MAX_PAGES)
    except Exception as err:
        raise ExtractError(f"unreadable PDF page tree: {err}") from err
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for index in range(count):
        starts.append(offset)
        page = _page_text(reader, index)
        parts.append(page)
        offset += len(page) + len(PAGE_SEPARATOR)
    metadata = pdf_metadata(reader)
    return SourceText(
        text=PAGE_SEPARATOR.join(parts),
        title=metadata.title,
        metadata=metadata,
        page_starts=tuple(starts),
    )
