"""Fact claims judged as a fact-checker would (issue 18), through the CLI on local pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from factcheck.cli.app import main
from tests.site import Page, Site, serve

SOURCES = Path(__file__).parent / "data" / "fact_sources"

# Claims C1, C7, C8, C11 and C18 of the seed article (shared/seed/SOURCES.md), verbatim, each
# with short pages written for them (tests/data/fact_sources) that split its specifics.
SEED_CLAIMS = {
    "c1": (
        "NZ Defence Minister Judith Collins signed two defence and security pacts with Japan in "
        "Tokyo on 19 December 2025 with Japan's Foreign Minister Toshimitsu Motegi: an "
        "Acquisition and Cross-Servicing Agreement (ACSA) and an Information Security Agreement "
        "(ISA).",
        ["c1-anews", "c1-mofa", "c1-yomiuri"],
    ),
    "c7": (
        "In August 2025 Collins welcomed FBI director Kash Patel to open the FBI's new office in "
        "Wellington.",
        ["c7-herald", "c7-rnz"],
    ),
    "c8": (
        "In October 2025 Collins visited CIA headquarters in Langley, met CIA director John "
        "Ratcliffe, and posted photos with Pete Hegseth.",
        ["c8-rnz", "c8-anadolu", "c8-1news"],
    ),
    "c11": (
        "June 2024: PM Luxon and PM Kishida in Tokyo agreed an intelligence-sharing pact; NZ "
        "boosted its contribution to the UN Command in Korea (DMZ) from 12 to 53 personnel; HMNZS "
        "Aotearoa deployed to monitor North Korea sanctions.",
        ["c11-ap", "c11-scoop", "c11-rnz"],
    ),
    "c18": (
        "The NZDF participated in Talisman Sabre 2025 and Bersama Shield.",
        ["c18-rnz", "c18-scoop"],
    ),
}


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        for page in SOURCES.glob("*.html"):
            s.pages[f"/{page.stem}"] = Page(page.read_text("utf-8"))
        yield s


class Checker:
    """Runs factcheck commands on one claims file and database."""

    def __init__(self, tmp_path: Path) -> None:
        self.runner = CliRunner()
        self.claims = tmp_path / "claims.yaml"
        self.args = ["--claims", str(self.claims), "--db", str(tmp_path / "fc.db")]

    def write(self, claims: list[dict[str, Any]], published: str = "2026-01-16") -> None:
        doc = {"article": {"title": "Seed", "published": published}, "claims": claims}
        self.claims.write_text(json.dumps(doc))  # JSON is YAML

    def run(self, *command: str) -> str:
        result = self.runner.invoke(main, [*command, *self.args], catch_exceptions=False)
        assert result.exit_code in (0, 3), result.output
        return result.stdout

    def statuses(self) -> dict[str, str]:
        data = json.loads(self.run("check", "--json"))
        return {c["id"]: c["status"] for c in data["claims"]}

    def status_json(self, claim_id: str) -> dict[str, Any]:
        data = json.loads(self.run("status", "--json"))
        claim: dict[str, Any] = next(c for c in data["claims"] if c["id"] == claim_id)
        return claim


def _claim(cid: str, text: str, site: Site, *pages: str, **more: Any) -> dict[str, Any]:
    return {"id": cid, "claim": text, "sources": [site.url(f"/{p}") for p in pages], **more}


@pytest.fixture
def checker(tmp_path: Path) -> Checker:
    return Checker(tmp_path)


def test_seed_claims_are_judged_across_their_sources(checker: Checker, site: Site) -> None:
    checker.write([_claim(cid, text, site, *pages) for cid, (text, pages) in SEED_CLAIMS.items()])
    assert checker.statuses() == {
        "c1": "supported",
        "c7": "partly",
        "c8": "supported",
        "c11": "partly",
        "c18": "supported",
    }
    c8 = checker.run("show", "c8")
    assert "verdict: supported — every specific found" in c8
    # the coverage table: one column per source, a row per specific
    assert "specific" in c8 and "S1" in c8 and "S3" in c8
    assert any(
        line.split()[:2] == ["Pete", "Hegseth"] and "found" in line for line in c8.split("\n")
    )
    c1 = checker.run("show", "c1")
    assert "verdict: supported" in c1
    assert "context only, not deciding: Japan (context)" in c1
    c7 = checker.run("show", "c7")
    assert "conflict on August 2025 (date): source says 31 July 2025" in c7
    c11 = checker.run("show", "c11")
    assert "source says from 12 to up to 53" in c11
    assert "«The Government will increase the number of NZDF personnel" in c11


def test_show_reads_like_a_fact_checkers_note(checker: Checker, site: Site) -> None:
    text, pages = SEED_CLAIMS["c8"]
    checker.write([_claim("c8", text, site, *pages)])
    checker.run("check")
    out = checker.run("show", "c8")
    assert out.index("verdict:") < out.index("specific") < out.index("S1 http")
    # each source: the passage holding most of the claim's specifics, and a link to it
    assert (
        "passage: “Defence Minister Judith Collins has visited the headquarters of the Central "
        "Intelligence Agency in Langley, Virginia, where she met CIA director John Ratcliffe.”"
    ) in out
    assert "link:   http://" in out and "#:~:text=" in out
    source = checker.status_json("c8")["sources"][0]
    assert source["excerpt"].startswith("Defence Minister Judith Collins has visited")
    assert source["fragment_url"].startswith(site.url("/c8-rnz") + "#:~:text=Defence")
    assert source["start"] is not None and source["end"] > source["start"]


def test_a_conflict_in_any_source_makes_a_claim_partly(checker: Checker, site: Site) -> None:
    site.pages["/vote"] = Page("<p>The Riverton council voted 9 to 4 to close the pool.</p>")
    site.pages["/vote-dash"] = Page("<p>The Riverton council voted 9-4 on Tuesday.</p>")
    site.pages["/pool"] = Page("<p>The Riverton pool closes in March.</p>")
    checker.write(
        [
            _claim("vote", "The Riverton council voted 9 to 5 to close the pool.", site, "vote"),
            _claim("dash", "The Riverton council voted 9 to 5.", site, "pool", "vote-dash"),
            _claim("right", "The Riverton council voted 9-4.", site, "vote"),
        ]
    )
    assert checker.statuses() == {"vote": "partly", "dash": "partly", "right": "supported"}
    out = checker.run("show", "vote")
    assert "conflict on 9 to 5 (range): source says 9 to 4" in out
    assert "«The Riverton council voted 9 to 4 to close the pool.»" in out
    assert "source says 9-4" in checker.run("show", "dash")


def test_dateline_dates_the_page_not_the_event(checker: Checker, site: Site) -> None:
    page = (
        "<h1>Council votes to close pool</h1><p>Published 18 November 2025</p><p>By Jane Smith</p>"
        "<p>On Sunday, November 16, the Riverton council voted to close the pool.</p>"
    )
    site.pages["/council"] = Page(page)
    checker.write(
        [
            _claim(
                "event",
                "On November 18 the Riverton council voted to close the pool.",
                site,
                "council",
            ),  # fmt: skip
            _claim(
                "published",
                "The Riverton report was published on 18 November 2025.",
                site,
                "council",
            ),  # fmt: skip
        ],
        published="2025-11-20",
    )
    assert checker.statuses() == {"event": "partly", "published": "supported"}
    assert "source says November 16" in checker.run("show", "event")


def test_acronyms_match_their_expansions_both_ways(checker: Checker, site: Site) -> None:
    site.pages["/isa"] = Page(
        "<p>The ministers signed an Information Security Agreement. The New Zealand Defence "
        "Force will share more with the JMSDF.</p>"
    )
    checker.write(
        [
            _claim(
                "isa",
                "They signed the ISA; the NZDF will share more with the Japan Maritime "
                "Self-Defense Force.",
                site,
                "isa",
            ),  # fmt: skip
            _claim("defined", "They signed an Information Security Agreement (ISA).", site, "isa"),
        ]
    )
    assert checker.statuses() == {"isa": "supported", "defined": "supported"}


def test_context_places_do_not_decide_and_the_note_says_what_did(
    checker: Checker, site: Site
) -> None:
    site.pages["/met"] = Page(
        "<p>Judith Collins met Toshimitsu Motegi in Tokyo on 19 December.</p>"
    )
    claim = "NZ's Judith Collins met Japan's Toshimitsu Motegi in Tokyo on 19 December."
    checker.write([_claim("met", claim, site, "met")])
    assert checker.statuses() == {"met": "supported"}
    out = checker.run("show", "met")
    assert "every specific found: 19 December (date), Judith Collins (name)" in out
    assert "context only, not deciding: NZ (context), Japan (context)" in out


def test_relative_dates_resolve_against_the_article_date(checker: Checker, site: Site) -> None:
    site.pages["/visit"] = Page("<p>Kash Patel visited Wellington on 31 July 2025.</p>")
    site.pages["/old"] = Page("<p>Kash Patel visited Wellington on 31 July 2024.</p>")
    checker.write(
        [
            _claim("last-month", "Last month Kash Patel visited Wellington.", site, "visit"),
            _claim("last-month-old", "Last month Kash Patel visited Wellington.", site, "old"),
            _claim("july-old", "In July Kash Patel visited Wellington.", site, "old"),
            _claim("this-year-old", "Kash Patel visited Wellington this year.", site, "old"),
            _claim("august", "In August Kash Patel visited Wellington.", site, "visit"),
        ],
        published="2025-08-20",
    )
    assert checker.statuses() == {
        "last-month": "supported",
        "last-month-old": "partly",  # July 2025, not July 2024
        "july-old": "partly",
        "this-year-old": "partly",
        "august": "partly",
    }
    assert "conflict on Last month (date): source says 31 July 2024" in checker.run(
        "show", "last-month-old"
    )


def test_evidence_passages_are_reported_like_quotes(checker: Checker, site: Site) -> None:
    site.pages["/plan"] = Page(
        "<p>The Defence Capability Plan commits NZ$12 billion over four years, including "
        "$9 billion of new spending.</p>"
    )
    passage = "including $9 billion of new spending"
    checker.write([_claim("plan", "The plan includes new spending.", site, "plan",
                          evidence=[passage, "a passage the page lacks entirely"])])  # fmt: skip
    checker.run("check")
    out = checker.run("show", "plan")
    assert f"evidence: “{passage}”: verbatim" in out
    assert "evidence: “a passage the page lacks entirely”: absent" in out
    source = checker.status_json("plan")["sources"][0]
    found, absent = source["evidence"]
    assert (found["status"], found["excerpt"]) == ("verbatim", passage)
    assert found["fragment_url"].endswith(
        "#:~:text=including%20%249%20billion%20of%20new%20spending"
    )
    assert absent["status"] == "absent" and absent["fragment_url"] is None
    report = checker.run("report", "--format", "md")
    assert (
        "Evidence passages:\n\n- S1, “including \\$9 billion of new spending”: **Verbatim**"
        in report
    )
    assert "[passage highlighted in source](http://" in report
