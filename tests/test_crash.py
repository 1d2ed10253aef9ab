"""Killed, concurrent and starved runs: kills at chosen and random points, a full disk, an
unwritable cache and 2-4 simultaneous runs leave a consistent database, and nothing is lost or
doubled. The longer variants are marked `slow` (run them with `-m slow`)."""

from __future__ import annotations

import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from factcheck.store.database import Store
from factcheck.store.writes import Writer
from tests.site import Page, Site

if TYPE_CHECKING:
    from tests.conftest import WriteClaims

ROOT = Path(__file__).resolve().parent.parent
N = 40


@pytest.fixture
def pages() -> dict[str, Page]:
    return {
        f"/p{i}": Page(
            f"<p>Officials said the figure for district {i} was 4{i} percent.</p>", delay=0.05
        )
        for i in range(N)
    }


@pytest.fixture
def claims(tmp_path: Path, site: Site, write_claims: WriteClaims) -> Path:
    """N claims, each quoting its own page."""
    return write_claims(
        tmp_path,
        [
            {
                "id": f"c{i}",
                "claim": f"District {i} figure.",
                "quote": f"the figure for district {i} was 4{i} percent",
                "sources": [site.url(f"/p{i}")],
            }
            for i in range(N)
        ],
    )


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


def wait_for_checks(db: Path, at_least: int, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            con = sqlite3.connect(db, timeout=5)
            if con.execute("SELECT COUNT(*) FROM check_timeline").fetchone()[0] >= at_least:
                return
        except sqlite3.OperationalError:
            pass  # not created yet
        time.sleep(0.01)
    raise AssertionError(f"no {at_least} checks within {deadline}s")


def invariants(db: Path, claims: int = N) -> dict[str, int]:
    """Integrity, no duplicate or orphan rows, roll-ups all-or-nothing; returns row counts."""
    con = sqlite3.connect(db, timeout=30)
    one: Callable[[str], int] = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    assert one("PRAGMA integrity_check") == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert (
        one(
            "SELECT COUNT(*) FROM (SELECT 1 FROM check_timeline GROUP BY run_id, claim_id, source_id "
            "HAVING COUNT(*) > 1)"
        )
        == 0
    )
    # every check (carried over or not) points at a snapshot of its source taken in its run
    assert (
        one(
            "SELECT COUNT(*) FROM check_timeline c LEFT JOIN snapshots s ON s.id = c.snapshot_id "
            "WHERE s.id IS NULL OR s.source_id != c.source_id OR s.run_id != c.run_id"
        )
        == 0
    )
    # claim results are written in one commit: a run has all of them or none, and the last
    # run done rolled every claim up
    partial = con.execute(
        "SELECT run_id, COUNT(*) FROM claim_checked GROUP BY run_id HAVING COUNT(*) != ?",
        [claims],
    ).fetchall()
    assert partial == []
    assert (
        one(
            "SELECT COUNT(*) FROM runs WHERE state = 'done' AND id > "
            "(SELECT COALESCE(MAX(run_id), 0) FROM claim_checked)"
        )
        == 0
    )
    counts = {
        "runs": one("SELECT COUNT(*) FROM runs"),
        "checks": one("SELECT COUNT(*) FROM check_timeline"),
        "claims_checked": one("SELECT COUNT(DISTINCT claim_id) FROM check_timeline"),
        # snapshots with no checks: a kill between a snapshot and its checks
        "orphan_snapshots": one(
            "SELECT COUNT(*) FROM snapshots WHERE id NOT IN "
            "(SELECT snapshot_id FROM check_timeline)"
        ),
    }
    con.close()
    return counts


def last_statuses(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT status, COUNT(*) FROM claim_results WHERE id IN "
        "(SELECT MAX(id) FROM claim_results GROUP BY claim_id) GROUP BY status"
    ).fetchall()
    con.close()
    return dict(rows)


@pytest.mark.parametrize(
    "after_checks",
    [0, pytest.param(3, marks=pytest.mark.slow), 17, pytest.param(33, marks=pytest.mark.slow)],
)
def test_sigkill_mid_run_leaves_a_consistent_database(
    tmp_path: Path, site: Site, after_checks: int, claims: Path
) -> None:
    path, db = claims, tmp_path / "fc.db"
    proc = start(path, db)
    wait_for_checks(db, after_checks)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    invariants(db)
    done = start(path, db, "--due")
    assert done.wait(timeout=120) == 0, done.stderr.read() if done.stderr else ""
    assert invariants(db)["claims_checked"] == N  # the re-run finished the job
    assert last_statuses(db) == {"supported": N}


@pytest.mark.slow
def test_twenty_four_sigkills_at_random_points(tmp_path: Path, site: Site, claims: Path) -> None:
    """Full runs killed at random moments; after each, a --due run finishes the job."""
    rng = random.Random(9)
    path = claims
    for trial in range(24):
        db = tmp_path / f"fc{trial % 3}.db"  # three databases, each killed repeatedly
        before = invariants(db)["checks"] if db.exists() else 0
        proc = start(path, db)
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0.0, 2.5))  # anywhere: start-up, migration, sync, fetch
        else:
            wait_for_checks(db, before + rng.randint(0, N - 1))  # mid-fetch, by progress
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if db.exists():
            invariants(db)
        done = start(path, db, "--due")
        assert done.wait(timeout=120) == 0, done.stderr.read() if done.stderr else ""
        counts = invariants(db)
        assert counts["claims_checked"] == N
        assert last_statuses(db) == {"supported": N}


