"""Draft claims from an article: quoted passages with speakers, and fact sentences."""

from __future__ import annotations

from factcheck.draft.article import ArticleError, ArticleInput, read_article
from factcheck.draft.claims_file import MergeResult, draft_yaml, merge_into
from factcheck.draft.drafting import (
    SCARE_TAG,
    UNCLOSED_TAG,
    DraftClaim,
    draft_claims,
    slugify,
    unique_id,
)
from factcheck.draft.quotes import QuoteSpan, find_quotes, split_paragraphs, split_sentences

__all__ = [
    "ArticleError",
    "ArticleInput",
    "DraftClaim",
    "MergeResult",
    "QuoteSpan",
    "SCARE_TAG",
    "UNCLOSED_TAG",
    "draft_claims",
    "draft_yaml",
    "find_quotes",
    "merge_into",
    "read_article",
    "slugify",
    "split_paragraphs",
    "split_sentences",
    "unique_id",
]
