"""Entry point for ``python -m factcheck``."""

from factcheck.cli.app import main

main()
