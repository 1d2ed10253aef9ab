"""The terminal: click commands, shared options and rich display. Takes what the user typed, calls
the core (claims, run, report, review, draft), prints the result and maps `FactcheckError` to
exit codes. Nothing imports this package.
"""