def run_limited(
    args: list[str], env: dict[str, str], max_file: int
) -> subprocess.CompletedProcess[str]:
    """`factcheck ARGS` in a process that may grow no file past `max_file` bytes (EFBIG)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file, max_file))

    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )


def cli_env(tmp_path: Path, cache: Path) -> dict[str, str]:
    return {**os.environ, "FACTCHECK_CACHE_DIR": str(cache), "FACTCHECK_DB": str(tmp_path / "x.db")}


@contextmanager
def tiny_tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    """A real full disk: a small tmpfs (needs root and mount rights, else the test skips)."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode(errors='replace')}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def incompressible_page(i: int) -> Page:
    rng = random.Random(i)
    words = " ".join("".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=7)) for _ in range(12_000))
    return Page(
        f"<p>Officials said the figure for district {i} was 4{i} percent.</p><p>{words}</p>"
    )


def test_full_disk_under_the_cache_is_a_clear_error(
    tmp_path: Path, site: Site, claims: Path
) -> None:
    for i in range(N):
        site.pages[f"/p{i}"] = incompressible_page(i)  # ~60 KB compressed each
    path, db = claims, tmp_path / "fc.db"
    args = ["check", "--claims", str(path), "--db", str(db), "--retries", "0"]
    with tiny_tmpfs(tmp_path / "small") as cache:
        done = subprocess.run(
            [sys.executable, "-m", "factcheck", *args],
            cwd=ROOT,
            env=cli_env(tmp_path, cache),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "error: cannot write to the snapshot cache" in done.stderr
    assert "the disk is full" in done.stderr
    invariants(db)


def test_full_disk_under_the_database_is_a_clear_error(
    tmp_path: Path, site: Site, claims: Path
) -> None:
    path, db = claims, tmp_path / "fc.db"
    Store.open(db).close()  # migrated; then the WAL may not grow past 40 KB
    args = ["check", "--claims", str(path), "--db", str(db), "--retries", "0"]
    done = run_limited(args, cli_env(tmp_path, tmp_path / "cache"), 40 * 1024)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.startswith("error: ")
    invariants(db)


def test_database_survives_a_full_disk_and_the_next_run_completes(
    tmp_path: Path, site: Site, claims: Path
) -> None:
    path, db = claims, tmp_path / "fc.db"
    args = ["check", "--claims", str(path), "--db", str(db), "--retries", "0"]
    env = cli_env(tmp_path, tmp_path / "cache")
    Store.open(db).close()
    run_limited(args, env, 40 * 1024)  # fails part-way
    if db.exists():
        invariants(db)
    again = subprocess.run(
        [sys.executable, "-m", "factcheck", *args, "--due"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert invariants(db)["claims_checked"] == N


def unwritable_cache(tmp_path: Path) -> Path:
    """A cache path whose parent is a regular file: no user, root included, can create it."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    return blocker / "cache"


def test_unwritable_cache_directory_is_a_clear_error(
    tmp_path: Path, site: Site, claims: Path
) -> None:
    path, db = claims, tmp_path / "fc.db"
    env = cli_env(tmp_path, unwritable_cache(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "factcheck", "check", "--claims", str(path), "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "error: cannot write to the snapshot cache" in done.stderr
    invariants(db)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_cache_directory_is_a_clear_error(
    tmp_path: Path, site: Site, claims: Path
) -> None:
    path, db = claims, tmp_path / "fc.db"
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "factcheck", "check", "--claims", str(path), "--db", str(db)],
            cwd=ROOT,
            env=cli_env(tmp_path, cache),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        cache.chmod(0o700)
    assert done.returncode == 1, done.stderr
    assert "read-only or not writable" in done.stderr and "Traceback" not in done.stderr
    invariants(db)


@pytest.mark.parametrize("runs", [2, pytest.param(4, marks=pytest.mark.slow)])
def test_simultaneous_due_runs_do_the_work_once(
    tmp_path: Path, site: Site, runs: int, claims: Path
) -> None:
    path, db = claims, tmp_path / "fc.db"
    procs = [start(path, db, "--due") for _ in range(runs)]
    assert [p.wait(timeout=120) for p in procs] == [0] * runs
    counts = invariants(db)
    assert counts["checks"] == N  # one run did it all; the others found nothing due
    assert counts["runs"] == 1  # ... and, nothing being due, recorded no run of their own
    assert last_statuses(db) == {"supported": N}


@pytest.mark.parametrize("runs", [2, pytest.param(4, marks=pytest.mark.slow)])
def test_simultaneous_full_runs_lose_nothing(
    tmp_path: Path, site: Site, runs: int, claims: Path
) -> None:
    path, db = claims, tmp_path / "fc.db"
    procs = [start(path, db) for _ in range(runs)]
    reader_errors = 0
    while any(p.poll() is None for p in procs):  # reports read while runs write
        status = subprocess.run(
            [sys.executable, "-m", "factcheck", "status", "--json", "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        reader_errors += "Traceback" in status.stderr
    assert [p.wait(timeout=120) for p in procs] == [0] * runs
    assert reader_errors == 0
    counts = invariants(db)
    assert counts["checks"] == N * runs  # every full run recorded every check, once
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM runs WHERE state = 'done'").fetchone()[0] == runs
    con.close()


def test_runs_through_a_symlinked_database_path_share_the_lock(
    tmp_path: Path, site: Site, claims: Path
) -> None:
    path, db = claims, tmp_path / "fc.db"
    link = tmp_path / "link.db"
    link.symlink_to(db)
    first = start(path, db, "--due")
    wait_for_checks(db, 0)
    second = start(path, link, "--due")
    assert [first.wait(timeout=120), second.wait(timeout=120)] == [0, 0]
    assert invariants(db)["checks"] == N


class _Killed(BaseException):
    """Stands in for SIGKILL at one exact point: nothing after it runs."""


def test_kill_between_snapshot_and_checks_loses_nothing(
    tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch, claims: Path
) -> None:
    from factcheck.claims.load import load_claims
    from factcheck.run import run_check
    from factcheck.settings import Settings

    path, db = claims, tmp_path / "fc.db"
    settings = Settings(db_path=db, cache_dir=tmp_path / "cache", retries=0)
    claims_file = load_claims(path)
    store = Store.open(db)

    def killed(*_: object) -> None:
        raise _Killed

    with monkeypatch.context() as patch:
        patch.setattr(Writer, "record_verifications", killed)
        with pytest.raises(_Killed):
            run_check(settings, claims_file, store)
    run_check(settings, claims_file, store, due=True)
    store.close()
    counts = invariants(db)
    assert counts["orphan_snapshots"] == 0
    assert counts["claims_checked"] == N
