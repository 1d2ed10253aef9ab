"""factcheck.toml beside the claims file: per-host headers, skipped hosts, pacing, run deadline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from webserver import TestServer, page

from factcheck.errors import ExitCode, SettingsFileError
from factcheck.settings_file import READERS, file_settings
from tests.conftest import Invoke, WriteClaims

PAGE = b"<p>The minister said the talks were productive.</p>"


def claims_citing(write_claims: WriteClaims, folder: Path, *urls: str) -> Path:
    claim = {"claim": "The talks went well.", "quote": "the talks were productive"}
    return write_claims(
        folder, [{"id": f"c{i}", **claim, "sources": [url]} for i, url in enumerate(urls)]
    )


def test_every_setting_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYWALL_TOKEN", "s3cret")
    (tmp_path / "factcheck.toml").write_text(
        """
host_interval = 1.5
run_deadline = 600
skip_hosts = ["Ads.Example.com"]

[host_headers."paywall.example"]
Authorization = { env = "PAYWALL_TOKEN" }
Cookie = "consent=yes"
""",
        encoding="utf-8",
    )
    assert file_settings(tmp_path / "claims.yaml") == {
        "host_interval": 1.5,
        "run_deadline": 600.0,
        "skip_hosts": frozenset({"ads.example.com"}),
        "host_headers": {"paywall.example": {"Authorization": "s3cret", "Cookie": "consent=yes"}},
    }
    assert set(READERS) == {"host_interval", "run_deadline", "skip_hosts", "host_headers"}


def test_no_file_changes_nothing(tmp_path: Path) -> None:
    assert file_settings(tmp_path / "claims.yaml") == {}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("host_interval = [", "cannot read: "),
        ("host_intervals = 1", "unknown setting 'host_intervals'; known: host_interval"),
        ("host_interval = -1", "host_interval: must be a number of seconds, 0 or more"),
        ("run_deadline = 0", "run_deadline: must be a number of seconds above 0"),
        ("run_deadline = true", "run_deadline: must be a number"),
        ('skip_hosts = "a.example"', "skip_hosts: must be a list of host names"),
        ('skip_hosts = ["https://a.example/"]', "is not a host name"),
        ('[host_headers."a.example"]\nAuthorization = { env = "FC_UNSET_VAR" }', "FC_UNSET_VAR"),
        ('[host_headers."a.example"]\n"Bad Name" = "x"', "'Bad Name' is not a header name"),
        ('[host_headers."a.example"]\nX-A = "one\\ntwo"', "the value must be one line"),
        ('[host_headers."a.example"]\nX-A = 5', "must be a string or {env"),
    ],
)
def test_problems_are_named(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "factcheck.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsFileError) as caught:
        file_settings(tmp_path / "claims.yaml")
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert problem in str(caught.value)


def test_a_per_host_header_reaches_the_server(
    tmp_path: Path,
    web_server: TestServer,
    monkeypatch: pytest.MonkeyPatch,
    invoke: Invoke,
    write_claims: WriteClaims,
) -> None:
    """The README's promise: credentials for one host, from the environment, sent to it only."""
    monkeypatch.setenv("FC_TEST_TOKEN", "Bearer t0ken")
    own = web_server.add("/own", page(PAGE))
    other = web_server.add("/other", page(PAGE), host="localhost")
    claims = claims_citing(write_claims, tmp_path, own, other)
    (tmp_path / "factcheck.toml").write_text(
        '[host_headers."127.0.0.1"]\nAuthorization = { env = "FC_TEST_TOKEN" }\nX-Edition = "nz"\n',
        encoding="utf-8",
    )
    code, out, err = invoke("check", "--claims", str(claims), "--json")
    assert code == ExitCode.OK, err
    sent = dict(web_server.log)
    assert sent["/own"]["Authorization"] == "Bearer t0ken"
    assert sent["/own"]["X-Edition"] == "nz"
    assert "Authorization" not in sent["/other"]  # localhost is another host
    assert json.loads(out)["counts"] == {"supported": 2}


def test_skipped_hosts_are_not_asked(
    tmp_path: Path, web_server: TestServer, invoke: Invoke, write_claims: WriteClaims
) -> None:
    skipped = web_server.add("/page", page(PAGE), host="localhost")
    claims = claims_citing(write_claims, tmp_path, skipped)
    (tmp_path / "factcheck.toml").write_text('skip_hosts = ["localhost"]\n', encoding="utf-8")
    code, _, _ = invoke("check", "--claims", str(claims))
    assert code == ExitCode.CHECK_FAILED
    assert web_server.hits["/page"] == 0
    _, out, _ = invoke("status", "--claims", str(claims), "--json")
    source = json.loads(out)["claims"][0]["sources"][0]
    assert source["fetch_status"] == "blocked"


def test_a_bad_settings_file_stops_check_before_anything_is_written(
    tmp_path: Path, invoke: Invoke, write_claims: WriteClaims
) -> None:
    claims = claims_citing(write_claims, tmp_path, "statement.txt")
    (tmp_path / "factcheck.toml").write_text("host_interval = 'slow'\n", encoding="utf-8")
    code, out, err = invoke("check", "--claims", str(claims))
    assert (code, out) == (ExitCode.BAD_INPUT, "")
    assert "factcheck.toml: 1 problem" in err and "host_interval" in err
    assert not (tmp_path / "factcheck.db").exists()


def test_run_settings_reach_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invoke: Invoke, write_claims: WriteClaims
) -> None:
    """host_interval and run_deadline from the file, --options still on top."""
    import factcheck.run

    seen = []

    def fake_run(settings: object, *_: object, **__: object) -> object:
        seen.append(settings)
        raise KeyboardInterrupt

    monkeypatch.setattr(factcheck.run, "run_check", fake_run)
    claims = claims_citing(write_claims, tmp_path, "statement.txt")
    (tmp_path / "factcheck.toml").write_text(
        "host_interval = 2\nrun_deadline = 90\n", encoding="utf-8"
    )
    code, _, _ = invoke("check", "--claims", str(claims), "--retries", "1")
    assert code == ExitCode.INTERRUPTED
    (settings,) = seen
    assert (settings.host_interval, settings.run_deadline, settings.retries) == (2.0, 90.0, 1)  # type: ignore[attr-defined]
