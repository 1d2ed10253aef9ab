"""A text-fragment link that opens a source with the matched passage highlighted (issue 3)."""

from __future__ import annotations

from bisect import bisect_right
from urllib.parse import quote

from factcheck.models import QuoteMatch, QuoteStatus

LONG_EXACT = 150  # longer excerpts are linked as textStart,textEnd
EDGE_WORDS = 5  # words kept at each end of a textStart,textEnd range
CONTEXT_WORDS = 3  # words of prefix-/-suffix context
_NO_EVIDENCE = (QuoteStatus.ABSENT, QuoteStatus.UNCHECKED)


def text_fragment_url(url: str, match: QuoteMatch) -> str | None:
    """`url#:~:text=...` highlighting the match (WICG Text Fragments), or None.

    Any existing fragment is dropped. Passages that are long or cross a block boundary use
    `textStart,textEnd`; `prefix-,` and `,-suffix` are added when the span occurs more than
    once, to pick the right one.
    """
    if match.status in _NO_EVIDENCE or not match.excerpt.strip():
        return None
    words = match.excerpt.split()
    exact = " ".join(words)
    blocks = [b.split() for b in match.excerpt.split("\n") if b.strip()]
    if len(blocks) > 1:  # each of textStart and textEnd must lie within one block
        parts = [" ".join(blocks[0][:EDGE_WORDS]), " ".join(blocks[-1][-EDGE_WORDS:])]
    elif len(exact) > LONG_EXACT and len(words) > 2 * EDGE_WORDS:
        parts = [" ".join(words[:EDGE_WORDS]), " ".join(words[-EDGE_WORDS:])]
    else:
        parts = [exact]
    params = [encode_directive_part(p) for p in parts]
    if match.occurrences > 1:
        prefix = _context(match.prefix, before=True)
        suffix = _context(match.suffix, before=False)
        if prefix:
            params.insert(0, encode_directive_part(prefix) + "-")
        if suffix:
            params.append("-" + encode_directive_part(suffix))
    return f"{url.split('#', 1)[0]}#:~:text={','.join(params)}"


def encode_directive_part(text: str) -> str:
    """Percent-encode for a text directive: everything but unreserved chars, and `-` too."""
    return quote(text, safe="").replace("-", "%2D")


def _context(text: str, *, before: bool) -> str:
    """A few whole words next to the match within its block (no partial word at the cut)."""
    block = text.rsplit("\n", 1)[-1] if before else text.split("\n", 1)[0]
    words = block.split()
    if before and block and not block[0].isspace() and len(text) >= 32:
        words = words[1:]  # first word may be cut by the 32-character window
    if not before and block and not block[-1].isspace() and len(text) >= 32:
        words = words[:-1]
    return " ".join(words[-CONTEXT_WORDS:] if before else words[:CONTEXT_WORDS])


def pdf_page_url(url: str, page_starts: tuple[int, ...], start: int | None) -> str | None:
    """`url#page=N` for the PDF page where the match starts (RFC 8118 §3): PDF viewers do not
    read text fragments, but every common one opens `#page=N`."""
    if start is None or not page_starts:
        return None
    return f"{url.split('#', 1)[0]}#page={max(1, bisect_right(page_starts, start))}"
