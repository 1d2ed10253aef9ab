"""Issue 19 through the commands: no credentials in any output, one rating everywhere, review
validation, plain diffs, the status change column, whole ids when piped, summaries."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from webserver import make_pdf

from factcheck.claims.files import MAX_BYTES
from factcheck.claims.load import MAX_TEXT
from factcheck.formats import FORMATS
from tests.conftest import Invoke, WriteClaims
from tests.site import Page, Site

SECRET = "s3cr3t-T0KEN"
QUOTE = "our schools will stay open all winter, whatever it costs"
LONG_ID = "a-claim-id-that-is-much-longer-than-any-terminal-column-would-allow-for-it"


Claims = Callable[..., list[str]]


@pytest.fixture
def pages() -> dict[str, Page]:
    return {
        "/a": Page(
            "<html><head><title>Mayor speaks</title></head><body>"
            "<p>The mayor said our schools will stay open all autumn, whatever it costs.</p>"
            "</body></html>"
        )
    }


@pytest.fixture
def claims(tmp_path: Path, site: Site, write_claims: WriteClaims) -> Claims:
    """Writes the claims file (the `schools` claim's sources carry a password); CLI args."""

    def write(rating: dict[str, object] | None = None, article_url: bool = True) -> list[str]:
        secret_url, gone_url = (
            site.url(p).replace("http://", f"http://editor:{SECRET}@") for p in ("/a", "/gone")
        )
        schools: dict[str, object] = {
            "id": "schools",
            "claim": "The mayor promised.",
            "quote": QUOTE,
            "speaker": "The mayor",
            "sources": [secret_url, gone_url],
        }
        if rating:
            schools["rating"] = rating
        other = {"id": LONG_ID, "claim": "Another.", "sources": [site.url("/a")]}
        article = {"title": "Schools", "published": "2025-03-03"}
        if article_url:
            article["url"] = "https://paper.example/schools"
        path = write_claims(tmp_path, [schools, other], article)
        return ["--claims", str(path), "--db", str(tmp_path / "fc.db")]

    return write


def test_credentials_never_reach_any_output(
    invoke: Invoke, claims: Claims, site: Site, tmp_path: Path
) -> None:
    args = claims({"value": 2, "label": "Misleading"})
    outputs = [invoke("check", *args), invoke("check", *args)]
    site.pages["/a"] = Page("<p>The mayor said our schools will close in winter.</p>")
    outputs.append(invoke("check", *args))
    shown = site.url("/gone").replace("http://", "http://***@")  # as reports show it
    assert (
        invoke("review", "schools", *args, "--checked", "--note", "phoned", "--source", shown)[0]
        == 0
    )
    commands = (
        ["status"],
        ["status", "--json"],
        ["show", "schools"],
        ["history", "schools"],
        ["history", "schools", "--json"],
        ["diff", "schools"],
        *(["report", "--format", fmt] for fmt in FORMATS),
        ["report", "--format", "md", "-o", str(tmp_path / "r.md")],
        ["archive", "--endpoint", site.url("/save/"), "--interval", "0"],
    )
    outputs += [invoke(*command, *args) for command in commands]
    text = "\n".join(out + err for _, out, err in outputs)
    assert "http://***@127.0.0.1" in text  # the sources are there, their password is not
    assert SECRET not in text and "editor:" + SECRET not in text
    assert SECRET not in (tmp_path / "r.md").read_text()
    snapshots = [f for f in (tmp_path / "cache").rglob("*") if f.is_file()]
    # cache/claims is the parsed copy of the user's own claims file, which must keep it
    snapshots = [f for f in snapshots if "claims" not in f.relative_to(tmp_path).parts]
    assert snapshots and not [f for f in snapshots if SECRET.encode() in f.read_bytes()]


def test_one_rating_everywhere_latest_review_wins(
    invoke: Invoke, claims: Claims, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = claims({"value": 5, "best": 5, "label": "Accurate"})
    invoke("check", *args)
    monkeypatch.setattr("factcheck.review.now_iso", lambda: "2025-03-03T10:00:00Z")
    for value, label in (("2", "Misleading"), ("3", "Half true")):  # same second
        code, _, err = invoke(
            "review",
            "schools",
            *args,
            "--rating",
            value,
            "--label",
            label,
            "--note",
            "n",
            "--by",
            "Ben",
        )
        assert code == 0, err
    for fmt in ("md", "html", "csv", "json", "claimreview"):
        _, out, _ = invoke("report", "--format", fmt, "--claim", "schools", *args)
        assert "Half true" in out and "Accurate" not in out, fmt
        assert "Ben" in out, fmt
    _, out, _ = invoke("report", "--format", "json", "--claim", "schools", *args)
    claim = json.loads(out)["claims"][0]
    assert claim["rating"]["value"] == 3 and claim["rating_by"] == "Ben"
    _, out, _ = invoke("show", "schools", *args)
    assert "rating:  Half true (3/5) (by Ben)" in out


def test_a_claims_file_rating_shows_in_every_format_and_show(
    invoke: Invoke, claims: Claims
) -> None:
    args = claims({"value": 4, "best": 5, "label": "Mostly true"})
    invoke("check", *args)
    for fmt in ("md", "html", "csv", "json"):
        _, out, _ = invoke("report", "--format", fmt, *args)
        assert "Mostly true" in out, fmt
    _, out, _ = invoke("show", "schools", *args)
    assert "Mostly true (4/5) (from the claims file)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--rating", "9", "--best", "5", "--note", "n"], "outside the scale 1..5"),
        (["--rating", "0", "--note", "n"], "outside the scale 1..5"),
        (["--rating", "3", "--worst", "0", "--note", "n"], "--worst 0"),
        (["--accept", "--reject", "--note", "n"], "exactly one decision"),
        (["--accept", "--rating", "2", "--note", "n"], "exactly one decision"),
        (["--accept"], "--note"),
        (["--accept", "--note", "  "], "--note"),
        (["--note", "just a note"], "exactly one decision"),
    ],
)
def test_review_refuses_what_the_readme_forbids(
    invoke: Invoke, claims: Claims, argv: list[str], message: str
) -> None:
    args = claims()
    invoke("check", *args)
    code, out, err = invoke("review", "schools", *args, *argv)
    assert code == 2 and message in err and out == ""
    _, out, _ = invoke("status", "--json", *args)
    assert all(c["human"] == [] for c in json.loads(out)["claims"])


