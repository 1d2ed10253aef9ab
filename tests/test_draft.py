"""Drafting claims from an article: quotes, speakers, fact sentences, links, ids and --merge."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from webserver import make_pdf

from factcheck.claims.load import load_claims
from factcheck.draft import (
    SCARE_TAG,
    UNCLOSED_TAG,
    DraftClaim,
    draft_claims,
    draft_yaml,
    find_quotes,
    merge_into,
    read_article,
    slugify,
    split_sentences,
    unique_id,
)
from factcheck.errors import ClaimsFileError, ExitCode
from factcheck.extract.html import read_paragraphs
from factcheck.models import SpecificKind
from factcheck.specifics import extract_specifics
from tests.site import Page, serve

if TYPE_CHECKING:
    from tests.conftest import Invoke

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seed" / "article.txt"


def quotes_of(text: str) -> list[DraftClaim]:
    return [d for d in draft_claims(text) if d.quote]


def speakers(text: str) -> dict[str, str | None]:
    return {d.quote: d.speaker for d in quotes_of(text) if d.quote}


# --- quote finding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “I don’t know why” and left.", ["I don’t know why"]),
        ("“Collins’ team won’t stop,” he said.", ["Collins’ team won’t stop"]),
        ("She said “the ‘so-called’ deal is off” today.", ["the ‘so-called’ deal is off"]),
        ('Smith said "it\'s a \'great\' day" and "more."', ["it's a 'great' day", "more."]),
        ("It was “late. Very late.” Then he went.", ["late. Very late."]),
        ("The plan (Collins called it “a start”) passed.", ["a start"]),
        ('A 12" pipe burst and "water" flowed.', ["water"]),
        (
            '“Curly” and "straight" and “mixed "inner" words”.',
            ["Curly", "straight", 'mixed "inner" words'],
        ),
        ("Nothing quoted here, it’s Collins’ view.", []),
    ],
)
def test_find_quotes(text: str, expected: list[str]) -> None:
    assert [q.inner(text) for q in find_quotes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("‘We work well,’ Collins said.", ["We work well"]),
        ("She called it ‘a disgrace’ and left.", ["a disgrace"]),
        ("‘First,’ she said, ‘and second.’", ["First", "and second."]),
        (
            "‘It’s Collins’s view that we won’t stop,’ he said.",
            ["It’s Collins’s view that we won’t stop"],
        ),
        ("He said ‘it is “bad” news’ today.", ["it is “bad” news"]),
        # "soldiers’ families": an apostrophe, not the end of the quotation
        ("‘The soldiers’ families were told,’ she said.", ["The soldiers’ families were told"]),
        ("‘We sent the ships’ she said.", ["We sent the ships"]),
        # apostrophes that only look like opening marks open nothing
        ("In the ‘90s it was rock ‘n’ roll, Collins’ view.", []),
        ("An unclosed ‘mark runs on, doesn’t it.", []),
        ("“Double ‘nested’ only,” he said.", ["Double ‘nested’ only"]),
    ],
)
def test_find_british_single_quotes(text: str, expected: list[str]) -> None:
    assert [q.inner(text) for q in find_quotes(text)] == expected


def test_british_quote_gets_its_speaker() -> None:
    text = "Judith Collins went to Tokyo. ‘We work well together,’ Collins said."
    assert speakers(text) == {"We work well together": "Judith Collins"}


def test_unclosed_quote_stays_in_its_paragraph() -> None:
    text = (
        "He told reporters “this runs on. And on without an end.\n"
        "Next day “a proper quote,” Mary Brown said.\n"
        "Last line."
    )
    drafts = quotes_of(text)
    assert [(d.quote, d.tags) for d in drafts] == [
        ("this runs on. And on without an end.", (UNCLOSED_TAG,)),
        ("a proper quote", ()),
    ]
    assert drafts[1].speaker == "Mary Brown"
    assert drafts[0].claim == "He told reporters “this runs on. And on without an end."


def test_second_opening_mark_ends_an_unclosed_quote() -> None:
    text = "He said “first part and then “second part” to us."
    assert [q.inner(text) for q in find_quotes(text)] == ["first part and then", "second part"]
    assert [q.closed for q in find_quotes(text)] == [False, True]


def test_quote_across_sentence_break_keeps_one_claim_sentence() -> None:
    text = "Intro. Collins declared that it was “legal. By doing this, we lead.” Then more."
    quotes = find_quotes(text)
    sentences = [text[a:b] for a, b in split_sentences(text, quotes)]
    assert sentences == [
        "Intro.",
        "Collins declared that it was “legal. By doing this, we lead.”",
        "Then more.",
    ]
    (draft,) = quotes_of(text)
    assert draft.quote == "legal. By doing this, we lead."
    assert draft.claim == sentences[1]


def test_sentences_do_not_end_at_abbreviations() -> None:
    text = "Dr. J. Smith met Mr. Jones in Jan. 2024 at the U.S. Embassy. Then left."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Dr. J. Smith met Mr. Jones in Jan. 2024 at the U.S. Embassy.",
        "Then left.",
    ]


def test_scare_quotes_are_kept_and_tagged() -> None:
    text = (
        "The “liberal” host backs it. The so-called “rules-based system” is Washington’s. "
        "Hegseth declared that China posed an “imminent” threat. "
        "The plan was “a longer phrase of words” in effect."
    )
    tags = {d.quote: d.tags for d in quotes_of(text)}
    assert tags == {
        "liberal": (SCARE_TAG,),
        "rules-based system": (SCARE_TAG,),
        "imminent": (),  # attributed: a one-word quotation, not a scare quote
        "a longer phrase of words": (),
    }


# --- speakers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        (
            "Judith Collins spoke. Collins declared: “We work well.”",
            "We work well.",
            "Judith Collins",
        ),
        ("“We work well,” Collins declared.", "We work well", "Collins"),
        ("“We work well,” said Defence Minister Judith Collins.", "We work well", "Judith Collins"),
        ("“We work well,” said the NZDF.", "We work well", "NZDF"),
        (
            "Collins told the Japan Times that ties “go from strength to strength.”",
            "go from strength to strength.",
            "Collins",
        ),
        ("According to the NZDF, the ship was “shadowed” by warships.", "shadowed", "NZDF"),
        (
            "The Japan Times observed they “boost joint training.”",
            "boost joint training.",
            "Japan Times",
        ),
        (
            "Chris Penk, minister for Veterans Affairs, told a podcast he was “proud” of it.",
            "proud",
            "Chris Penk",
        ),
        ("In May, Hegseth declared that China posed an “imminent” threat.", "imminent", "Hegseth"),
        # a described speaker is kept as the description (issue 20, point 2)
        ("Officials said the pact was “historic” for both.", "historic", "officials"),
        ("“It is done,” Kelly Ann Reilly said.", "It is done", "Kelly Ann Reilly"),
        ("Kelly openly said “it is done.”", "it is done.", "Kelly"),
        (
            "The navy carried out “surveillance and deterrence” activities.",
            "surveillance and deterrence",
            None,
        ),
        ("Mary Brown’s office said “no comment” on Tuesday.", "no comment", None),
    ],
)
def test_speaker_patterns(text: str, quote: str, speaker: str | None) -> None:
    assert speakers(text)[quote] == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We are ready,” the minister said.", "the minister"),
        ("“We are ready,” said the defence minister.", "the defence minister"),
        ("The minister told reporters “we are ready.”", "the minister"),
        ("A government spokesperson said “talks continue.”", "a government spokesperson"),
        ("“No comment,” a senior official said.", "a senior official"),
        ("The country’s foreign minister called it “useful.”", "the country’s foreign minister"),
        # not the minister but a description all the same (issue 20, point 2)
        ("“Yes,” said the minister’s office.", "the minister’s office"),
        ("The minister's aide said “no.”", "the minister's aide"),
        ("“It is done,” the crowd said.", "the crowd"),
        ("“It is done,” it said.", None),
    ],
)
def test_lowercase_role_subject_is_the_speaker(text: str, speaker: str | None) -> None:
    (found,) = speakers(text).values()
    assert found == speaker


def test_pronoun_resolves_to_last_named_person_in_paragraph() -> None:
    text = (
        "Prime Minister Christopher Luxon met Fumio Kishida. Collins said the ISA is "
        "“useful.” As things grow “increasingly challenging,” she said, ties must deepen."
    )
    assert speakers(text)["increasingly challenging"] == "Collins"


def test_pronoun_resolves_to_previous_paragraph_and_full_name() -> None:
    text = (
        "Defence Minister Judith Collins went to Tokyo.\n"
        "There “we are ready,” she said. Later “it is done,” he said."
    )
    found = speakers(text)
    assert found["we are ready"] == "Judith Collins"
    assert found["it is done"] == "Judith Collins"  # no gender model: last named person


def test_pronoun_without_a_named_person_gives_no_speaker() -> None:
    assert speakers("“First part,” she said, “and second part.”") == {
        "First part": None,
        "and second part.": None,
    }


def test_two_quotes_one_attribution() -> None:
    text = "Collins said “one thing” today and, she added, “another thing.”"
    assert speakers(text) == {"one thing": "Collins", "another thing.": "Collins"}


# --- fact sentences and ids -------------------------------------------------------------------


def test_fact_sentences_list_their_specifics() -> None:
    text = (
        "NZ boosted its contribution from 12 soldiers to 53 in June 2024. "
        "Nothing numeric in this one. "
        "“We sent 53 soldiers,” Collins said."
    )
    facts = [d for d in draft_claims(text) if not d.quote]
    assert len(facts) == 1  # numbers inside a quotation are checked with the quote
    assert facts[0].claim.startswith("NZ boosted")
    assert "from 12 soldiers to 53" in facts[0].specifics
    assert "June 2024" in facts[0].specifics


def test_listed_specifics_check_the_same_as_automatic_ones() -> None:
    """Except the noise a draft leaves out: 'for the first time' is no number (issue 20)."""
    left_out = []
    for d in draft_claims(SEED.read_text("utf-8")):
        if d.specifics:
            auto = [(s.kind, s.value, s.text) for s in extract_specifics(d.claim)]
            pinned = [(s.kind, s.value, s.text) for s in extract_specifics(d.claim, d.specifics)]
            assert pinned == [a for a in auto if a[2] in d.specifics], d.id
            left_out += [a[2] for a in auto if a[2] not in d.specifics]
    assert left_out == ["first time", "first time"]


def test_ids_are_readable_unique_and_stable() -> None:
    assert slugify("Our forces already work well together, and this") == (
        "our-forces-already-work-well-together"
    )
    assert slugify("New Zealand’s defence budget will increase") == (
        "new-zealands-defence-budget-will-increase"
    )
    assert slugify("“…”") == "claim"
    assert unique_id("a", {"a", "a-2"}) == "a-3"
    text = "He said “yes.” She said “yes.” They said “yes please.”"
    first = [d.id for d in draft_claims(text)]
    assert first == ["yes", "yes-2", "yes-please"]
    assert [d.id for d in draft_claims(text)] == first


# --- HTML ---------------------------------------------------------------------------------

HTML = """<!doctype html><html><head><title>Pacts signed</title>
<base href="/news/"></head><body>
<nav><a href="/home">Home</a> <a href="/about">About</a></nav>
<article>
<h1>Pacts signed</h1>
<p>Collins <a href="https://www.beehive.govt.nz/release/acsa">declared</a>: “Our forces
already work well together.” The budget is <a href="budget.html#top">$NZ12 billion</a>.</p>
<p>Links to skip: <a href="javascript:void(0)">js</a>, <a href="mailto:x@y.nz">mail</a>,
<a href="#note">note</a>, <a href="ftp://files.example/x">ftp</a>.</p>
<p>In May, Hegseth declared China an “imminent” threat. See
<a href="https://example.org/hegseth">the speech</a>.</p>
<ul><li>A list item with <a href="//cdn.example.org/a">a link</a> in 2025.</li></ul>
</article>
<footer><a href="/privacy">Privacy</a></footer>
</body></html>"""


def paragraphs_with_links(
    html: str, base_url: str | None = None
) -> list[tuple[str, tuple[str, ...]]]:
    """Each paragraph's text and its distinct link URLs, in order."""
    return [
        (p.text, tuple(dict.fromkeys(link.url for link in p.links)))
        for p in read_paragraphs(html, base_url)
    ]


