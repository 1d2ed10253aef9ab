"""Logging to stderr for the CLI: -v/--verbose and FACTCHECK_LOG (issue 15, point 6)."""

from __future__ import annotations

import logging
import os

import click

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
log = logging.getLogger("factcheck")


class _StderrHandler(logging.Handler):
    """Log records to whatever stderr is now (click's, so tests capture it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # logging must never stop a run
            self.handleError(record)


def configure(verbose: int) -> None:
    """Warnings by default; -v info, -vv debug; FACTCHECK_LOG=LEVEL too (the chattier wins)."""
    levels = [logging.WARNING, logging.INFO, logging.DEBUG]
    level = levels[min(verbose, 2)]
    named = os.environ.get("FACTCHECK_LOG", "").strip().upper()
    if named:
        env_level = logging.getLevelName(named)
        if not isinstance(env_level, int):
            raise click.BadParameter(
                f"{named.lower()!r}: use debug, info, warning or error", param_hint="FACTCHECK_LOG"
            )
        level = min(level, env_level)
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        log.addHandler(handler)
    log.setLevel(level)