def test_review_takes_the_redacted_source_url_from_a_report(
    invoke: Invoke, claims: Claims, site: Site
) -> None:
    args = claims()
    invoke("check", *args)
    shown = site.url("/a").replace("http://", "http://***@")
    assert invoke("review", "schools", *args, "--accept", "--note", "n", "--source", shown)[0] == 0


def test_plain_diffs_keep_their_markers_and_punctuation(
    invoke: Invoke, claims: Claims, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = claims()
    invoke("check", *args)
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = invoke("show", "schools", *args)
    assert "open all [-autumn,-]{+winter,+} whatever it costs." in out
    _, md, _ = invoke("report", "--format", "md", *args)
    assert "all \\[-autumn,-\\]{+winter,+} whatever" in md
    site.pages["/a"] = Page("<p>The mayor said our schools will stay shut, whatever it costs.</p>")
    invoke("check", *args)
    _, out, _ = invoke("diff", "schools", *args)
    assert "[-open all autumn,-]{+shut,+}" in out


def test_status_shows_changes_and_whole_ids_when_piped(
    invoke: Invoke, claims: Claims, site: Site
) -> None:
    args = claims()
    invoke("check", *args)
    _, out, _ = invoke("status", *args)
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[1:3]}
    assert rows == {"schools": ["misquoted", "new"], LONG_ID: ["unchecked", "new"]}
    site.pages["/a"] = Page("<p>Nothing here.</p>")
    invoke("check", *args)
    _, out, _ = invoke("status", *args)
    rows = {line.split()[0]: line.split()[1:4] for line in out.splitlines()[1:3]}
    assert rows["schools"] == ["unverified", "was", "misquoted"]
    assert rows[LONG_ID][:2] == ["unchecked", "1/1"]  # unchanged: an empty change cell


def test_report_status_takes_a_comma_list(invoke: Invoke, claims: Claims) -> None:
    args = claims()
    invoke("check", *args)
    _, out, _ = invoke("report", "--format", "json", "--status", "misquoted,unchecked", *args)
    assert {c["status"] for c in json.loads(out)["claims"]} == {"misquoted", "unchecked"}
    _, out, _ = invoke("report", "--format", "json", "--status", "misquoted", *args)
    assert [c["id"] for c in json.loads(out)["claims"]] == ["schools"]
    code, _, err = invoke("report", "--status", "partly,nonsense", *args)
    assert code == 2 and "nonsense" in err