def test_paragraphs_with_links_resolves_and_filters() -> None:
    paras = paragraphs_with_links(HTML, "https://news.example.nz/2026/pacts")
    assert paras[0] == ("Pacts signed", ())
    text, links = paras[1]
    assert text.startswith("Collins declared: “Our forces already work well together.”")
    assert links == (
        "https://www.beehive.govt.nz/release/acsa",
        "https://news.example.nz/news/budget.html",
    )
    assert paras[2][1] == ()
    assert paras[4] == ("A list item with a link in 2025.", ("https://cdn.example.org/a",))
    assert all("Home" not in t and "Privacy" not in t for t, _ in paras)


def test_relative_links_without_a_base_are_dropped() -> None:
    html = '<p>See <a href="/x">this</a> and <a href="https://a.example/y">that</a>.</p>'
    assert paragraphs_with_links(html) == [("See this and that.", ("https://a.example/y",))]


def test_link_spans_point_at_the_anchor_text() -> None:
    (para,) = read_paragraphs('<p>  Read <a href="https://a.example/">the  report</a> now.</p>')
    (link,) = para.links
    assert para.text[link.start : link.end] == "the report"


def test_html_drafts_take_links_in_or_next_to_the_sentence() -> None:
    drafts = draft_claims(read_paragraphs(HTML, "https://news.example.nz/2026/pacts"))
    by_quote = {d.quote: d for d in drafts if d.quote}
    assert by_quote["Our forces already work well together."].sources == (
        "https://www.beehive.govt.nz/release/acsa",
    )
    # the link sits in the next sentence ("See the speech.")
    assert by_quote["imminent"].sources == ("https://example.org/hegseth",)
    budget = next(d for d in drafts if not d.quote and "$NZ12 billion" in d.claim)
    assert budget.sources == ("https://news.example.nz/news/budget.html",)


