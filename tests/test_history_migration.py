"""A database made by the code before issue 21 point 4 (every carried-over verdict copied as a
`checks` row, metadata per fetch, a roll-up row per run), migrated: it shrinks, and `status`,
`show`, `history`, `diff` and the reports answer as the old code did (tests/data/old_history)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from factcheck.cli.app import main

OLD = Path(__file__).parent / "data" / "old_history"
AT_END = datetime(2026, 11, 2, 6, 0, tzinfo=UTC) + timedelta(days=33)  # as make.py
# what make.py asked the old code, by the file holding its answer
COMMANDS: dict[str, list[str]] = json.loads((OLD / "db" / "expected" / "commands.json").read_text())


@pytest.fixture
def old_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "old"
    shutil.copytree(OLD / "db", folder)
    monkeypatch.setenv("FACTCHECK_DB", str(folder / "factcheck.db"))
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(folder / "cache"))
    monkeypatch.setenv("COLUMNS", "200")
    return folder


def answer(folder: Path, *args: str) -> str:
    with time_machine.travel(AT_END, tick=False):
        result = CliRunner().invoke(
            main, [*args, "--claims", str(folder / "claims.yaml")], catch_exceptions=False
        )
    assert result.exit_code in (0, 3), result.output
    return result.stdout


def changes_and_last(points: list[str]) -> list[str]:
    """A claim's status history as it is now kept: each change, and the last roll-up."""
    kept = [p for i, p in enumerate(points) if i == 0 or status(p) != status(points[i - 1])]
    return kept if len(points) - 1 == points.index(kept[-1]) else [*kept, points[-1]]


def status(point: str) -> str:
    return json.loads(point)["status"] if point.startswith("{") else point


def as_kept_now(name: str, text: str) -> str:
    """What the old code answered, with claim histories as they are now kept (only these
    differ, by design: a run that changes nothing adds no point before the last one)."""
    if name == "report.md":
        # a fact claim's source is now badged by its specifics, its link opens "the passage"
        # (a change of wording since the fixture was made, pinned in test_formats.py)
        text = re.sub(r"\*\*(No quoted words to match|Specifics: [^*]+)\*\*", "**-**", text)
        text = text.replace("passage highlighted in the source", "quote highlighted in the source")
        return re.sub(
            r"^- History: (.*)$",
            lambda m: "- History: " + " → ".join(changes_and_last(m[1].split(" → "))),
            text,
            flags=re.M,
        )
    if name == "report.json":
        data = json.loads(text)
        for claim in data["claims"]:
            points = [json.dumps(p, sort_keys=True) for p in claim["history"]]
            claim["history"] = [json.loads(p) for p in changes_and_last(points)]
        return json.dumps(data, sort_keys=True)
    return text


def test_migration_converts_copies_to_references_and_drops_repeats(old_db: Path) -> None:
    def counts() -> tuple[int, ...]:
        with sqlite3.connect(old_db / "factcheck.db") as con:
            return tuple(
                con.execute(sql).fetchone()[0]
                for sql in (
                    "SELECT COUNT(*) FROM checks",
                    "SELECT COUNT(*) FROM claim_results",
                    "SELECT COUNT(*) FROM snapshots WHERE metadata IS NOT NULL",
                )
            )

    checks, results, with_metadata = counts()
    assert (checks, results, with_metadata) == (30, 25, 14)  # as the old code left it (one 503)
    answer(old_db, "status")  # opening the database migrates it
    with sqlite3.connect(old_db / "factcheck.db") as con:
        carried = con.execute("SELECT COUNT(*) FROM carried_checks").fetchone()[0]
        timeline = con.execute("SELECT COUNT(*) FROM check_timeline").fetchone()[0]
    checks_now, results_now, metadata_now = counts()
    assert checks_now + carried == timeline == checks  # every check of every run is still there
    assert carried == 20 and checks_now == 10  # the copies became references
    assert results_now < results and metadata_now < with_metadata


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_migrated_database_answers_as_the_old_code_did(old_db: Path, name: str) -> None:
    expected = as_kept_now(name, (old_db / "expected" / name).read_text())
    assert as_kept_now(name, answer(old_db, *COMMANDS[name])) == expected
