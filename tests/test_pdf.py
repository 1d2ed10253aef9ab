"""PDF text extraction: page offsets, metadata, bounded work, unreadable files."""

from __future__ import annotations

import pytest
from webserver import make_pdf

from factcheck.errors import ExtractError
from factcheck.extract import pdf
from factcheck.extract.pdf import pdf_to_text


def test_pages_and_offsets() -> None:
    pages = ["Page one text", "Page two (with parens)", "Page three"]
    text = pdf_to_text(make_pdf(pages, title="Annual report", author="Ministry; Jane Doe"))
    for number, words in enumerate(pages):
        start = text.page_starts[number]
        assert text.text[start:].startswith(words)
    assert text.text.count("\n\n") == 2
    assert text.title == "Annual report"
    assert text.metadata.authors == ("Ministry", "Jane Doe")
    assert text.metadata.published == "2025-01-02T03:04:05Z"


def test_page_count_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    text = pdf_to_text(make_pdf(["a page", "b page", "c page"]))
    assert len(text.page_starts) == 2 and "c page" not in text.text


@pytest.mark.parametrize(
    "body", [b"", b"<html>not a pdf</html>", b"%PDF-1.4\n garbage without structure", b"%PDF"]
)
def test_unreadable_pdfs_raise_extract_error(body: bytes) -> None:
    with pytest.raises(ExtractError):
        pdf_to_text(body)


def test_truncated_pdf_raises_or_reads_cleanly() -> None:
    body = make_pdf(["some words here", "more words"])[:-60]
    try:
        text = pdf_to_text(body)
    except ExtractError:
        return
    assert "some words here" in text.text