# --- YAML and --merge -----------------------------------------------------------------------


def test_draft_yaml_validates_and_keeps_text_exact(tmp_path: Path) -> None:
    drafts = [
        DraftClaim("a", "Yes", quote="no", speaker="On", tags=("x",), specifics=("2027", "12:30")),
        DraftClaim("b", "He said “it’s ‘fine’: really” — ok", quote="it’s ‘fine’: really"),
    ]
    path = tmp_path / "claims.yaml"
    path.write_text(draft_yaml(drafts), "utf-8")
    claims = load_claims(path).claims
    assert [(c.claim, c.quote, c.speaker, c.specifics) for c in claims] == [
        ("Yes", "no", "On", ("2027", "12:30")),
        ("He said “it’s ‘fine’: really” — ok", "it’s ‘fine’: really", None, ()),
    ]


EXISTING = """\
# Claims for the ACSA piece -- checked by hand
article: {title: Pacts, url: "https://news.example.nz/a"}   # keep me

claims:
  - id: acsa-seamless            # written by hand
    claim: Collins said the ACSA will create the conditions for even more seamless cooperation.
    quote: "Our forces already work well together, and this agreement will create the conditions for even more seamless cooperation."
    speaker: Judith Collins
    sources:
      - https://www.anews.com.tr/asia/2025/12/19/pacts
  # the budget claim, trimmed
  - id: imminent
    claim: Something else entirely.
# end of file
"""  # a long line that a merge must not refold


