"""What one source may wait for between tries (--max-wait), and the line that says so.

A wait is never silent: each one, and each wait refused, is a line for the user (stderr in
the CLI, even when piped), so a run slowed by 429s says what it waits for (issue 17).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from factcheck.fetch.classify import Attempt
from factcheck.models import FetchResult

Notice = Callable[[str], None]  # one line for the user: what the run waits for, and why
GIVEN_UP = "its host kept answering 429 (rate limited): not asked again this run"


class WaitBudget:
    """The seconds one source may still spend waiting: for its host's turn and for retries."""

    def __init__(self, max_wait: float, notice: Notice) -> None:
        self.max_wait = max_wait
        self.left = max_wait
        self.notice = notice

    def spend(self, seconds: float) -> None:
        self.left -= seconds

    def before_retry(self, outcome: Attempt, delay: float, run_left: float | None) -> bool:
        """Whether to wait `delay` s and try again; says so either way when it matters."""
        result = outcome.result
        asked = outcome.retry_after if outcome.retry_after is not None else delay
        if asked > self.left or (run_left is not None and delay >= run_left):
            return False
        if outcome.slow_down or delay >= 1:
            self.notice(f"waiting {delay:.0f} s to ask {result.url} again: {_why(outcome)}")
        return True

    def refused(self, outcome: Attempt, delay: float) -> FetchResult:
        """The last answer, saying the source could not wait for another try."""
        result = outcome.result
        asked = outcome.retry_after if outcome.retry_after is not None else delay
        why = f"not waiting {asked:.0f} s more (--max-wait {self.max_wait:g} s per source)"
        if asked > self.left and result.http_status == 429:
            self.notice(f"{why} for {result.url}: HTTP 429; reported blocked")
        return replace(result, reason=f"{result.reason}; {why}")


def _why(outcome: Attempt) -> str:
    result = outcome.result
    if result.http_status == 429 and outcome.retry_after is not None:
        return f"HTTP 429, Retry-After {outcome.retry_after:g} s"
    return f"HTTP {result.http_status}" if result.http_status else result.status.value
