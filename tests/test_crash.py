"""Killed and concurrent runs: the database stays consistent and nothing is lost or doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site import Page, Site, serve

ROOT = Path(__file__).resolve().parent.parent
N = 40


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as s:
        for i in range(N):
            s.pages[f"/p{i}"] = Page(
                f"<p>Officials said the figure for district {i} was 4{i} percent.</p>", delay=0.05
            )
        yield s


def write_claims(tmp_path: Path, site: Site) -> Path:
    lines = ["claims:"]
    for i in range(N):
        lines += [
            f"  - id: c{i}",
            f"    claim: District {i} figure.",
            f'    quote: "the figure for district {i} was 4{i} percent"',
            f"    sources: [{site.url(f'/p{i}')}]",
        ]
    path = tmp_path / "claims.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def start(path: Path, db: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FACTCHECK_CACHE_DIR": str(db.parent / "cache")}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "factcheck",
            "check",
            "--claims",
            str(path),
            "--db",
            str(db),
            "--per-host",
            "1",
            "--retries",
            "0",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def counts(db: Path) -> tuple[str, int, int]:
    con = sqlite3.connect(db)
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    dupes = con.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM checks GROUP BY run_id, claim_id, source_id "
        "HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    orphans = con.execute(
        "SELECT COUNT(*) FROM checks WHERE snapshot_id NOT IN (SELECT id FROM snapshots)"
    ).fetchone()[0]
    con.close()
    return integrity, dupes, orphans


def wait_for_checks(db: Path, at_least: int, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            con = sqlite3.connect(db, timeout=5)
            if con.execute("SELECT COUNT(*) FROM checks").fetchone()[0] >= at_least:
                return
        except sqlite3.OperationalError:
            pass  # not created yet
        time.sleep(0.01)
    raise AssertionError(f"no {at_least} checks within {deadline}s")


@pytest.mark.parametrize("after_checks", [0, 3, 17, 33])
def test_sigkill_mid_run_leaves_a_consistent_database(
    tmp_path: Path, site: Site, after_checks: int
) -> None:
    path, db = write_claims(tmp_path, site), tmp_path / "fc.db"
    proc = start(path, db)
    wait_for_checks(db, after_checks)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert counts(db) == ("ok", 0, 0)
    done = start(path, db, "--due")
    assert done.wait(timeout=120) == 0, done.stderr.read() if done.stderr else ""
    assert counts(db) == ("ok", 0, 0)
    con = sqlite3.connect(db)
    checked = con.execute("SELECT COUNT(DISTINCT claim_id) FROM checks").fetchone()[0]
    assert checked == N  # the re-run finished the job
    last = con.execute("SELECT MAX(run_id) FROM claim_results").fetchone()[0]
    supported = con.execute(
        "SELECT COUNT(*) FROM claim_results WHERE run_id = ? AND status = 'supported'", [last]
    ).fetchone()[0]
    assert supported == N


def test_two_concurrent_runs_do_not_corrupt_or_duplicate(tmp_path: Path, site: Site) -> None:
    path, db = write_claims(tmp_path, site), tmp_path / "fc.db"
    procs = [start(path, db, "--due") for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert counts(db) == ("ok", 0, 0)
    con = sqlite3.connect(db)
    # the second run waited for the first, then found nothing due: no work done twice
    assert con.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == N
    assert con.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == N
