"""The README's quick start, commands and exit codes are true (sqlite-utils test_docs style)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from factcheck.cli.app import main
from factcheck.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section, re.S)


def test_quick_start_is_exactly_two_commands() -> None:
    commands = quick_start()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    install_and_run, install_and_test = commands
    assert "pip install -e ." in install_and_run and "factcheck check" in install_and_run
    assert "[test]" in install_and_test and "pytest" in install_and_test


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert quick_start()[1] in ci


def test_shipped_claims_file_is_the_default() -> None:
    assert (ROOT / "claims.yaml").exists()


def documented_commands() -> set[str]:
    return set(re.findall(r"`factcheck ([a-z]+(?: [a-z]+)?)", README))


def test_every_documented_command_exists_with_help() -> None:
    names = documented_commands() - {"COMMAND"}
    assert {"check", "status", "show"} <= {n.split()[0] for n in names}
    ctx = click.Context(main)
    for name in names:
        words = name.split()
        command = main.get_command(ctx, words[0])  # type: ignore[attr-defined]
        if command is None:
            pytest.fail(f"README documents `factcheck {name}` but there is no such command")
        if len(words) > 1 and isinstance(command, click.Group):
            assert words[1] in command.commands, name
        result = CliRunner().invoke(main, [*words, "--help"], catch_exceptions=False)
        assert result.exit_code == 0, name


def test_every_command_is_documented() -> None:
    documented = {n.split()[0] for n in documented_commands()}
    for name in main.list_commands(click.Context(main)):  # type: ignore[attr-defined]
        assert name in documented, f"`factcheck {name}` is missing from the README"


def test_exit_codes_are_documented() -> None:
    table = README.split("## Exit codes", 1)[1]
    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \|", table, re.M), code


def test_main_job_runs_cleanly_on_the_shipped_claims_without_network(tmp_path: Path) -> None:
    """The quick start's `factcheck check` on claims.yaml (offline, so nothing is fetched)."""
    db = tmp_path / "fc.db"
    result = CliRunner().invoke(
        main,
        ["check", "--claims", str(ROOT / "claims.yaml"), "--db", str(db), "--offline", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 3  # sources not readable: claims unavailable
    summary = json.loads(result.stdout)
    assert len(summary["claims"]) == 24
    statuses = {c["status"] for c in summary["claims"]}
    assert statuses == {"unavailable", "unsourced"}


def test_status_json_matches_the_documented_contract(tmp_path: Path) -> None:
    section = README.split("### `status --json`", 1)[1]
    documented = json.loads(re.search(r"```json\n(.+?)\n```", section, re.S).group(1))
    page = tmp_path / "page.txt"
    page.write_text("On 19 December 2025 the minister said the plan was working well.\n")
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n  - id: a\n    claim: On 19 December the minister spoke.\n"
        f'    quote: "the plan was working well"\n    sources: [{page}]\n'
        "  - id: b\n    claim: On 19 December the minister spoke.\n"
        f"    sources: [{page}]\n"
    )
    args = ["--claims", str(claims), "--db", str(tmp_path / "fc.db")]
    CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    out = CliRunner().invoke(main, ["status", "--json", *args], catch_exceptions=False).stdout
    actual = json.loads(out)
    assert set(actual) == set(documented)
    claim, doc_claim = actual["claims"][0], documented["claims"][0]
    assert set(claim) == set(doc_claim)
    assert set(claim["sources"][0]) == set(doc_claim["sources"][0])
    fact = actual["claims"][1]
    assert set(fact["sources"][0]["specifics"][0]) == set(doc_claim["sources"][0]["specifics"][0])
    assert claim["sources"][0]["quote_status"] == "verbatim"