def test_merge_keeps_comments_ids_and_adds_only_new_claims(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(EXISTING, "utf-8")
    drafts = draft_claims(SEED.read_text("utf-8"))
    result = merge_into(path, drafts)
    merged = path.read_text("utf-8")
    head = EXISTING.removesuffix("# end of file\n")
    assert merged.startswith(head)  # every existing line untouched, in order
    assert merged.endswith("# end of file\n")
    assert "our-forces-already-work-well-together" in result.skipped  # same quote
    assert "imminent-2" in result.added  # the id 'imminent' was taken
    assert "imminent" not in result.added
    ids = [c.id for c in load_claims(path).claims]
    assert ids[:2] == ["acsa-seamless", "imminent"]
    assert len(ids) == len(set(ids)) == 2 + len(result.added)
    assert len(result.added) + len(result.skipped) == len(drafts)
    again = merge_into(path, drafts)
    assert again.added == ()
    assert path.read_text("utf-8") == merged


def test_merge_skips_fact_sentence_already_claimed(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n- id: budget\n  claim: 'The budget is $NZ12 billion over four years.'\n",
        "utf-8",
    )
    text = "The budget is $NZ12 billion over four years. Japan aims to double spending by 2027."
    result = merge_into(path, draft_claims(text))
    assert result.skipped == ("budget-nz12-billion-over-four-years",)
    assert result.added == ("japan-aims-double-spending-2027",)
    merged = path.read_text("utf-8")
    assert merged.startswith("claims:\n- id: budget\n  claim: 'The budget is")  # indentation kept


def test_merge_creates_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    result = merge_into(path, draft_claims("He said “hello there” in 2024."))
    assert result.created
    assert [c.id for c in load_claims(path).claims] == list(result.added)


def test_merge_refuses_an_invalid_file_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n  - id: Bad Id\n    claim: x\n", "utf-8")
    with pytest.raises(ClaimsFileError):
        merge_into(path, draft_claims("He said “hello there” in 2024."))
    assert path.read_text("utf-8") == "claims:\n  - id: Bad Id\n    claim: x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.yaml"]


# --- the seed article -------------------------------------------------------------------------

COLLINS, JT, PENK = "Judith Collins", "Japan Times", "Chris Penk"
# Every quoted passage of the seed article (tests/data/seed/article.txt), in order, with its speaker as the article
# attributes it (read by hand); None where the text attributes it to no one.
SEED_QUOTES = [
    ("Our forces already work well together, and this agreement will create the conditions "
     "for even more seamless cooperation.", COLLINS),
    ("continue to go from strength to strength.", COLLINS),
    ("New Zealand is stepping up on the world stage, and this agreement will ultimately "
     "strengthen our interoperability and ability to work closely with our partners", COLLINS),
    ("greater shared understanding of emerging security risks and threats.", COLLINS),
    ("increasingly challenging", COLLINS),  # "she said"
    ("in areas of mutual security interest.", COLLINS),
    ("scope and scale", JT),
    ("boost joint training exercises and enhance interoperability.", JT),
    ("like-minded countries", COLLINS),  # "Collins pointed to …"
    ("closer cooperation", None),
    ("Pacifist Clause", None),
    ("collective self-defence", None),  # "so-called"
    ("activities and exercises, including in the area of maritime security.", None),
    ("surveillance and deterrence", None),
    ("shadowed", "NZDF"),  # "According to the NZDF"
    ("in accordance with international law and best practice. By doing this, we are "
     "demonstrating our commitment to the international rules-based system in our near "
     "region—the Indo-Pacific.", COLLINS),
    ("near region", None),
    ("rules-based system", None),  # "so-called"
    ("rules", None),
    ("imminent", "Pete Hegseth"),
    ("proud", PENK),
    ("preparing for World War III that may or may not come.", PENK),
    ("liberal", None),
    ("interoperability", None),
    ("Pillar Two", None),
]  # fmt: skip


