"""The shared quote corpus for the benches: where it is, its cases and its pages' text."""

from __future__ import annotations

import gzip
import json
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from factcheck.extract.html import html_to_text  # noqa: E402


def find_corpus() -> Path | None:
    """The shared corpus: ../shared/corpus from the project root, else from its parents."""
    for base in (ROOT, *ROOT.parents):
        candidate = base.parent / "shared" / "corpus"
        if (candidate / "dev_cases.jsonl").exists():
            return candidate
    return None


def load_jsonl(path: Path) -> list[dict[str, str]]:
    """One dict per non-empty line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@cache
def page_text(pages: Path, page_id: str) -> str:
    """A page's text through the tool's own extraction (the page is UTF-8, gzipped)."""
    html = gzip.decompress((pages / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
    return html_to_text(html).text


def page_ids(pages: Path) -> list[str]:
    """Every page id in a pages folder, sorted."""
    return sorted(p.name.removesuffix(".html.gz") for p in pages.glob("*.html.gz"))


_DROPPED = ("script", "style", "noscript", "template", "head")  # the title is no article text
_BLOCKS = (
    "address article aside blockquote body dd div dl dt figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table td th tr ul br"
)


@cache
def visible_text(pages: Path, page_id: str, parser: str = "lxml") -> str:
    """The corpus README's visible text: no script/style/noscript/template, blocks on lines.

    Independent of the tool's extraction, so cases made from it test that extraction too.
    """
    from bs4 import BeautifulSoup

    html = gzip.decompress((pages / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
    soup = BeautifulSoup(html, parser)
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    for tag in soup.find_all(_BLOCKS.split()):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return str(soup.get_text())
