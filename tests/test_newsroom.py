"""Scheduled re-verification a newsroom can leave running (issue 17), through the CLI.

Each test runs `factcheck` commands on a local site at injected times (time-machine moves
the wall clock every timestamp comes from; the event loop's monotonic clock is untouched).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from click.testing import CliRunner, Result
from webserver import TestServer, flaky, page, status

from factcheck.cli.app import main
from tests.site import Page, Site

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 12, 1, 6, 15, tzinfo=UTC)
DAY = timedelta(days=1)
QUOTE = "the bridge will open to traffic in the spring of next year"
STORY = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>The minister said {sentence}.</p>"
    + "<p>Other news of the day, told at length.</p>" * 40
    + "</article></body></html>"
)


def story(sentence: str = QUOTE, title: str = "Bridge news", etag: str | None = None) -> Page:
    headers = {"ETag": f'"{etag}"'} if etag else {}
    return Page(STORY.format(title=title, sentence=sentence), headers=headers)


def factcheck(*args: str, at: datetime = START) -> Result:
    """One `factcheck` command, run as if the clock said `at` (cron's view of time)."""
    with time_machine.travel(at, tick=True):
        return CliRunner().invoke(main, list(args), env={"COLUMNS": "200"}, catch_exceptions=False)


def write_file(path: Path, claims: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"claims": claims}, indent=1))  # JSON is YAML
    return path


def quote_claim(cid: str, url: str, quote: str = QUOTE, **extra: object) -> dict[str, object]:
    return {
        "id": cid,
        "claim": f"The minister spoke ({cid}).",
        "quote": quote,
        "sources": [url],
        **extra,
    }


# -- point 5: back-off per URL, then per host, never silent ----------------------------------


def test_one_url_answering_429_does_not_stall_its_host(
    tmp_path: Path, web_server: TestServer
) -> None:
    urls = [
        web_server.add(f"/p{i}", page(STORY.format(title="t", sentence=QUOTE))) for i in range(9)
    ]
    limited = web_server.add("/busy", status(429, **{"Retry-After": "100"}))
    claims = write_file(
        tmp_path / "claims.yaml", [quote_claim(f"c{i}", u) for i, u in enumerate([limited, *urls])]
    )
    result = factcheck("check", "--claims", str(claims), "--json")
    assert result.exit_code == 3
    statuses = {c["id"]: c["status"] for c in json.loads(result.stdout)["claims"]}
    assert statuses["c0"] == "unavailable"
    assert all(statuses[f"c{i}"] == "supported" for i in range(1, 10))
    assert web_server.hits["/busy"] == 1  # Retry-After 100 s is more than --max-wait 60 s
    assert f"not waiting 100 s more (--max-wait 60 s per source) for {limited}" in result.stderr
    assert "429:" not in result.stderr.replace("HTTP 429", "")  # the host was never slowed
    shown = factcheck("show", "c0", "--claims", str(claims)).stdout
    assert "blocked" in shown and "--max-wait" in shown


def test_a_wait_is_announced_on_stderr_when_piped(tmp_path: Path, web_server: TestServer) -> None:
    good = page(STORY.format(title="t", sentence=QUOTE))
    url = web_server.add("/limited", flaky(429, 1, good, **{"Retry-After": "1"}))
    claims = write_file(tmp_path / "claims.yaml", [quote_claim("c", url)])
    result = factcheck("check", "--claims", str(claims))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"waiting 1 s to ask {url} again: HTTP 429, Retry-After 1 s"
    ]


def test_a_host_that_keeps_answering_429_is_blocked_for_the_rest_of_the_run(
    tmp_path: Path, web_server: TestServer
) -> None:
    urls = [web_server.add(f"/p{i}", status(429, **{"Retry-After": "0"})) for i in range(12)]
    claims = write_file(
        tmp_path / "claims.yaml", [quote_claim(f"c{i}", u) for i, u in enumerate(urls)]
    )
    result = factcheck("check", "--claims", str(claims), "--json")
    assert sum(web_server.hits.values()) < len(urls)  # not even one request per source
    assert "127.0.0.1: 2 of its pages answered 429: one request every 0 s" in result.stderr
    assert "127.0.0.1: it kept answering 429" in result.stderr
    data = json.loads(factcheck("status", "--claims", str(claims), "--json").stdout)
    fetches = [s["fetch_status"] for c in data["claims"] for s in c["sources"]]
    assert fetches == ["blocked"] * len(urls)


# -- point 6: soft 404 by evidence, not by title alone ---------------------------------------


