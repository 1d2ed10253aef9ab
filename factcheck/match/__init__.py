"""Quote to verdict: parse the quote into segments, index the page's words, find candidate places,
align, classify differences, and build text-fragment links. Takes a quote and a `SourceText`;
gives a `Verification`.
"""
