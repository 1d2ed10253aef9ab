"""A due run fetches in a forked process of its own (fetch/process.py, issue 17's benchmark):
it records what the fetch thread records, passes notices and errors back, and never outlives
the run (an error, Ctrl-C, or the run killed)."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from webserver import TestServer, flaky, page

from factcheck.errors import CacheError
from factcheck.fetch import process
from factcheck.fetch.fetcher import Fetcher
from factcheck.fetch.process import can_fork, fetch_in_process
from factcheck.models import FetchRequest, FetchResult, FetchStatus
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache
from tests.site import Page, Site

if TYPE_CHECKING:
    from tests.conftest import Invoke, WriteClaims

ROOT = Path(__file__).resolve().parent.parent
N = process.MIN_REQUESTS + 10


@pytest.fixture
def pages() -> dict[str, Page]:
    return {
        f"/p{i}": Page(
            f"<p>Officials said the figure for district {i} was 4{i} percent.</p>",
            headers={"ETag": f'"v{i}"'},
        )
        for i in range(N)
    }


@pytest.fixture
def claims(tmp_path: Path, site: Site, write_claims: WriteClaims) -> Path:
    quotes = [f"the figure for district {i} was 4{i} percent" for i in range(N)]
    quotes[0] = "the figure for district 0 was 99 percent"  # one misquote among them
    return write_claims(
        tmp_path,
        [
            {"id": f"c{i}", "claim": f"District {i}.", "quote": q, "sources": [site.url(f"/p{i}")]}
            for i, q in enumerate(quotes)
        ],
    )


def cli(claims: Path, db: Path, *extra: str) -> tuple[list[str], dict[str, str]]:
    """`factcheck check` as its own process (one thread: it may fork), debug log on stderr:
    its command line and environment."""
    env = {**os.environ, "FACTCHECK_CACHE_DIR": str(db.parent / "cache"), "FACTCHECK_LOG": "debug"}
    command = [sys.executable, "-m", "factcheck", "check", "--claims", str(claims), "--db", str(db)]
    return command + list(extra), env


def run_cli(claims: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command, env = cli(claims, db, *extra)
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def make_all_due(db: Path) -> None:
    """Every source's last fetch a month ago: all due, nothing changed on the site."""
    with sqlite3.connect(db) as con:
        con.execute("UPDATE snapshots SET fetched_at = '2000-01-01T00:00:00Z'")


def recorded(db: Path) -> list[tuple[object, ...]]:
    """What a run recorded, per claim: its last status and the kind of its last fetch."""
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT c.claim_id, c.status, t.fetch_status, t.quote_status, sn.not_modified "
            "FROM claim_checked k JOIN claim_results c ON c.claim_id = k.claim_id "
            "AND c.id = (SELECT MAX(id) FROM claim_results WHERE claim_id = k.claim_id) "
            "JOIN check_timeline t ON t.claim_id = k.claim_id AND t.run_id = k.run_id "
            "JOIN snapshots sn ON sn.id = t.snapshot_id ORDER BY c.claim_id"
        ).fetchall()


def test_a_due_run_fetches_in_its_own_process_and_records_what_the_thread_would(
    tmp_path: Path, site: Site, claims: Path, invoke: Invoke
) -> None:
    db = tmp_path / "fc.db"
    first = run_cli(claims, db, "--json")
    assert first.returncode == 3, first.stderr[-2000:]  # the misquote fails the run
    assert "in process" not in first.stderr  # a full run fetches on its thread
    make_all_due(db)
    twin = tmp_path / "twin"  # the same state, for a due run on the fetch thread
    twin.mkdir()
    with sqlite3.connect(db) as src, sqlite3.connect(twin / "fc.db") as dst:
        src.backup(dst)  # the WAL's pages too
    shutil.copytree(tmp_path / "cache", twin / "cache")

    due = run_cli(claims, db, "--due", "--json")
    assert due.returncode == 3, due.stderr[-2000:]
    assert re.search(rf"fetching {N} sources in process \d+", due.stderr)
    # in-process (this test's server thread is alive): the fetch thread does the work
    os.environ["FACTCHECK_CACHE_DIR"] = str(twin / "cache")
    try:
        code, out, _ = invoke("check", "--claims", str(claims), "--db", str(twin / "fc.db"),
                              "--due", "--json")  # fmt: skip
    finally:
        del os.environ["FACTCHECK_CACHE_DIR"]
    assert code == 3
    by_process, by_thread = json.loads(due.stdout), json.loads(out)
    assert by_process["sources_checked"] == by_thread["sources_checked"] == N
    assert by_process["counts"] == by_thread["counts"] == {"supported": N - 1, "misquoted": 1}
    rows = recorded(db)
    assert rows == recorded(twin / "fc.db")
    assert len(rows) == N and all(row[2:] == ("fetched", row[3], 1) for row in rows)  # all 304


