"""The interface every report format implements (after pip-audit's `_format/interface.py`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from factcheck.models import Report


class ReportFormat(ABC):
    """Turns a `Report` into the text of one output format.

    Renderers are pure: the same report always gives the same string, and everything that
    came from a source page is escaped for the format's syntax.
    """

    name: ClassVar[str]  # the `--format` choice
    description: ClassVar[str]  # one line for `--help`
    media_type: ClassVar[str]  # IANA media type of the output
    extension: ClassVar[str]  # file extension, without the dot

    @abstractmethod
    def render(self, report: Report) -> str:
        """Return the whole document for `report`."""
