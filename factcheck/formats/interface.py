"""The interface every report format implements (after pip-audit's `_format/interface.py`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from factcheck.models import Report


class MissingFieldError(ValueError):
    """A format's consumer requires a field the report cannot fill (e.g. ClaimReview `url`)."""

    def __init__(self, field: str, why: str) -> None:
        self.field = field
        super().__init__(f"{field} is required: {why}")


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

    def written(self, report: Report) -> str:
        """What `render` wrote, for the command's summary line ('3 claims', '1 claim')."""
        return plural(len(report.claims), "claim")


def plural(n: int, noun: str) -> str:
    """'1 claim', '2 claims', '0 claims'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
