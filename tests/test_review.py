"""Human review: an append-only audit trail shown beside (never over) the machine status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from factcheck.cli.app import main
from factcheck.formats import FORMATS
from tests.site import Page, Site

if TYPE_CHECKING:
    from tests.conftest import Invoke

QUOTE = "our schools will stay open all winter"


@pytest.fixture
def pages() -> dict[str, Page]:
    return {"/a": Page(f"<p>The mayor said {QUOTE}.</p>")}


@pytest.fixture
def args(tmp_path: Path, site: Site) -> list[str]:
    path = tmp_path / "claims.yaml"
    path.write_text(
        f"claims:\n  - id: schools\n    claim: The mayor promised.\n"
        f'    quote: "{QUOTE}"\n    sources: [{site.url("/a")}]\n'
    )
    args = ["--claims", str(path), "--db", str(tmp_path / "fc.db")]
    CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    return args


def test_reviews_are_recorded_with_who_and_when(
    args: list[str], tmp_path: Path, invoke: Invoke
) -> None:
    code, out, _ = invoke(
        "review", "schools", "--accept", "--note", "checked the video", "--by", "Ana", *args
    )
    assert code == 0 and "accept" in out and "Ana" in out
    invoke(
        "review",
        "schools",
        "--rating",
        "2",
        "--best",
        "5",
        "--label",
        "Misleading",
        "--note",
        "the video shows otherwise",
        "--by",
        "Ben",
        *args,
    )
    _, out, _ = invoke("status", "--json", *args)
    human = json.loads(out)["claims"][0]["human"]
    assert [(h["decision"], h["by"]) for h in human] == [("accept", "Ana"), ("rating", "Ben")]
    assert human[1]["rating"]["label"] == "Misleading"
    assert human[0]["at"].endswith("Z")
    assert json.loads(out)["claims"][0]["status"] == "supported"  # machine status untouched


def test_review_shows_in_show_and_every_report(args: list[str], invoke: Invoke) -> None:
    invoke("review", "schools", "--accept", "--note", "NOTE-FROM-EDITOR", "--by", "Ana", *args)
    _, out, _ = invoke("show", "schools", *args)
    assert "NOTE-FROM-EDITOR" in out and "Ana" in out
    for fmt in FORMATS:
        if fmt in ("csl-json", "bibtex", "ris", "claimreview"):
            continue  # citation formats describe sources, not decisions
        code, out, _ = invoke("report", "--format", fmt, *args)
        assert code == 0 and "Ana" in out, fmt


def test_rating_reaches_claimreview(args: list[str], invoke: Invoke) -> None:
    invoke(
        "review",
        "schools",
        "--rating",
        "2",
        "--best",
        "5",
        "--worst",
        "1",
        "--label",
        "Misleading",
        "--note",
        "the video shows otherwise",
        "--by",
        "Ben",
        *args,
    )
    code, _, err = invoke("report", "--format", "claimreview", *args)
    assert code == 4 and "url is required" in err  # no article.url in this claims file


def test_a_later_machine_change_contradicting_an_accept_is_flagged(
    args: list[str], site: Site, invoke: Invoke
) -> None:
    invoke("review", "schools", "--accept", "--note", "seen", "--by", "Ana", *args)
    site.pages["/a"] = Page("<p>The mayor said schools may close in winter.</p>")
    invoke("check", *args)
    _, out, _ = invoke("status", "--json", *args)
    claim = json.loads(out)["claims"][0]
    assert claim["status"] == "unverified" and claim["human_contradicted"] is True
    _, out, _ = invoke("show", "schools", *args)
    assert "changed after a human accepted it" in out


def test_review_errors(args: list[str], site: Site, invoke: Invoke) -> None:
    code, _, err = invoke("review", "nope", "--accept", "--note", "n", *args)
    assert code == 4 and "nope" in err
    code, _, err = invoke("review", "schools", *args)
    assert code == 2 and "--accept" in err
    code, _, err = invoke(
        "review", "schools", "--accept", "--note", "n", "--source", "http://x/other", *args
    )
    assert code == 4 and "not a source" in err
    code, _, _ = invoke(
        "review", "schools", "--checked", "--note", "n", "--source", site.url("/a"), *args
    )
    assert code == 0
