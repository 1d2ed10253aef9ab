"""Charset handling: header, BOM, <meta>, detection; never raises."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck.fetch.decode import charset_from_content_type, charset_from_meta, decode_body

TEXT = "Te Pāti Māori — “naïve café”"


def test_header_charset() -> None:
    assert decode_body("café".encode("cp1252"), "text/html; charset=windows-1252") == "café"
    assert charset_from_content_type('text/html; charset="UTF-8"') == "UTF-8"
    assert charset_from_content_type("text/html") is None


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
def test_bom_beats_the_header(codec: str) -> None:
    body = TEXT.encode(codec)
    assert decode_body(body, "text/html; charset=iso-8859-1") == TEXT


@pytest.mark.parametrize(
    "meta",
    [
        "<meta charset='windows-1251'>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
    ],
)
def test_meta_charset_when_the_header_has_none(meta: str) -> None:
    html = f"<html><head>{meta}</head><body>Привет, мир</body></html>"
    assert "Привет, мир" in decode_body(html.encode("cp1251"), "text/html")
    assert charset_from_meta(html.encode("cp1251")) == "windows-1251"


def test_xml_declaration() -> None:
    body = '<?xml version="1.0" encoding="iso-8859-15"?><html>€uro</html>'.encode("iso-8859-15")
    assert "€uro" in decode_body(body, "application/xhtml+xml")


def test_bogus_header_charset_falls_back_to_meta() -> None:
    body = f"<meta charset='utf-8'><p>{TEXT}</p>".encode()
    assert TEXT in decode_body(body, "text/html; charset=no-such-thing")


def test_header_that_fails_to_decode_yields_to_meta() -> None:
    body = "<meta charset='windows-1252'><p>café “quoted”</p>".encode("cp1252")
    assert "café “quoted”" in decode_body(body, "text/html; charset=utf-8")


def test_latin1_header_over_real_utf8_with_utf8_meta() -> None:
    body = f"<meta charset='utf-8'><p>{TEXT}</p>".encode()
    assert TEXT in decode_body(body, "text/html; charset=ISO-8859-1")


def test_latin1_header_is_kept_when_meta_agrees_or_is_absent() -> None:
    body = "<p>café</p>".encode("latin-1")
    assert decode_body(body, "text/html; charset=iso-8859-1") == "<p>café</p>"


def test_latin1_label_means_windows_1252() -> None:
    assert decode_body(b"\x93quoted\x94", "text/plain; charset=iso-8859-1") == "“quoted”"


def test_detection_without_any_declaration() -> None:
    text = "Это длинный русский текст о правительстве, министрах и соглашении. " * 5
    assert decode_body(text.encode("cp1251"), None) == text
    assert decode_body(TEXT.encode(), None) == TEXT


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("<p>Le café coûte 3 € — c’est « naïve ».</p>", "cp1252"),
        ("<p>São Paulo’s mayor said “no”.</p>", "cp1252"),
        ("<p>Déjà vu</p>", "cp1252"),
        ("<p>Příliš žluťoučký kůň úpěl ďábelské ódy.</p>", "cp1250"),
        ("<p>Στην Ελλάδα το κόστος ζωής αυξήθηκε</p>", "cp1253"),
    ],
)
def test_short_undeclared_single_byte_pages(text: str, codec: str) -> None:
    """Issue 15: a short windows-1252 page with no charset read as cp1250 ('coűte', 'Săo')."""
    assert decode_body(text.encode(codec), "text/html") == text


def test_meta_claiming_utf16_in_an_ascii_page_is_ignored() -> None:
    body = f"<meta charset='utf-16'><p>{TEXT}</p>".encode()
    assert TEXT in decode_body(body, "text/html")


@given(st.binary(max_size=2000), st.one_of(st.none(), st.text(max_size=60)))
def test_never_raises(body: bytes, content_type: str | None) -> None:
    assert isinstance(decode_body(body, content_type), str)


@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_declared_charset_roundtrips(text: str, charset: str) -> None:
    try:
        body = text.encode(charset)
    except UnicodeEncodeError:
        return
    if charset == "utf-16":
        assert body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    elif body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return  # a byte-order mark beats the header (WHATWG): "þÿ" in cp1252 is FE FF
    decoded = decode_body(body, f"text/plain; charset={charset}")
    if charset == "latin-1":  # browsers read latin-1 labels as windows-1252
        expected = body.decode("cp1252") if _cp1252(body) else body.decode("latin-1")
        assert decoded == expected
    else:
        assert decoded == text


def _cp1252(body: bytes) -> bool:
    try:
        body.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True
