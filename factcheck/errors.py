"""Run-stopping errors and exit codes; per-source problems are statuses, not exceptions."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    CHECK_FAILED = 3
    BAD_INPUT = 4
    INTERRUPTED = 130  # Ctrl-C / SIGINT (128 + 2, the shell's convention)


class FactcheckError(Exception):
    """Base of every error the CLI reports as a clean message."""

    exit_code: ExitCode = ExitCode.ERROR


class ProblemsError(FactcheckError):
    """An input file with `problems`, one message each, counted in the first line."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        super().__init__(f"{path}: {count}\n" + "\n".join(problems))


class ClaimsFileError(ProblemsError):
    """claims.yaml is invalid; `problems` holds one line-numbered message each."""


class ReportInputError(FactcheckError):
    """The recorded data lacks a field the chosen report format requires."""

    exit_code = ExitCode.BAD_INPUT


class SettingsFileError(ProblemsError):
    """factcheck.toml is invalid; `problems` holds one message each."""


class StoreError(FactcheckError):
    """The database cannot be opened or written."""


class CacheError(FactcheckError):
    """The snapshot cache cannot be written (full disk, read-only directory)."""


class NotFoundError(FactcheckError):
    """A claim id or other named thing does not exist."""

    exit_code = ExitCode.BAD_INPUT


class ExtractError(Exception):
    """A snapshot's bytes cannot be turned into text; the verifier records it as a status."""