def test_soft_404_needs_evidence_beyond_the_title(tmp_path: Path, site: Site) -> None:
    site.pages["/album"] = story(title="Error 404: the album that changed punk")
    site.pages["/forgets"] = story(title="Page not found – how the web forgets")
    site.pages["/short"] = Page("<title>Page not found</title><p>Try the search box.</p>")
    not_found_page = (
        "<html><head><title>Oops</title></head><body><h1>404 - not found</h1>"
        + "<p>Sections: politics world business sport culture opinion.</p>" * 40
        + "</body></html>"
    )
    site.pages["/gone-long"] = Page(not_found_page)  # answers 200, as soft 404s do
    site.not_found = Page(not_found_page, status=404)
    claims = write_file(
        tmp_path / "claims.yaml",
        [
            quote_claim(name, site.url(f"/{name}"))
            for name in ("album", "forgets", "short", "gone-long")
        ],
    )
    factcheck("check", "--claims", str(claims))
    data = json.loads(factcheck("status", "--claims", str(claims), "--json").stdout)
    fetches = {c["id"]: c["sources"][0]["fetch_status"] for c in data["claims"]}
    assert fetches == {
        "album": "fetched",
        "forgets": "fetched",
        "short": "gone",
        "gone-long": "gone",
    }
    assert {c["id"]: c["status"] for c in data["claims"]}["album"] == "supported"


# -- point 1: due means due ----------------------------------------------------------------


def test_due_checks_edited_and_new_claims_at_once(tmp_path: Path, site: Site) -> None:
    site.pages["/homes"] = Page(
        "<p>The council said 13,000 homes would be built by 2030.</p>", headers={"ETag": '"h1"'}
    )
    url = site.url("/homes")
    claims = tmp_path / "claims.yaml"
    write_file(claims, [quote_claim("homes", url, "31,000 homes would be built by 2030")])
    first = factcheck("check", "--claims", str(claims), "--json")
    assert json.loads(first.stdout)["claims"][0]["status"] == "misquoted"
    fixed = quote_claim("homes", url, "13,000 homes would be built by 2030")
    write_file(claims, [fixed, quote_claim("added", url, "homes would be built by 2030")])
    due = factcheck("check", "--due", "--claims", str(claims), "--json", at=START + DAY)
    assert due.exit_code == 0, due.stdout
    summary = json.loads(due.stdout)
    assert summary["sources_checked"] == 1  # the interval (7d) has not passed; the claims changed
    assert {c["id"]: c["status"] for c in summary["claims"]} == {
        "homes": "supported",
        "added": "supported",
    }
    shown = factcheck("show", "homes", "--claims", str(claims)).stdout
    assert "31,000" not in shown  # no stale difference beside the fixed quote
    quiet = factcheck("check", "--due", "--claims", str(claims), "--json", at=START + 2 * DAY)
    assert json.loads(quiet.stdout)["sources_checked"] == 0  # judged now: nothing due
    assert json.loads(quiet.stdout)["run_id"] is None  # and nothing recorded
    write_file(claims, [quote_claim("homes", url, "31,000 homes would be built by 2030")])
    wrong = factcheck("check", "--due", "--claims", str(claims), "--json", at=START + 3 * DAY)
    [changed] = json.loads(wrong.stdout)["changed"]
    assert (changed["id"], changed["change"]) == ("homes", "worse")
    assert changed["reason"].startswith("misquoted: ") and "31,000" in changed["reason"]


