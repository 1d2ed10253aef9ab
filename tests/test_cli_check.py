"""The whole pipeline through the CLI against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.site import Page, Site

if TYPE_CHECKING:
    from tests.conftest import Invoke, WriteClaims

ARTICLE = """<html><head><title>Defence pacts signed</title></head><body>
<script>var x = "Our forces already work well together";</script>
<p>Collins said: &ldquo;Our forces already work well together, and this agreement will create
the conditions for even more seamless cooperation.&rdquo;</p>
<p>She added that New Zealand\u2019s ties are \u201cstronger than ever\u201d.</p>
<p>The ministry said it had 12 staff in Tokyo.</p>
</body></html>"""


@pytest.fixture
def pages() -> dict[str, Page]:
    return {"/article": Page(ARTICLE), "/slow": Page("<p>late</p>", delay=3)}


@pytest.fixture
def claims(tmp_path: Path, site: Site, write_claims: WriteClaims) -> Path:
    """One claim per outcome: verbatim, straight quotes, absent, altered, dead, slow, local."""
    local = tmp_path / "statement.txt"
    local.write_text("The minister said the talks were productive and useful.\n")
    article = site.url("/article")
    return write_claims(
        tmp_path,
        [
            {
                "id": "verbatim-quote",
                "claim": "Collins said the forces work well together.",
                "quote": "Our forces already work well together, and this agreement will create "
                "the conditions for even more seamless cooperation.",
                "speaker": "Judith Collins",
                "sources": [article],
            },
            {
                "id": "straight-quotes",
                "claim": "Collins said ties are strong.",
                "quote": 'New Zealand\'s ties are "stronger than ever"',
                "sources": [article],
            },
            {
                "id": "absent-quote",
                "claim": "Collins said something else.",
                "quote": "We will never sign another agreement with anyone at all",
                "sources": [article],
            },
            {
                "id": "altered-quote",
                "claim": "The ministry has 21 staff.",
                "quote": "The ministry said it had 21 staff in Tokyo.",
                "sources": [article],
            },
            {
                "id": "dead-link",
                "claim": "A page that is gone.",
                "quote": "Some words that were once there",
                "sources": [site.url("/missing")],
            },
            {
                "id": "slow-link",
                "claim": "A page that never answers in time.",
                "quote": "late words here",
                "sources": [site.url("/slow")],
            },
            {
                "id": "local-file",
                "claim": "The minister found the talks productive.",
                "quote": "the talks were productive and useful",
                "sources": [str(local)],
            },
            {
                "id": "no-sources",
                "claim": "Something nobody sourced.",
                "quote": "words with no source",
            },
        ],
    )


def check_args(claims: Path, db: Path) -> list[str]:
    return ["check", "--claims", str(claims), "--db", str(db), "--timeout", "0.5", "--retries", "0"]


def test_check_reports_each_status_and_records_them(
    tmp_path: Path, site: Site, invoke: Invoke, claims: Path
) -> None:
    db = tmp_path / "fc.db"
    code, out, err = invoke(*check_args(claims, db), "--json")
    assert code == 3, err
    summary = json.loads(out)
    statuses = {c["id"]: c["status"] for c in summary["claims"]}
    assert statuses == {
        "verbatim-quote": "supported",
        "straight-quotes": "supported",
        "absent-quote": "unverified",
        "altered-quote": "misquoted",
        "dead-link": "unavailable",
        "slow-link": "unavailable",
        "local-file": "supported",
        "no-sources": "unsourced",
    }
    code, out, _ = invoke("status", "--claims", str(claims), "--db", str(db), "--json")
    assert code == 0
    by_id = {c["id"]: c for c in json.loads(out)["claims"]}
    assert by_id["verbatim-quote"]["sources"][0]["quote_status"] == "verbatim"
    assert by_id["straight-quotes"]["sources"][0]["quote_status"] == "edited"
    assert by_id["absent-quote"]["sources"][0]["quote_status"] in ("absent", "paraphrase")
    assert by_id["dead-link"]["sources"][0]["fetch_status"] == "gone"
    assert by_id["slow-link"]["sources"][0]["fetch_status"] == "timeout"
    assert by_id["local-file"]["sources"][0]["quote_status"] == "verbatim"
    excerpt = by_id["verbatim-quote"]["sources"][0]["excerpt"]
    assert excerpt.startswith("Our forces already work well together")

    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    db_statuses = {
        r["claim_id"]: r["status"]
        for r in con.execute("SELECT claim_id, status FROM claim_results")
    }
    assert db_statuses == {c: s["status"] for c, s in by_id.items()}
    row = con.execute(
        "SELECT c.quote_status, c.start, c.end, sn.http_status, sn.body_hash FROM checks c "
        "JOIN snapshots sn ON sn.id = c.snapshot_id WHERE c.claim_id = 'verbatim-quote'"
    ).fetchone()
    assert row["quote_status"] == "verbatim" and row["http_status"] == 200
    assert row["end"] > row["start"] and len(row["body_hash"]) == 64
    assert (tmp_path / "cache").exists() or any(Path(tmp_path).rglob("*.gz"))
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_rerun_adds_history_without_duplicating_claims(
    tmp_path: Path, site: Site, invoke: Invoke, claims: Path
) -> None:
    db = tmp_path / "fc.db"
    invoke(*check_args(claims, db))
    invoke(*check_args(claims, db))
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 8
    assert con.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2
    # 7 claim x source pairs, one check each per run: a verdict the second run carried
    # over is a reference to the first run's check (issue 21, point 4)
    assert con.execute("SELECT COUNT(*) FROM check_timeline").fetchone()[0] == 14
    reused = con.execute("SELECT COUNT(*) FROM carried_checks").fetchone()[0]
    assert reused > 0 and con.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == 14 - reused
    # every claim rolled up by both runs; a roll-up row only for the first (nothing changed)
    assert con.execute("SELECT COUNT(DISTINCT run_id) FROM claim_checked").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(DISTINCT run_id) FROM claim_results").fetchone()[0] == 1


def test_show_displays_source_details(
    tmp_path: Path, site: Site, invoke: Invoke, claims: Path
) -> None:
    db = tmp_path / "fc.db"
    invoke(*check_args(claims, db))
    code, out, _ = invoke("show", "altered-quote", "--claims", str(claims), "--db", str(db))
    assert code == 0
    assert "misquoted" in out and "altered" in out
    assert "12" in out and "21" in out
    code, out, _ = invoke("show", "verbatim-quote", "--claims", str(claims), "--db", str(db))
    assert "#:~:text=" in out
    code, _, err = invoke("show", "nope", "--claims", str(claims), "--db", str(db))
    assert code == 4 and "nope" in err


def test_all_supported_exits_zero(tmp_path: Path, site: Site, invoke: Invoke) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        'claims:\n  - id: ok\n    claim: c\n    quote: "stronger than ever"\n'
        f"    sources: [{site.url('/article')}]\n"
    )
    code, out, err = invoke(*check_args(path, tmp_path / "fc.db"))
    assert code == 0, out + err
    assert "supported" in out


def test_offline_uses_cached_snapshots(
    tmp_path: Path, site: Site, invoke: Invoke, claims: Path
) -> None:
    db = tmp_path / "fc.db"
    invoke(*check_args(claims, db))
    hits = site.hits.total()
    code, out, _ = invoke(*check_args(claims, db), "--offline", "--json")
    assert site.hits.total() == hits  # nothing fetched
    statuses = {c["id"]: c["status"] for c in json.loads(out)["claims"]}
    assert statuses["verbatim-quote"] == "supported"
    assert statuses["dead-link"] == "unavailable"


def test_status_reads_only_the_last_statuses_and_the_failure_streaks(
    tmp_path: Path, site: Site, invoke: Invoke, claims: Path
) -> None:
    """`status` reads a bounded tail of the history (issue 21, point 5): same answers."""
    from factcheck.report import build_report
    from factcheck.store.database import Store

    db = tmp_path / "fc.db"
    for _ in range(3):
        invoke(*check_args(claims, db))
    store = Store.open(db)
    full, lean = build_report(store), build_report(store, history=False)
    assert len(full.claims) == len(lean.claims) == 8
    for a, b in zip(full.claims, lean.claims, strict=True):
        assert (a.id, a.status, a.checked_at) == (b.id, b.status, b.checked_at)
        assert a.history[-2:] == b.history
        # its changes over the three runs, then its last roll-up (issue 21, point 4)
        statuses = [p.status for p in a.history]
        assert 2 <= len(statuses) <= 3 and a.history[-1].checked_at == a.checked_at
        assert all(x != y for x, y in zip(statuses[:-2], statuses[1:-1], strict=True))
        assert [(s.url, s.fetch_status, s.quote_status, s.health) for s in a.sources] == [
            (s.url, s.fetch_status, s.quote_status, s.health) for s in b.sources
        ]
    assert {s.health for c in lean.claims for s in c.sources} >= {"ok", "failing"}


def test_status_prints_a_plain_table_off_a_terminal(
    tmp_path: Path, site: Site, invoke: Invoke, claims: Path
) -> None:
    db = tmp_path / "fc.db"
    invoke(*check_args(claims, db))
    code, out, _ = invoke("status", "--claims", str(claims), "--db", str(db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["claim", "status", "change", "sources", "links", "human", "checked"]
    assert lines[1].split()[:4] == ["verbatim-quote", "supported", "new", "1/1"]
    assert "[" not in out and "\x1b" not in out  # no rich markup, no colours


def test_plain_table_aligns_and_shows_control_characters() -> None:
    from factcheck.cli.common import plain_table

    table = plain_table(("a", "bb"), [("x\x1b[31m", "1"), ("long cell", "2")])
    assert table.splitlines() == ["a          bb", "x?[31m     1", "long cell  2"]


def test_json_output_is_the_standard_librarys_indented_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from factcheck.cli.common import emit_json

    data = {"é": [1, 2.5, None, True, {}], "nested": {"quote": "“x” \u2028 \x00"}, "p": Path("/a")}
    emit_json(data)
    assert (
        capsys.readouterr().out
        == json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    )
    emit_json({"big": 2**70})  # orjson refuses integers past 64 bits: the standard library not
    assert capsys.readouterr().out == '{\n  "big": 1180591620717411303424\n}\n'


@pytest.mark.parametrize(("rich_rows", "coloured"), [(200, True), (2, False)])
def test_a_large_check_summary_prints_plainly_even_on_a_terminal(
    tmp_path: Path,
    invoke: Invoke,
    write_claims: WriteClaims,
    monkeypatch: pytest.MonkeyPatch,
    rich_rows: int,
    coloured: bool,
) -> None:
    """Rich lays a table out at ~1 ms a row: 6 s for 10,000 claims (issue 17, benchmark)."""
    from factcheck.cli import common

    statement = tmp_path / "statement.txt"
    statement.write_text("The minister said the talks were productive and useful.\n")
    quote = "the talks were productive"
    claims = write_claims(
        tmp_path,
        [{"id": f"c{n}", "claim": "c", "quote": quote, "sources": [str(statement)]} for n in "123"],
    )
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich takes stdout for a terminal
    monkeypatch.setattr(common, "RICH_ROWS", rich_rows)
    code, out, err = invoke(*check_args(claims, tmp_path / "fc.db"))
    assert code == 0, out + err
    table = out.split("\n\n")[0].splitlines()
    assert len(table) == 4 and ("\x1b[" in out) is coloured
    if not coloured:
        assert table == [
            "claim  status     change",
            "c1     supported  new",
            "c2     supported  new",
            "c3     supported  new",
        ]


def test_check_json_loads_neither_rich_nor_the_report_formats(
    tmp_path: Path, site: Site, claims: Path
) -> None:
    """Start-up is a good part of a due run (issue 17): --json has no table and no progress
    bar, and httpx's own command-line client (rich, pygments) is never loaded."""
    probe = (
        "import sys\n"
        "from factcheck.cli.app import main\n"
        "try:\n"
        f"    main([*{check_args(claims, tmp_path / 'fc.db')!r}, '--json'])\n"
        "except SystemExit as done:\n"
        "    names = ('rich', 'pygments', 'factcheck.formats', 'factcheck.cli.display')\n"
        "    print(done.code, 'httpx' in sys.modules, [m for m in names if m in sys.modules],\n"
        "          file=sys.stderr)\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert json.loads(done.stdout)["sources_checked"] == 4
    assert done.stderr.strip().splitlines()[-1] == "3 True []"


def test_a_run_that_carries_every_verdict_over_loads_no_matcher(
    tmp_path: Path, invoke: Invoke, write_claims: WriteClaims
) -> None:
    """Nothing changed, nothing to match (issue 17, benchmark): the matcher, the specifics
    machinery, rapidfuzz and lxml stay unloaded; the first run needed them."""
    statement = tmp_path / "statement.txt"
    statement.write_text("The minister said the talks were productive and useful.\n")
    claims = write_claims(
        tmp_path,
        [
            {
                "id": "q",
                "claim": "c",
                "quote": "talks were productive",
                "sources": [str(statement)],
            },
            {"id": "f", "claim": "Talks on 3 May 2026 were useful.", "sources": [str(statement)]},
        ],
    )
    names = ("factcheck.match.find", "factcheck.specifics.lookup", "rapidfuzz", "lxml")
    probe = (
        "import sys\n"
        "from factcheck.cli.app import main\n"
        "try:\n"
        f"    main(['check', '--claims', {str(claims)!r}, '--db', {str(tmp_path / 'fc.db')!r}])\n"
        "except SystemExit as done:\n"
        f"    print(done.code, [m for m in {names!r} if m in sys.modules], file=sys.stderr)\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
        )
        for _ in range(2)
    ]
    first, second = (run.stderr.strip().splitlines()[-1] for run in runs)
    code = first.split()[0]
    assert first == f"{code} {list(names)!r}"  # it matched: all of them loaded
    assert second == f"{code} []"  # it carried both verdicts over: none of them


def test_check_freezes_the_heap_for_the_run_only(
    tmp_path: Path, invoke: Invoke, write_claims: WriteClaims, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collector skips the run's long-lived state while fetching (issue 17, benchmark),
    and whoever runs `check` in-process gets its heap back as it was."""
    import gc

    statement = tmp_path / "statement.txt"
    statement.write_text("The minister said the talks were productive and useful.\n")
    claims = write_claims(
        tmp_path, [{"id": "c", "claim": "c", "quote": "talks were", "sources": [str(statement)]}]
    )
    frozen: list[int] = []
    real_freeze = gc.freeze

    def counting_freeze() -> None:
        real_freeze()
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(gc, "freeze", counting_freeze)
    code, out, err = invoke(*check_args(claims, tmp_path / "fc.db"), "--json")
    assert code == 0, out + err
    assert len(frozen) == 1 and frozen[0] > 0
    assert gc.get_freeze_count() == 0