def test_seed_article_quotes_and_speakers() -> None:
    text = SEED.read_text("utf-8")
    found = [(d.quote, d.speaker) for d in quotes_of(text)]
    assert found == SEED_QUOTES
    assert text.count("“") == len(SEED_QUOTES)  # every opening mark is accounted for
    for quote, _ in SEED_QUOTES:
        assert quote in text  # exactly as printed


def test_seed_article_fact_sentences() -> None:
    facts = {d.claim: d.specifics for d in draft_claims(SEED.read_text("utf-8")) if not d.quote}

    def specifics_of(start: str) -> tuple[str, ...]:
        (specifics,) = [s for claim, s in facts.items() if claim.startswith(start)]
        return specifics

    assert "December 19" in specifics_of("New Zealand’s Defence")
    assert "10th country" in specifics_of("New Zealand is")
    assert "by 2027" in specifics_of("The Japanese")
    assert "from 12 soldiers to 53" in specifics_of("Luxon announced")
    budget = set(specifics_of("New Zealand’s defence"))
    assert {"$NZ12 billion", "$NZ9 billion", "2 percent of GDP", "2032–2033"} <= budget
    assert "seven Chinese warships" in specifics_of("According to")
    assert "nearly 90 years" in specifics_of("In August,")
    assert "December 16" in specifics_of("Chris Penk,")
    for claim, specifics in facts.items():  # each has a number, amount or date of its own
        kinds = {s.kind for s in extract_specifics(claim, specifics)}
        assert kinds - {SpecificKind.NAME}, claim
    assert len(facts) == 18  # "The second document": an ordinal word is no number (issue 20)


def test_seed_article_draft_validates(tmp_path: Path, invoke: Invoke) -> None:
    code, out, err = invoke("draft", str(SEED))
    assert code == 0
    assert err.startswith("drafted ")
    path = tmp_path / "claims.yaml"
    path.write_text(out, "utf-8")
    claims = load_claims(path).claims
    assert len({c.id for c in claims}) == len(claims)
    assert sum(1 for c in claims if c.quote) == len(SEED_QUOTES)


# --- the command ----------------------------------------------------------------------------


def test_cli_missing_article_exits_4(tmp_path: Path, invoke: Invoke) -> None:
    code, out, err = invoke("draft", str(tmp_path / "nope.txt"))
    assert code == ExitCode.BAD_INPUT
    assert out == ""
    assert "no such article file" in err
    code, _, err = invoke("draft", str(tmp_path))
    assert code == ExitCode.BAD_INPUT
    assert "directory" in err


def test_cli_empty_article_exits_4(tmp_path: Path, invoke: Invoke) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", "utf-8")
    code, _, err = invoke("draft", str(empty))
    assert code == ExitCode.BAD_INPUT
    assert "no text" in err


def test_cli_html_file_with_base_url(tmp_path: Path, invoke: Invoke) -> None:
    page = tmp_path / "article.html"
    page.write_text(HTML, "utf-8")
    code, out, _ = invoke("draft", str(page), "--base-url", "https://news.example.nz/a")
    assert code == 0
    path = tmp_path / "claims.yaml"
    path.write_text(out, "utf-8")
    loaded = load_claims(path)
    assert loaded.article is not None
    assert loaded.article.title == "Pacts signed"
    assert loaded.article.url is None  # --base-url resolves links; it is not the article's address
    urls = {s.url for c in loaded.claims for s in c.sources}
    assert "https://news.example.nz/news/budget.html" in urls


def test_cli_fetches_a_url_and_merges(tmp_path: Path, invoke: Invoke) -> None:
    claims = tmp_path / "claims.yaml"
    claims.write_text(EXISTING, "utf-8")
    with serve() as site:
        site.pages["/news/pacts"] = Page(HTML.replace('<base href="/news/">', ""))
        site.pages["/gone"] = Page("missing", 404, "text/plain")
        code, out, err = invoke("draft", site.url("/news/pacts"), "--merge", str(claims))
        assert code == 0
        assert out == ""
        assert err.startswith(f"updated {claims}: added ")
        merged = load_claims(claims)
        assert site.url("/news/budget.html") in {s.url for c in merged.claims for s in c.sources}
        assert [c.id for c in merged.claims][:2] == ["acsa-seamless", "imminent"]
        code, out, err = invoke("draft", site.url("/gone"))
        assert code == ExitCode.BAD_INPUT
        assert "cannot fetch the article" in err
        assert out == ""
    assert claims.read_text("utf-8").startswith(EXISTING.removesuffix("# end of file\n"))


