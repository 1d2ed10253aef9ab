"""The matcher's version, alone so that a run carrying verdicts over need not load the matcher.

Part of every verdict: a change re-checks every claim against its unchanged page.
"""

MATCHER_VERSION = "4.0"  # 4.0: omissions, splices, out_of_context and partial (issue 16)
