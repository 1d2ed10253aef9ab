"""Sources in (owns httpx): transport per origin, redirects, retries, conditional requests, per-
host politeness, status classification (soft 404s, walls) and charset decoding. Takes URLs;
gives one `FetchResult` per source, never an exception.
"""
