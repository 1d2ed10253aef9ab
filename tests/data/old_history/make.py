"""Make the database of tests/test_history_migration.py with the code of the day.

    PYTHONPATH=<old checkout>:.:tests python tests/data/old_history/make.py OUT   (from the root)

Made with factcheck at commit 6c48d52 (before issue 21 point 4: every carried-over verdict
copied as a `checks` row, snapshot metadata copied per fetch, a claim_results row per run).
Five runs at injected times over a local site: a full check, an unchanged due run, a run where
one page drops its quote and another fails, a run where the failed page is back with the same
bytes, another unchanged run; a review. OUT gets factcheck.db, cache/, claims.yaml and what the
old code answered (`expected/`), which the test compares with what the new code answers on the
migrated database.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from click.testing import CliRunner

from tests.site import Page, serve

START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)
AT_END = START + 33 * DAY
QUOTE = "the bridge will open to traffic in the spring of next year"
OTHER = "we have never been closer to an agreement on the harbour"
PAGE = (
    "<html><head><title>{title}</title><meta name='author' content='Ann Lee'>"
    "<meta property='article:published_time' content='2026-10-30'></head><body><article>"
    "<h1>{title}</h1><p>The minister said {sentence}.</p><p>The mayor said {other}.</p>"
    "<p>Turnout was 61 per cent on 12 March 2026, officials said.</p>"
    + "<p>Other news of the day, told at length.</p>" * 30
    + "</article></body></html>"
)
COMMANDS = {
    "status.json": ["status", "--json"],
    "status.txt": ["status"],
    "report.json": ["report", "--format", "json"],
    "report.md": ["report", "--format", "md"],
    "report.csv": ["report", "--format", "csv"],
    **{f"history-{c}.json": ["history", c, "--json"] for c in ("c1", "c2", "c3", "c4", "c5")},
    **{f"diff-{c}.txt": ["diff", c] for c in ("c1", "c2", "c3")},
    **{f"show-{c}.txt": ["show", c] for c in ("c2", "c3", "c4")},
}


def page(title: str, sentence: str = QUOTE, etag: str | None = None) -> Page:
    headers = {"ETag": f'"{etag}"'} if etag else {}
    return Page(PAGE.format(title=title, sentence=sentence, other=OTHER), headers=headers)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        FACTCHECK_DB=str(out / "factcheck.db"),
        FACTCHECK_CACHE_DIR=str(out / "cache"),
        COLUMNS="200",
    )
    os.environ.pop("FACTCHECK_CONFIG", None)
    from factcheck.cli.app import main as cli

    def run(*args: str, at: datetime) -> str:
        with time_machine.travel(at, tick=False):
            result = CliRunner().invoke(cli, [*args], catch_exceptions=False)
        assert result.exit_code in (0, 3), (args, result.exit_code, result.output)
        return result.stdout

    with serve() as site:
        site.pages.update(
            {
                "/a": page("Bridge", etag="a1"),
                "/b": page("Harbour"),
                "/c": page("Council", etag="c1"),
            }
        )
        url = site.url("").rstrip("/")
        claims = [
            {
                "id": "c1",
                "claim": "The minister spoke.",
                "quote": QUOTE,
                "speaker": "The minister",
                "sources": [f"{url}/a"],
                "recheck": "7d",
            },
            {
                "id": "c2",
                "claim": "The minister spoke of the bridge.",
                "quote": QUOTE,
                "sources": [f"{url}/b"],
                "recheck": "7d",
            },
            {
                "id": "c3",
                "claim": "The mayor spoke.",
                "quote": OTHER,
                "sources": [f"{url}/c"],
                "recheck": "7d",
            },
            {
                "id": "c4",
                "claim": "The mayor spoke twice.",
                "quote": OTHER.replace("never", "often"),
                "sources": [f"{url}/a", f"{url}/c"],
                "recheck": "7d",
            },
            {
                "id": "c5",
                "claim": "Turnout was 61 per cent on 12 March 2026.",
                "sources": [f"{url}/c"],
                "recheck": "7d",
            },
        ]
        path = out / "claims.yaml"
        path.write_text(json.dumps({"claims": claims}, indent=1))
        claims_args = ("--claims", str(path))
        run("check", *claims_args, at=START)
        run("check", "--due", *claims_args, at=START + 8 * DAY)
        site.pages["/b"] = page("Harbour", sentence="the bridge will open one day")
        site.pages["/c"] = Page(b"busy", 503, "text/plain")
        run("check", "--due", *claims_args, at=START + 16 * DAY)
        site.pages["/c"] = page("Council", etag="c1")
        run("check", "--due", *claims_args, at=START + 24 * DAY)
        run(
            "review",
            "c2",
            "--reject",
            "--note",
            "the page changed",
            "--by",
            "ed",
            at=START + 25 * DAY,
        )
        run("check", "--due", *claims_args, at=START + 32 * DAY)
        expected = out / "expected"
        expected.mkdir(exist_ok=True)
        (expected / "commands.json").write_text(json.dumps(COMMANDS, indent=1) + "\n")
        for name, command in COMMANDS.items():
            (expected / name).write_text(run(*command, *claims_args, at=AT_END))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