def test_notices_and_results_cross_from_the_fetching_process(
    web_server: TestServer, tmp_path: Path
) -> None:
    urls = [web_server.add(f"/s{i}", page(f"<p>story {i}</p>")) for i in range(5)]
    limited = web_server.add("/limited", flaky(429, times=1, **{"Retry-After": "1"}))
    settings = Settings(cache_dir=tmp_path / "cache", retry_after_cap=0.1, backoff_base=0.01)
    notices: list[str] = []
    fetcher = Fetcher(settings, SnapshotCache(settings.cache_dir), notice=notices.append)
    results: dict[str, FetchResult] = {}
    requests = [FetchRequest(u) for u in [*urls, limited]]
    fetch_in_process(fetcher, requests, lambda r: results.__setitem__(r.url, r))
    assert set(results) == {*urls, limited}
    assert all(r.status is FetchStatus.FETCHED for r in results.values())
    assert results[urls[3]].body == b"<p>story 3</p>"
    cache = SnapshotCache(settings.cache_dir)  # written by the fetching process, read here
    assert cache.get(results[urls[3]].body_hash or "") == b"<p>story 3</p>"
    assert any(f"ask {limited} again" in line for line in notices), notices
    assert web_server.hits["/limited"] == 2
    assert multiprocessing.active_children() == []


def test_a_cache_error_there_ends_the_run_here(web_server: TestServer, tmp_path: Path) -> None:
    url = web_server.add("/s", page("<p>story</p>"))
    root = tmp_path / "cache"
    root.mkdir()
    (root / "packs").write_text("a file where the packs folder goes")
    fetcher = Fetcher(Settings(cache_dir=root), SnapshotCache(root))
    with pytest.raises(CacheError):
        fetch_in_process(fetcher, [FetchRequest(url)], lambda r: None)
    assert multiprocessing.active_children() == []


def test_an_error_here_stops_the_fetching_process(web_server: TestServer, tmp_path: Path) -> None:
    urls = [web_server.add(f"/s{i}", page(f"<p>story {i}</p>")) for i in range(20)]
    fetcher = Fetcher(Settings(cache_dir=tmp_path / "cache"), SnapshotCache(tmp_path / "cache"))

    def fail(result: FetchResult) -> None:
        raise ValueError("recording failed")

    with pytest.raises(ValueError, match="recording failed"):
        fetch_in_process(fetcher, [FetchRequest(u) for u in urls], fail)
    assert multiprocessing.active_children() == []