def test_report_summary_counts_what_was_written(
    invoke: Invoke, claims: Claims, tmp_path: Path
) -> None:
    args = claims({"value": 2, "label": "Misleading"})
    invoke("check", *args)
    out_file = str(tmp_path / "out")
    _, _, err = invoke("report", "--format", "claimreview", "-o", out_file, *args)
    assert "(claimreview, 1 ClaimReview (1 of 2 claims without a human rating))" in err
    _, _, err = invoke("report", "--format", "ris", "-o", out_file, *args)
    assert "(ris, 3 sources)" in err
    _, _, err = invoke("report", "--format", "md", "--claim", "schools", "-o", out_file, *args)
    assert "(md, 1 claim)" in err


def test_claimreview_author_from_options_and_missing_url_exits_4(
    invoke: Invoke, claims: Claims, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = claims({"value": 2, "label": "Misleading"})
    invoke("check", *args)
    monkeypatch.setenv("FACTCHECK_ORG_NAME", "Paper Checks")
    monkeypatch.setenv("FACTCHECK_ORG_URL", "https://paper.example/")
    _, out, _ = invoke("report", "--format", "claimreview", *args)
    item = json.loads(out)[0]
    assert item["author"] == {
        "@type": "Organization",
        "name": "Paper Checks",
        "url": "https://paper.example/",
    }
    assert item["url"] == "https://paper.example/schools#claim-schools"
    args = claims({"value": 2, "label": "Misleading"}, article_url=False)
    invoke("check", *args)
    code, out, err = invoke("report", "--format", "claimreview", *args)
    assert code == 4 and out == "" and "claimreview: url is required" in err


def test_csv_excel_starts_with_a_bom(invoke: Invoke, claims: Claims, tmp_path: Path) -> None:
    args = claims()
    invoke("check", *args)
    target = tmp_path / "r.csv"
    invoke("report", "--format", "csv", "--excel", "-o", str(target), *args)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfclaim_id,")
    _, plain, _ = invoke("report", "--format", "csv", *args)
    assert plain.startswith("claim_id,")
    code, _, err = invoke("report", "--format", "md", "--excel", *args)
    assert code == 2 and "--excel" in err


def test_pdf_excerpts_give_their_page_and_link_to_it(
    invoke: Invoke, site: Site, tmp_path: Path
) -> None:
    site.pages["/r.pdf"] = Page(
        make_pdf(["Contents and a foreword.", "Growth was 3.2 per cent in the second quarter."]),
        content_type="application/pdf",
    )
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  - id: growth\n    claim: Growth was strong.\n"
        f'    quote: "Growth was 3.2 per cent"\n    sources: [{site.url("/r.pdf")}]\n'
    )
    args = ["--claims", str(path), "--db", str(tmp_path / "fc.db")]
    invoke("check", *args)
    _, out, _ = invoke("show", "growth", *args)
    assert "found:  (page 2)" in out and site.url("/r.pdf") + "#page=2" in out
    _, md, _ = invoke("report", "--format", "md", *args)
    assert f"[page 2 of the PDF]({site.url('/r.pdf')}#page=2)" in md
    assert "Matching text in the source (page 2)" in md and ":~:text=" not in md
    _, status, _ = invoke("status", "--json", *args)
    assert json.loads(status)["claims"][0]["sources"][0]["fragment_url"].endswith("#page=2")


def test_summaries_count_in_words(invoke: Invoke, site: Site, tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(f"claims:\n  - id: one\n    claim: One.\n    sources: [{site.url('/a')}]\n")
    args = ["--claims", str(path), "--db", str(tmp_path / "fc.db")]
    _, out, _ = invoke("check", *args)
    assert "1 source checked;" in out and "1 sources" not in out
    path.write_text("claims: []\n")
    code, out, err = invoke("check", *args)  # an empty run
    assert code == 0, err
    assert out.rstrip("\n").splitlines()[-1] == "run 2: 0 sources checked"
    _, out, _ = invoke("status", *args)
    assert out == "no claims recorded yet: run `factcheck check`\n"


def test_readme_states_the_input_limits() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert f"{MAX_TEXT:,} characters" in readme
    assert f"{MAX_BYTES // 1_000_000} MB" in readme