def test_cli_fetches_plain_text_url(invoke: Invoke) -> None:
    with serve() as site:
        body = "Collins declared: “We are ready.”\nThe budget rose 5% in 2025."
        site.pages["/a.txt"] = Page(body, content_type="text/plain; charset=utf-8")
        code, out, _ = invoke("draft", site.url("/a.txt"))
    assert code == 0
    assert "quote: We are ready." in out
    assert "speaker: Collins" in out
    assert "- 5%" in out


# --- issue 20: ordinary news pages ------------------------------------------------------------


def draft_html(tmp_path: Path, html: str, *args: str) -> list[DraftClaim]:
    page = tmp_path / "page.html"
    page.write_text(html, "utf-8")
    return draft_claims(read_article(str(page), *args).paragraphs)


ASPNET = """<!doctype html><html><head><title>Moon shot</title></head><body>
<form method="post" action="./story.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="abc">
<div class="main-article"><h1>Moon shot</h1>
<p>NASA picked five firms for the programme on Monday, the agency said in a statement.</p>
<p>“We are going back to the moon to stay,” NASA chief Jim Bridenstine said.</p>
</div></form></body></html>"""


def test_article_inside_a_form_is_read(tmp_path: Path) -> None:
    drafts = draft_html(tmp_path, ASPNET)
    assert [(d.quote, d.speaker) for d in drafts if d.quote] == [
        ("We are going back to the moon to stay", "Jim Bridenstine")
    ]


CLUTTERED = """<!doctype html><html><head><title>Flu shots</title></head><body>
<header><a href="/">News</a> <a href="/health">Health</a></header>
<div class="sidebar"><h3>Most read</h3><ul>
<li><a href="/a">Senator calls plan a “disaster” for the state</a></li>
<li><a href="/b">Why the “golden hour” matters for your photos</a></li></ul></div>
<article><h1>Doctors offer free flu shots</h1>
<p>Doctors offered on Tuesday to vaccinate detained migrants against the flu, after three
children died in custody over the past year.</p>
<p>“We are physicians, and we cannot stand by while children die of a preventable disease,”
Dr. Marie DeLuca, an internist in New York, said in an interview.</p>
<p>The agency said it would not allow the clinic, calling it “not appropriate” for a
detention setting, and that detainees already get medical care.</p>
<p>Customs and Border Protection did not answer questions about how many people had been
vaccinated this season, nor about when it last reviewed its policy on the matter.</p>
</article>
<div class="comments"><p>Comments are moderated. Please keep it “civil” and on topic.</p></div>
<footer><p>About the author: Jane Roe writes about “health policy” for us.</p></footer>
</body></html>"""


def test_page_clutter_is_left_out(tmp_path: Path) -> None:
    quotes = {d.quote for d in draft_html(tmp_path, CLUTTERED) if d.quote}
    assert quotes == {
        "We are physicians, and we cannot stand by while children die of a preventable disease",
        "not appropriate",
    }


def test_base_url_is_not_the_article_address(tmp_path: Path) -> None:
    canonical = CLUTTERED.replace(
        "</title>", '</title><link rel="canonical" href="https://news.example/flu-shots">'
    )
    page = tmp_path / "page.html"
    page.write_text(canonical, "utf-8")
    found = read_article(str(page), "https://news.example/")
    assert found.article is not None
    assert found.article.url == "https://news.example/flu-shots"


def test_pdf_article_is_read_as_check_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "statement.pdf"
    path.write_bytes(make_pdf(['"We will appeal the ruling," Mayor Ann Lee said on May 3, 2024.']))
    drafts = draft_claims(read_article(str(path)).paragraphs)
    assert [(d.quote, d.speaker) for d in drafts if d.quote] == [
        ("We will appeal the ruling", "Ann Lee")
    ]
    assert not any("obj" in d.claim for d in drafts)