def test_a_due_run_with_nothing_due_loads_no_fetch_or_match_stage(
    tmp_path: Path, site: Site
) -> None:
    site.pages["/a"] = story()
    # the probe runs on the real clock: an interval no real date reaches keeps it not due
    claim = quote_claim("a", site.url("/a"), recheck="1000w")
    claims = write_file(tmp_path / "claims.yaml", [claim])
    assert factcheck("check", "--claims", str(claims)).exit_code == 0
    probe = (
        "import sys\n"
        "from factcheck.cli.app import main\n"
        "try:\n"
        f"    main(['check', '--due', '--json', '--claims', {str(claims)!r}])\n"
        "except SystemExit as done:\n"
        "    loaded = [m for m in ('httpx', 'rapidfuzz', 'factcheck.verify') if m in sys.modules]\n"
        "    print(done.code, loaded, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert json.loads(done.stdout)["sources_checked"] == 0
    assert done.stderr.strip() == "0 []"


def test_a_new_source_on_a_claim_is_due_and_a_removed_claim_leaves_status(
    tmp_path: Path, site: Site
) -> None:
    site.pages["/a"] = story(etag="a")
    site.pages["/b"] = story(etag="b")
    claims = tmp_path / "claims.yaml"
    write_file(claims, [quote_claim("one", site.url("/a")), quote_claim("two", site.url("/a"))])
    factcheck("check", "--claims", str(claims))
    one = quote_claim("one", site.url("/a"))
    one["sources"] = [site.url("/a"), site.url("/b")]
    write_file(claims, [one])  # "two" removed, "one" cites a second source
    due = factcheck("check", "--due", "--claims", str(claims), "--json", at=START + DAY)
    assert json.loads(due.stdout)["sources_checked"] == 1 and site.hits["/b"] == 1
    status = json.loads(factcheck("status", "--claims", str(claims), "--json").stdout)
    assert [c["id"] for c in status["claims"]] == ["one"]
    assert [s["fetch_status"] for s in status["claims"][0]["sources"]] == ["fetched", "fetched"]
    gone = factcheck("show", "two", "--claims", str(claims))
    assert gone.exit_code == 4 and "removed from the claims file" in gone.stderr
    history = factcheck("history", "two", "--claims", str(claims), "--json")
    assert history.exit_code == 0 and json.loads(history.stdout)["sources"]  # kept


# -- point 2: offline and failed runs never downgrade ------------------------------------------


def test_offline_without_snapshots_keeps_verdicts_and_link_health(
    tmp_path: Path, site: Site
) -> None:
    site.pages["/a"] = story()
    claims = write_file(tmp_path / "claims.yaml", [quote_claim("a", site.url("/a"))])
    assert factcheck("check", "--claims", str(claims)).exit_code == 0
    shutil.rmtree(tmp_path / "cache")  # snapshots missing
    for day in (1, 2, 4):
        result = factcheck(
            "check", "--offline", "--claims", str(claims), "--json", at=START + day * DAY
        )
        assert result.exit_code == 0
        summary = json.loads(result.stdout)
        assert summary["changed"] == [] and summary["sources_checked"] == 0
        assert summary["claims"][0]["status"] == "supported"
        assert summary["claims"][0]["reason"].startswith("not re-checked: offline and no")
    text = factcheck("check", "--offline", "--claims", str(claims), at=START + 5 * DAY).stdout
    assert "a: not re-checked: offline and no cached snapshot" in text
    status = json.loads(factcheck("status", "--claims", str(claims), "--json").stdout)
    source = status["claims"][0]["sources"][0]
    assert (status["claims"][0]["status"], source["fetch_status"]) == ("supported", "fetched")
    history = json.loads(factcheck("history", "a", "--claims", str(claims), "--json").stdout)
    assert [p["fetch_status"] for p in history["sources"][site.url("/a")]] == ["fetched"]
    due = factcheck("check", "--due", "--claims", str(claims), "--json", at=START + 8 * DAY)
    assert json.loads(due.stdout)["sources_checked"] == 1  # offline runs did not count as checks


# -- point 4: health and drift where people look ---------------------------------------------


def test_health_and_drift_in_status_show_and_the_check_summary(tmp_path: Path, site: Site) -> None:
    site.pages["/changed"] = story()
    site.pages["/down"] = story()
    claims = write_file(
        tmp_path / "claims.yaml",
        [quote_claim("changed", site.url("/changed")), quote_claim("down", site.url("/down"))],
    )
    check = ("check", "--claims", str(claims), "--retries", "0", "--json")
    assert factcheck(*check).exit_code == 0
    site.pages["/changed"] = story("the bridge project is under review")
    site.pages["/down"] = Page("oops", status=500)
    worse = json.loads(factcheck(*check, at=START + DAY).stdout)["changed"]
    assert [(c["id"], c["change"], c["reason"]) for c in worse] == [
        ("changed", "worse", "source changed: quote removed on 2026-12-02"),
        (
            "down",
            "worse",
            "source failing 1/3 since 2026-12-02: server_error (HTTP 500 Internal Server Error)",
        ),
    ]
    text = factcheck(*check[:-1], at=START + 2 * DAY).stdout
    assert "worse" not in text  # failing 2/3 now, but still unavailable: no transition
    status = json.loads(factcheck("status", "--claims", str(claims), "--json").stdout)
    sources = {c["id"]: c["sources"][0] for c in status["claims"]}
    assert sources["down"]["health"] == {
        "state": "failing",
        "failures": 2,
        "of": 3,
        "since": "2026-12-02T06:15:00Z",
    }
    assert sources["changed"]["health"]["state"] == "ok"
    assert sources["changed"]["drift"] == {"class": "removed", "at": "2026-12-02T06:15:00Z"}
    assert sources["down"]["drift"] is None
    table = factcheck("status", "--claims", str(claims)).stdout
    assert "failing 2/3 since 2026-12-02" in table
    assert "ok; quote removed 2026-12-02" in table
    shown = factcheck("show", "changed", "--claims", str(claims)).stdout
    assert "drift:  quote removed on 2026-12-02" in shown and "health: ok" in shown
    assert (
        "health: failing 2/3 since 2026-12-02"
        in factcheck("show", "down", "--claims", str(claims)).stdout
    )
    factcheck(*check, at=START + 4 * DAY)
    status = json.loads(factcheck("status", "--claims", str(claims), "--json").stdout)
    down = next(c for c in status["claims"] if c["id"] == "down")
    assert down["sources"][0]["health"]["state"] == "dead"  # 3 failures over 3 days


# -- point 3: text history survives a deleted cache ------------------------------------------


def test_diff_and_history_agree_after_the_cache_is_deleted(tmp_path: Path, site: Site) -> None:
    site.pages["/a"] = story(etag="v1")
    claims = write_file(tmp_path / "claims.yaml", [quote_claim("a", site.url("/a"))])
    args = ("--claims", str(claims))
    factcheck("check", *args)
    shutil.rmtree(tmp_path / "cache")
    reused = factcheck("check", "--due", *args, "--json", at=START + 8 * DAY)
    assert json.loads(reused.stdout)["sources_checked"] == 1  # same page: verdict carried over
    site.pages["/a"] = story(QUOTE.replace("spring", "autumn"), etag="v2")
    factcheck("check", "--due", *args, at=START + 16 * DAY)

    def changes() -> tuple[list[bool], str]:
        history = json.loads(factcheck("history", "a", *args, "--json").stdout)
        return [p["text_changed"] for p in history["sources"][site.url("/a")]], factcheck(
            "diff", "a", *args
        ).stdout

    changed, diff = changes()
    assert changed == [False, False, True]
    assert "spring" in diff and "autumn" in diff and "(edited)" in diff
    shutil.rmtree(tmp_path / "cache")  # now the texts themselves are gone
    changed, diff = changes()
    assert changed == [False, False, True]
    assert "(edited)" in diff and "is no longer in the snapshot cache" in diff


# -- point 7: many articles, one schedule ------------------------------------------------------


def test_a_folder_of_claims_files_shares_one_database(tmp_path: Path, site: Site) -> None:
    for name in ("bridge", "budget", "extra"):
        site.pages[f"/{name}"] = story(etag=name)
    folder = tmp_path / "articles"
    folder.mkdir()
    write_file(folder / "bridge.yaml", [quote_claim("intro", site.url("/bridge"))])
    write_file(
        folder / "budget.yaml",
        [quote_claim("intro", site.url("/budget")), quote_claim("more", site.url("/extra"))],
    )
    (folder / "notes.txt").write_text("not a claims file")
    db = ("--db", str(tmp_path / "newsroom.db"))
    first = factcheck("check", "--claims", str(folder), *db, "--json")
    assert first.exit_code == 0, first.stderr
    assert [c["id"] for c in json.loads(first.stdout)["claims"]] == [
        "bridge/intro",
        "budget/intro",
        "budget/more",
    ]
    only = factcheck("status", *db, "--article", str(folder / "budget.yaml"), "--json")
    assert [c["id"] for c in json.loads(only.stdout)["claims"]] == ["budget/intro", "budget/more"]
    assert factcheck("show", "bridge/intro", *db).exit_code == 0
    write_file(folder / "budget.yaml", [quote_claim("intro", site.url("/budget"))])
    due = factcheck("check", "--due", "--claims", str(folder), *db, "--json", at=START + DAY)
    assert json.loads(due.stdout)["sources_checked"] == 0  # nothing new, nothing due
    status = json.loads(factcheck("status", *db, "--json").stdout)
    assert [c["id"] for c in status["claims"]] == ["bridge/intro", "budget/intro"]
    two = factcheck(
        "check",
        "--claims",
        str(folder / "bridge.yaml"),
        "--claims",
        str(folder / "budget.yaml"),
        *db,
        "--json",
        at=START + 2 * DAY,
    )
    assert [c["id"] for c in json.loads(two.stdout)["claims"]] == ["bridge/intro", "budget/intro"]
    report = factcheck("report", "--claims", str(folder), *db, "--format", "csv")
    assert "bridge/intro" in report.stdout and "budget/intro" in report.stdout
    twice = tmp_path / "other" / "bridge.yaml"
    twice.parent.mkdir()
    write_file(twice, [quote_claim("intro", site.url("/bridge"))])
    clash = factcheck("check", "--claims", str(folder), "--claims", str(twice), *db)
    assert clash.exit_code == 4 and "two claims files are named 'bridge'" in clash.stderr
