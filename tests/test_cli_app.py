"""The command line's contract: exit codes, closed pipes, Ctrl-C, --help defaults (issue 15)."""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from factcheck.cli.app import main
from factcheck.errors import ExitCode
from tests.conftest import Invoke, WriteClaims
from tests.site import Page, Site

FACTCHECK = [sys.executable, "-m", "factcheck"]


def talks_claims(write_claims: WriteClaims, folder: Path, source: str) -> Path:
    claim = {"id": "talks", "claim": "The talks went well.", "quote": "the talks were productive"}
    return write_claims(folder, [{**claim, "sources": [source]}])


@pytest.fixture
def claims(tmp_path: Path, write_claims: WriteClaims) -> Path:
    """A claims file whose one source is a local file that supports it."""
    (tmp_path / "statement.txt").write_text("The minister said the talks were productive.\n")
    return talks_claims(write_claims, tmp_path, "statement.txt")


def test_a_claims_folder_without_claims_files_is_bad_input(tmp_path: Path, invoke: Invoke) -> None:
    # a folder of claims files is a newsroom's set of articles (issue 17); an empty one is bad input
    code, out, err = invoke("check", "--claims", str(tmp_path))
    assert code == ExitCode.BAD_INPUT
    assert out == ""
    assert "no claims files (*.yaml, *.yml) in this folder" in err
    assert not (tmp_path / "factcheck.db").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_claims_file_is_bad_input(claims: Path, invoke: Invoke) -> None:
    claims.chmod(0)
    code, _, err = invoke("check", "--claims", str(claims))
    assert code == ExitCode.BAD_INPUT
    assert "cannot read" in err


def test_report_creates_the_output_folder(tmp_path: Path, claims: Path, invoke: Invoke) -> None:
    assert invoke("check", "--claims", str(claims))[0] == ExitCode.OK
    target = tmp_path / "missing" / "dir" / "r.md"
    code, out, err = invoke("report", "--claims", str(claims), "-o", str(target))
    assert (code, out) == (ExitCode.OK, "")
    assert f"wrote {target}" in err
    assert "the talks were productive" in target.read_text(encoding="utf-8")


def test_a_local_path_with_a_space_is_a_path(
    tmp_path: Path, invoke: Invoke, write_claims: WriteClaims
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "noem copy.html").write_text("<p>She said the talks were productive.</p>")
    folder = tmp_path / "article"
    folder.mkdir()
    claims = talks_claims(write_claims, folder, "../pages/noem copy.html")
    code, out, err = invoke("check", "--claims", str(claims), "--json")
    assert code == ExitCode.OK, err
    assert '"supported": 1' in out


def test_interrupt_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invoke: Invoke
) -> None:
    """Ctrl-C in any command (here `draft`, which handled errors by hand) is 130, no traceback."""

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("factcheck.draft.read_article", interrupted)
    code, out, err = invoke("draft", str(tmp_path / "article.txt"))
    assert (code, out) == (ExitCode.INTERRUPTED, "")
    assert err.startswith("interrupted")


def interruptible() -> None:
    """A shell starts background jobs with SIGINT ignored, and children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_sigint_during_a_check_exits_130_and_keeps_the_record(
    tmp_path: Path, site: Site, write_claims: WriteClaims
) -> None:
    asked = threading.Event()
    site.pages["/slow"] = Page("<p>late</p>", delay=60)
    original = site.routes.answer

    def answer(h: object) -> None:
        asked.set()
        original(h)  # type: ignore[arg-type]

    site.routes.answer = answer  # type: ignore[method-assign]
    claims = talks_claims(write_claims, tmp_path, site.url("/slow"))
    proc = subprocess.Popen(
        [*FACTCHECK, "check", "--claims", str(claims), "--db", str(tmp_path / "factcheck.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a terminal's Ctrl-C reaches the whole process group
        preexec_fn=interruptible,
    )
    try:
        assert asked.wait(60), "the check never asked for the page"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == ExitCode.INTERRUPTED, err
    assert b"interrupted" in err and b"Traceback" not in err
    assert out == b""
    with sqlite3.connect(tmp_path / "factcheck.db") as db:
        assert db.execute("SELECT state FROM runs").fetchall() == [("interrupted",)]


def test_a_closed_pipe_is_not_an_error(claims: Path) -> None:
    """`factcheck check | head -1`: stdout closes early; no message, no error exit."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to stdout now fails with EPIPE
    try:
        for args in (["check"], ["check", "--json"], ["status"], ["report"]):
            done = subprocess.run(
                [*FACTCHECK, *args, "--claims", str(claims)],
                stdout=write_end,
                stderr=subprocess.PIPE,
                check=False,
            )
            assert (done.returncode, done.stderr) == (ExitCode.OK, b""), args
    finally:
        os.close(write_end)