@pytest.mark.parametrize("where", ["new/dir/claims.yaml", "afile.txt/claims.yaml"])
def test_merge_into_a_missing_or_unwritable_folder(
    tmp_path: Path, invoke: Invoke, where: str
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("“We are ready,” Collins said in 2024.", "utf-8")
    (tmp_path / "afile.txt").write_text("not a folder", "utf-8")
    target = tmp_path / where
    code, out, err = invoke("draft", str(article), "--merge", str(target))
    if where.startswith("new"):
        assert code == 0
        assert err.startswith(f"created {target}")
        assert [c.quote for c in load_claims(target).claims if c.quote] == ["We are ready"]
    else:
        assert code == ExitCode.BAD_INPUT
        assert (
            err
            == f"error: cannot write {target}: {tmp_path / 'afile.txt'} is a file, not a folder\n"
        )
    assert out == ""


def test_follow_on_quotes_keep_the_speaker() -> None:
    text = "“We will see the industry shake out a bit,” Mayer said. “Not everyone will succeed.”"
    assert speakers(text) == {
        "We will see the industry shake out a bit": "Mayer",
        "Not everyone will succeed.": "Mayer",
    }


def test_quotation_running_over_paragraphs_keeps_the_speaker() -> None:
    text = (
        'Tottenham said in a statement: "Jose is one of the most accomplished managers.\n\n'
        '"He has won 25 senior trophies in four countries."\n\n'
        "The club’s shares rose 2% on the news."
    )
    assert set(speakers(text).values()) == {"Tottenham"}


def test_new_paragraph_he_is_not_the_previous_speaker() -> None:
    text = (
        "“We will win this vote,” Mayor Ann Lee said.\n\n"
        "Her rival, John Smith, disagreed. He said the plan was “bold but unfunded”."
    )
    assert speakers(text)["bold but unfunded"] == "John Smith"


def test_quote_after_a_sentence_that_credits_it() -> None:
    text = (
        "“We had hoped for more,” Montell Figgins said.\n\n"
        "Sometimes employees don't follow the rules, he said. \"But does that mean they go to jail?”"
    )
    assert speakers(text)["But does that mean they go to jail?"] == "Montell Figgins"


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        ("The couple were “taken to hospital,” the agency reported.", "taken to hospital", "the agency"),
        ("Lt. Col. Alexander Vindman testified it was his “duty” to report it.", "duty", "Alexander Vindman"),
        ("“What is left after the cuts?” Doctor asks.", "What is left after the cuts?", "Doctor"),
        ("Prosecutors alleged that the guards “browsed the Internet” all night.", "browsed the Internet", "prosecutors"),
        ("Twitter pledged to take “decisive corrective action” against it.", "decisive corrective action", "Twitter"),
        ("The CDC assured the public that the risks were “extremely low.”", "extremely low.", "CDC"),
        ("Leon Cooperman blasted the payout as “morally wrong.”", "morally wrong.", "Leon Cooperman"),
        ("He backed the “new Gannett,” as Michael Reed dubbed the merger.", "new Gannett", "Michael Reed"),
        ("“It was a 30 minute walk,” Martin Taylor wrote.", "It was a 30 minute walk", "Martin Taylor"),
        # verb, lower-case description, then the name
        ("“Revenue has not grown since 2008,” says veteran industry analyst Ken Doctor.", "Revenue has not grown since 2008", "Ken Doctor"),
        ("“I could not stand,” wrote 43-year-old Martin Taylor of Aberdeen, in a case study.", "I could not stand", "Martin Taylor"),
        ("“He was in charge,” said another witness, former adviser Fiona Hill.", "He was in charge", "Fiona Hill"),
        # a described speaker: the description
        ('The 56-year-old said after his appointment: "I am excited to be joining."', "I am excited to be joining.", "the 56-year-old"),
        ("“He is not immune from the law,” said one legal expert, as reported by a paper.", "He is not immune from the law", "one legal expert"),
        ("“We implore you to act,” the physicians stated in the letter.", "We implore you to act", "the physicians"),
        # a name with its title and party before the verb
        ("“You are in this job because of this,” Sen. Ben Sasse, R-Neb., told her.", "You are in this job because of this", "Ben Sasse"),
        ("Rep. Adam Schiff (D-Calif.) said the call was “a shakedown.”", "a shakedown.", "Adam Schiff"),
        ("“It was a shakedown,” Schiff (D-Calif.) said.", "It was a shakedown", "Schiff"),
        ("“We are ready,” said Dr. Luz Arroyo, a physician.", "We are ready", "Luz Arroyo"),
        # according to a description, or to a named author of a study
        ("They signed “false certifications,” according to court records.", "false certifications", "court records"),
        ("According to a 2018 survey by Penelope Muse Abernathy, owners “consolidate copy editing.”", "consolidate copy editing.", "Penelope Muse Abernathy"),
    ],
)  # fmt: skip
def test_speech_verbs_and_patterns(text: str, quote: str, speaker: str) -> None:
    assert speakers(text)[quote] == speaker


def test_he_is_the_person_the_sentence_before_is_about() -> None:
    text = (
        "Montell Figgins, who represents Thomas, said his client chose not to accept a plea. "
        "He said Thomas is a single father of three, and a guilty plea would “ruin his life.”"
    )
    assert speakers(text) == {"ruin his life.": "Montell Figgins"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"And I asked, on whose authority?” said Hill.', ["And I asked, on whose authority?"]),
        ("“When all is said and done,\" Figgins said, \"you'll see.”", ["When all is said and done", "you'll see."]),
        ("“It was an attempt to mislead voters,’’ Will Moy said.", ["It was an attempt to mislead voters"]),
        ("‘‘We are not done,’’ said Will Moy.", ["We are not done"]),
        ("“Trump asked, quote, ‘So he’s going to do it?’” Holmes testified.", ["Trump asked, quote, ‘So he’s going to do it?’"]),
    ],
)  # fmt: skip
def test_quote_marks_in_the_wild(text: str, expected: list[str]) -> None:
    assert [q.inner(text) for q in find_quotes(text)] == expected
    assert all(speaker is not None for speaker in speakers(text).values())


