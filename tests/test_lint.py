"""ruff and mypy (strict) stay clean: the project's own checks, run by the README's test command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize(
    "args",
    [
        ("ruff", "check", "factcheck", "tests", "bench"),
        ("ruff", "format", "--check", "factcheck", "tests", "bench"),
        ("mypy", "factcheck"),
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_clean(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 0, result.stdout + result.stderr