def test_a_run_waiting_for_the_lock_says_so(tmp_path: Path, claims: Path) -> None:
    db = tmp_path / "factcheck.db"
    first_line: list[str] = []
    with Path(f"{db.resolve()}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run holds the database
        proc = subprocess.Popen(
            [*FACTCHECK, "check", "--claims", str(claims), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stderr = proc.stderr
        assert stderr is not None
        reader = threading.Thread(target=lambda: first_line.append(stderr.readline()))
        reader.start()
        reader.join(60)  # the waiting run speaks before it gets the lock
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.OK, err
    assert first_line and "waiting for it to finish" in first_line[0]
    assert "1 supported" in out


def numeric_options() -> Iterator[tuple[click.Context, click.Option]]:
    def walk(group: click.Group, parent: click.Context) -> Iterator[click.Context]:
        for name in group.list_commands(parent):
            command = group.get_command(parent, name)  # imports lazy commands
            assert command is not None
            ctx = click.Context(command, parent=parent, info_name=name)
            yield ctx
            if isinstance(command, click.Group):
                yield from walk(command, ctx)

    for ctx in walk(main, click.Context(main, info_name="factcheck")):  # type: ignore[arg-type]
        for param in ctx.command.params:
            if isinstance(param, click.Option) and isinstance(
                param.type, click.types._NumberParamTypeBase
            ):
                yield ctx, param


def test_every_numeric_option_shows_its_default() -> None:
    options = list(numeric_options())
    assert {"--concurrency", "--timeout", "--interval"} <= {o.opts[0] for _, o in options}
    for ctx, option in options:
        record = option.get_help_record(ctx)
        assert record is not None and "[default: " in record[1], (ctx.info_name, option.opts)


def test_format_help_lists_every_format_one_per_line(invoke: Invoke) -> None:
    from factcheck.formats import FORMATS

    code, out, _ = invoke("report", "--help")
    assert code == ExitCode.OK
    lines = out.splitlines()
    for name, fmt in FORMATS.items():
        assert any(line.split()[:1] == [name] and fmt.description in line for line in lines)


def test_verbose_logs_what_the_run_does(claims: Path, invoke: Invoke) -> None:
    code, _, err = invoke("-vv", "check", "--claims", str(claims))
    assert code == ExitCode.OK
    assert "INFO factcheck.run: run 1: 1 sources to check" in err
    assert "DEBUG factcheck.fetch.fetcher: fetched " in err
    code, _, err = invoke("check", "--claims", str(claims))  # warnings only by default
    assert code == ExitCode.OK and "INFO" not in err


def test_factcheck_log_sets_the_level(
    claims: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTCHECK_LOG", "info")
    code, _, err = invoke("check", "--claims", str(claims))
    assert code == ExitCode.OK and "INFO factcheck.run: run 1" in err and "DEBUG" not in err
    monkeypatch.setenv("FACTCHECK_LOG", "chatty")
    code, _, err = invoke("check", "--claims", str(claims))
    assert code == ExitCode.USAGE and "FACTCHECK_LOG" in err