def test_question_quote_keeps_its_attribution_in_the_sentence() -> None:
    text = "“Is he going to do the investigation?” Holmes testified. Then he left."
    assert speakers(text) == {"Is he going to do the investigation?": "Holmes"}


def test_scare_quote_tags_only_without_a_speaker_nearby() -> None:
    text = (
        "Prince Andrew, the younger brother of Charles, has reportedly told friends that the "
        "interview was a “great success”. The CDC assured the public the risks were "
        "“extremely low.” The condition earned the nickname “bird fancier’s lung.”"
    )
    tags = {d.quote: (d.speaker, d.tags) for d in quotes_of(text)}
    assert tags == {
        "great success": ("Andrew", ()),
        "extremely low.": ("CDC", ()),
        "bird fancier’s lung.": (None, (SCARE_TAG,)),
    }


def test_quotes_credited_by_the_next_paragraph_are_not_scare_quotes() -> None:
    text = (
        "The merger will create a “stronger” and “more viable” news enterprise “with deep "
        "local roots and national scale.”\n\n"
        "That’s the optimistic view mouthed by Michael Reed, the CEO of the parent company, "
        "after the deal was approved.\n\n"
        "The film was a “triumph”.\n\nThat is the opinion of many critics."
    )
    tags = {d.quote: (d.speaker, d.tags) for d in quotes_of(text)}
    assert tags == {
        "stronger": ("Michael Reed", ()),
        "more viable": ("Michael Reed", ()),
        "with deep local roots and national scale.": ("Michael Reed", ()),
        "triumph": (None, (SCARE_TAG,)),
    }


@pytest.mark.parametrize(
    ("text", "specifics"),
    [
        ("Published 10:02 a.m. EST Nov. 19, 2019", None),  # a timestamp, no fact
        ("10.", None),  # a list number
        ("The ad went viral on its first day shows that it works.", None),
        (
            "The hearing opened at 10:02 EST on Nov. 19, 2019, with 3 witnesses.",
            ("Nov. 19, 2019", "3 witnesses"),
        ),
        ("Sleeping under 8 hours a night was linked to weight gain (25).", ("8 hours",)),
    ],
)
def test_specifics_noise_is_left_out(text: str, specifics: tuple[str, ...] | None) -> None:
    facts = [d.specifics for d in draft_claims(text) if not d.quote]
    assert facts == ([] if specifics is None else [specifics])


def test_sentences_split_in_every_script() -> None:
    korean = "첫 문장은 2019년에 쓰였다. 두 번째 문장은 3명이 썼다. 세 번째 문장이다."
    assert [korean[a:b] for a, b in split_sentences(korean)] == [
        "첫 문장은 2019년에 쓰였다.",
        "두 번째 문장은 3명이 썼다.",
        "세 번째 문장이다.",
    ]
    chinese = "这是第一句。这是第二句！"
    assert [chinese[a:b] for a, b in split_sentences(chinese)] == ["这是第一句。", "这是第二句！"]
    facts = "회사는 매출이 15% 늘었다고 밝혔다. 두 번째 문장은 그냥 문장이다. 직원 300 명이 일한다."
    assert [d.claim for d in draft_claims(facts)] == [
        "회사는 매출이 15% 늘었다고 밝혔다.",
        "직원 300 명이 일한다.",
    ]


def test_placeholder_publication_date_is_dropped(tmp_path: Path) -> None:
    for stamp, published in (
        ("0001-01-01T00:00:00Z", None),
        ("2019-11-19T10:02:00Z", "2019-11-19"),
    ):
        page = tmp_path / "page.html"
        meta = f'<meta property="article:published_time" content="{stamp}">'
        page.write_text(CLUTTERED.replace("</title>", f"</title>{meta}"), "utf-8")
        found = read_article(str(page))
        assert found.article is not None
        assert found.article.published == published


def test_a_quoted_heading_does_not_take_the_speaker_before_it() -> None:
    text = (
        "“Flu season has already begun in many parts of the country,” the doctors stated.\n\n"
        '"Alarming mortality rate"\n\n'
        "The doctors said the deaths were nine times the expected rate."
    )
    assert speakers(text) == {
        "Flu season has already begun in many parts of the country": "the doctors",
        "Alarming mortality rate": None,
    }
