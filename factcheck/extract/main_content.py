"""The article body of an HTML page without its clutter: menus, related headlines, comments,
author bios (owns trafilatura, the field's main-content extractor; issue 20, point 6)."""

from __future__ import annotations

import html as html_escape

import trafilatura
from trafilatura.utils import load_html


def article_html(page: str) -> str | None:
    """The page's main content as plain HTML (headings, paragraphs, lists, quotations, tables
    and their links, relative hrefs as written), keeping the page's <base href>; None when no
    article body can be told from the rest.

    A page wrapped whole in <form> (ASP.NET sites) reads like any other."""
    tree = load_html(page)
    if tree is None:
        return None
    bases = tree.xpath("//base/@href")
    body = trafilatura.extract(
        tree,
        output_format="html",
        include_links=True,
        include_comments=False,
        include_tables=True,
    )
    if not body:
        return None
    head = f'<base href="{html_escape.escape(str(bases[0]))}">' if bases else ""
    return f"<html><head>{head}</head>{body.removeprefix('<html>')}"
