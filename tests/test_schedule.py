"""Re-check intervals, due sources and failing-versus-dead, with time injected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from factcheck.clock import FORMAT
from factcheck.schedule import SourceDue, due_sources, parse_interval, source_health

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).strftime(FORMAT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_parse_interval(text: str, expected: timedelta) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d7", "7 days", "-1d", "1y"])
def test_parse_interval_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_interval(text)


def test_due_sources_only_when_interval_elapsed() -> None:
    week = timedelta(days=7)
    schedule = [
        SourceDue("https://a/never", week, None),
        SourceDue("https://a/old", week, ago(days=8)),
        SourceDue("https://a/exact", week, ago(days=7)),
        SourceDue("https://a/fresh", week, ago(days=6, hours=23)),
        SourceDue("https://a/hourly", timedelta(hours=1), ago(hours=2)),
    ]
    assert due_sources(schedule, NOW) == [
        "https://a/never",
        "https://a/old",
        "https://a/exact",
        "https://a/hourly",
    ]


def test_one_failure_is_failing_not_dead() -> None:
    assert source_health([(ago(days=9), "fetched"), (ago(days=1), "gone")], 3, 3).state == "failing"


def test_dead_needs_count_and_span() -> None:
    three_quick = [(ago(hours=3), "gone"), (ago(hours=2), "timeout"), (ago(hours=1), "gone")]
    assert source_health(three_quick, 3, 3).state == "failing"  # 3 failures, but within hours
    two_slow = [(ago(days=5), "gone"), (ago(days=1), "gone")]
    assert source_health(two_slow, 3, 3).state == "failing"  # long enough, too few
    dead = [(ago(days=6), "unreachable"), (ago(days=3), "gone"), (ago(days=0), "gone")]
    assert source_health(dead, 3, 3).state == "dead"


def test_success_resets_the_streak() -> None:
    history = [
        (ago(days=9), "gone"),
        (ago(days=6), "gone"),
        (ago(days=4), "fetched"),
        (ago(days=2), "gone"),
        (ago(days=1), "gone"),
    ]
    assert source_health(history, 3, 3).state == "failing"


def test_blocked_is_never_dead() -> None:
    history = [(ago(days=d), "blocked") for d in (9, 6, 3, 0)]
    assert source_health(history, 3, 3).state == "blocked"
    assert source_health([(ago(days=1), "fetched")], 3, 3).state == "ok"
    assert source_health([], 3, 3).state == "unknown"


def test_health_says_how_many_failures_and_since_when_and_ignores_offline_runs() -> None:
    history = [
        (ago(days=9), "fetched"),
        (ago(days=3), "gone"),
        (ago(days=2), "not_cached"),  # offline, no snapshot: not a check of the link
        (ago(days=1), "timeout"),
    ]
    health = source_health(history, 3, 3)
    assert (health.state, health.failures) == ("failing", 2)
    assert str(health) == f"failing 2/3 since {ago(days=3)[:10]}"
    assert source_health([(ago(days=1), "not_cached")], 3, 3).state == "unknown"
    dead = [(ago(days=d), "gone") for d in (7, 4, 0)]
    assert str(source_health(dead, 3, 3)) == f"dead since {ago(days=7)[:10]}"
    assert str(source_health([(ago(days=1), "fetched")], 3, 3)) == "ok"


def test_an_internal_error_is_not_a_link_failure() -> None:
    """`error` (a bug of ours while fetching) neither fails a healthy link nor breaks a streak."""
    assert source_health([(ago(days=1), "fetched"), (ago(days=0), "error")], 3, 3).state == "ok"
    errors_only = [(ago(days=6), "error"), (ago(days=3), "error"), (ago(days=0), "error")]
    assert source_health(errors_only, 3, 3).state == "unknown"
    dead = [
        (ago(days=6), "gone"),
        (ago(days=3), "error"),
        (ago(days=2), "gone"),
        (ago(days=0), "gone"),
    ]
    assert source_health(dead, 3, 3).state == "dead"
