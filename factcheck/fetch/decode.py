"""Bytes to text: charset from BOM, header, <meta>, then detection (owns charset-normalizer)."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

META_SCAN_BYTES = 4096  # WHATWG prescan looks at the first 1024; old pages put it later
DETECT_BYTES = 256 * 1024

# The WHATWG BOM sniff: UTF-32 BOMs are not recognised (FF FE 00 00 is UTF-16 LE + NUL).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that browsers treat as windows-1252 (WHATWG Encoding Standard).
_CP1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    found = _HEADER_CHARSET.search(content_type)
    return found.group(1) if found else None


def charset_from_meta(body: bytes) -> str | None:
    """The charset declared by `<meta charset>`, `<meta http-equiv>` or an XML declaration."""
    head = body[:META_SCAN_BYTES]
    found = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


def _codec(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when the label is bogus."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _CP1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        if codec == "cp1252":  # five bytes are undefined in cp1252; latin-1 maps them all
            return body.decode("latin-1")
        return None


def _from_bom(body: bytes) -> str | None:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, "replace")
    return None


def _detect(body: bytes) -> str:
    if (utf8 := _strict(body, "utf-8")) is not None:
        return utf8
    return body.decode(_detected_codec(body[:DETECT_BYTES]) or "cp1252", "replace")


def _detected_codec(sample: bytes) -> str | None:
    """The detector's best guess; on a tie, windows-1252, the web's fallback (WHATWG).

    A short page gives the detector too little to tell the single-byte Latin codecs apart:
    it scores cp1250, cp1252 and cp1257 alike and picks the first, turning "café" and "coûte"
    into "café" and "coűte". A browser reads an undeclared page as windows-1252.
    """
    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        tie = match.chaos <= best.chaos and match.coherence >= best.coherence
        if tie and _codec(match.encoding) == "cp1252":
            return "cp1252"
    return _codec(best.encoding)


def _header_lies(codec: str, meta: str | None, body: bytes) -> bool:
    """A single-byte header charset over a page that says UTF-8 and is valid, non-ASCII UTF-8.

    Servers often default to ISO-8859-1 for every page; decoding real UTF-8 that way
    would garble every accented letter, and valid multi-byte UTF-8 is almost never an
    accident in a single-byte text.
    """
    if codec != "cp1252" or meta != "utf-8" or body.isascii():
        return False
    return _strict(body, "utf-8") is not None


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode a fetched body: BOM, then the header charset, then `<meta>`, then detection.

    A bogus or wrong declared charset falls through to the next source; never raises.
    """
    try:
        if (text := _from_bom(body)) is not None:
            return text
        header = _codec(charset_from_content_type(content_type))
        meta = _codec(charset_from_meta(body))
        if meta is not None and meta.startswith(("utf-16", "utf-32")):
            meta = "utf-8"  # a page readable enough to declare it in ASCII is not UTF-16
        trust_header = header is not None and not _header_lies(header, meta, body)
        if trust_header and (text := _strict(body, header)) is not None:
            return text
        if (text := _strict(body, meta)) is not None:
            return text
        return _detect(body)
    except Exception:  # decoding must never stop a run
        return body.decode("utf-8", "replace")