def test_only_a_large_run_on_the_real_network_in_a_single_thread_forks(tmp_path: Path) -> None:
    import httpx

    settings = Settings(cache_dir=tmp_path / "cache")
    many = [FetchRequest(f"http://127.0.0.1:9/{i}") for i in range(process.MIN_REQUESTS)]
    real = Fetcher(settings, SnapshotCache(settings.cache_dir))
    mocked = Fetcher(
        settings,
        SnapshotCache(settings.cache_dir),
        httpx.MockTransport(lambda request: httpx.Response(200)),
    )
    single = threading.active_count() == 1
    assert can_fork(real, many) is (single and sys.platform.startswith("linux"))
    assert not can_fork(real, many[:-1])  # too few to pay for the fork
    assert not can_fork(mocked, many)  # a test transport's state lives in this process
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # as rich's refresh thread on a terminal
    other.start()
    try:
        assert not can_fork(real, many)  # a fork would copy a lock that thread may hold
    finally:
        stop.set()
        other.join()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_the_fetching_process_never_outlives_its_run(
    tmp_path: Path, site: Site, claims: Path, how: signal.Signals
) -> None:
    db = tmp_path / "fc.db"
    assert run_cli(claims, db, "--json").returncode == 3
    make_all_due(db)
    for path in list(site.pages):
        site.pages[path].delay = 0.2  # slow answers: the run is mid-fetch when stopped
    command, env = cli(claims, db, "--due", "--json")
    run = subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert run.stderr is not None
    child = 0
    for line in run.stderr:
        if found := re.search(r"sources in process (\d+)", line):
            child = int(found.group(1))
            break
    assert child and _alive(child)
    time.sleep(0.5)
    run.send_signal(how)
    run.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)
    with sqlite3.connect(db) as con:  # what was recorded stays recorded, and whole
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_fetching_process_that_dies_ends_the_run_clearly(
    web_server: TestServer, tmp_path: Path
) -> None:
    urls = [web_server.add(f"/s{i}", page(f"<p>story {i}</p>")) for i in range(30)]
    fetcher = Fetcher(Settings(cache_dir=tmp_path / "cache"), SnapshotCache(tmp_path / "cache"))
    seen: list[str] = []

    def kill_it(result: FetchResult) -> None:
        if not seen:
            for child in multiprocessing.active_children():
                os.kill(child.pid or 0, signal.SIGKILL)  # as the OOM killer would
            time.sleep(0.3)
        seen.append(result.url)

    with pytest.raises(RuntimeError, match=r"fetching process ended early \(exit code -9\)"):
        fetch_in_process(fetcher, [FetchRequest(u) for u in urls], kill_it)
    assert 1 <= len(seen) < len(urls)


def test_without_a_process_to_fork_the_fetch_thread_does_the_work(
    web_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from multiprocessing.context import ForkProcess

    def refuse(self: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(ForkProcess, "start", refuse)
    monkeypatch.setattr(process, "can_fork", lambda fetcher, requests: True)
    urls = [web_server.add(f"/s{i}", page(f"<p>story {i}</p>")) for i in range(5)]
    settings = Settings(cache_dir=tmp_path / "cache")
    fetcher = Fetcher(settings, SnapshotCache(settings.cache_dir), own_process=True)
    results: list[FetchResult] = []
    fetcher.fetch_many([FetchRequest(u) for u in urls], results.append)
    assert sorted(r.url for r in results) == sorted(urls)
    assert all(r.status is FetchStatus.FETCHED for r in results)


def test_a_stdout_gone_before_the_fork_leaves_the_work_to_the_fetch_thread(
    web_server: TestServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A fork flushes stdout first; a reader that has gone (`| head`) makes that fail."""

    class GonePipe:
        def write(self, text: str) -> int:
            return len(text)

        def flush(self) -> None:
            raise BrokenPipeError("the reader of stdout has gone")

    monkeypatch.setattr(process, "can_fork", lambda fetcher, requests: True)
    urls = [web_server.add(f"/s{i}", page(f"<p>story {i}</p>")) for i in range(3)]
    settings = Settings(cache_dir=tmp_path / "cache")
    fetcher = Fetcher(settings, SnapshotCache(settings.cache_dir), own_process=True)
    results: list[FetchResult] = []
    monkeypatch.setattr(sys, "stdout", GonePipe())
    fetcher.fetch_many([FetchRequest(u) for u in urls], results.append)
    monkeypatch.undo()
    assert sorted(r.url for r in results) == sorted(urls)
    assert "the reader of stdout has gone): fetching on a thread" in caplog.text
