"""Fact claims without quotes: specifics and evidence passages through the whole pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck.cli.app import main
from tests.site import Page, Site

FBI_PAGE = """<html><body><h1>FBI to open standalone office in Wellington</h1>
<p>FBI director Kash Patel visited Wellington on 31 July 2025, where he met Defence Minister
Judith Collins and announced the agency's new office.</p></body></html>"""
DMZ_PAGE = """<html><body><p>New Zealand will increase its contribution to the United Nations
Command in Korea from 12 personnel to up to 53, the government announced.</p></body></html>"""
BUDGET_PAGE = """<html><body><p>The Defence Capability Plan commits NZ$12 billion over four
years, including $9 billion of new spending.</p></body></html>"""


@pytest.fixture
def pages() -> dict[str, Page]:
    return {"/fbi": Page(FBI_PAGE), "/dmz": Page(DMZ_PAGE), "/budget": Page(BUDGET_PAGE)}


def test_wrong_month_and_wrong_count_are_partly_with_the_conflict_shown(
    tmp_path: Path, site: Site
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        f"""claims:
  - id: fbi-office
    claim: In August Collins welcomed FBI director Kash Patel to open the office in Wellington.
    sources: [{site.url("/fbi")}]
  - id: dmz-troops
    claim: Luxon boosted the contribution to the DMZ from 12 soldiers to 50.
    sources: [{site.url("/dmz")}]
  - id: budget
    claim: The defence budget will increase to $NZ12 billion over four years.
    sources: [{site.url("/budget")}]
  - id: evidence-passage
    claim: The plan includes new spending.
    evidence: ["including $9 billion of new spending"]
    sources: [{site.url("/budget")}]
"""
    )
    runner = CliRunner()
    args = ["--claims", str(path), "--db", str(tmp_path / "fc.db")]
    result = runner.invoke(main, ["check", *args, "--json"], catch_exceptions=False)
    statuses = {c["id"]: c["status"] for c in json.loads(result.stdout)["claims"]}
    assert statuses == {
        "fbi-office": "partly",
        "dmz-troops": "partly",
        "budget": "supported",
        "evidence-passage": "supported",
    }
    assert result.exit_code == 3
    out = runner.invoke(main, ["show", "fbi-office", *args], catch_exceptions=False).stdout
    assert "conflict" in out and "31 July" in out
    out = runner.invoke(main, ["show", "dmz-troops", *args], catch_exceptions=False).stdout
    assert "conflict" in out and "53" in out
    status = json.loads(
        runner.invoke(main, ["status", *args, "--json"], catch_exceptions=False).stdout
    )
    fbi = next(c for c in status["claims"] if c["id"] == "fbi-office")
    found = {f["text"]: f["status"] for f in fbi["sources"][0]["specifics"]}
    assert found["Kash Patel"] == "found" and found["Wellington"] == "found"
    assert "conflict" in found.values()
