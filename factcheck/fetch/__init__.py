"""Sources in (owns httpx): transport per origin, redirects, retries, conditional requests, per-
host politeness, status classification (soft 404s, walls) and charset decoding. Takes URLs;
gives one `FetchResult` per source, never an exception.
"""

import sys

# httpx loads its command-line client (rich.progress, pygments, click: ~40 ms of start-up)
# whenever those are installed; factcheck never calls it, so it is kept out: httpx then
# defines a stub `main` (issue 17, the due run's benchmark). Before fetch/transport.py's import.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
