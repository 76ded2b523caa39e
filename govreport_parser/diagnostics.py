"""Catalogue of diagnostic codes and the single path through which stages report them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from govreport_parser.model import Diagnostic, SourceSpan

if TYPE_CHECKING:
    from govreport_parser.model import Report

Severity = Literal["error", "warning", "info"]
# Junk or pathological input can produce one diagnostic per token; the first 200 of a code tell the story (no real
# report in samples/ comes near 50 of one code), and a P002 counts the rest.
CAP_PER_CODE = 200
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What one diagnostic code means."""

    severity: Severity
    """Default severity; a stage may lower or raise it only where the catalogue says so."""
    summary: str
    """One line for docs and the CLI."""


# Codes are grouped by letter: D decode, C clean, S segment, M metadata, L labels, T tables, A arithmetic,
# H HTML, N narrative, P pipeline. Codes are a public contract: never renumber, only add.
CODES: Mapping[str, CodeInfo] = MappingProxyType(
    {
        "D001": CodeInfo("warning", "Bytes that could not be decoded were replaced by U+FFFD."),
        "D002": CodeInfo("info", "Encoding was not declared; it was detected from the bytes."),
        "D003": CodeInfo("error", "The input is empty or holds only whitespace."),
        "D004": CodeInfo("warning", "The input exceeds the size limit and was truncated before parsing."),
        "D005": CodeInfo("error", "The input looks binary, not like text or HTML."),
        "C001": CodeInfo("info", "Site chrome (navigation, login, share or print widgets) was removed."),
        "C002": CodeInfo("info", "Traditional characters were converted to simplified before matching."),
        "C003": CodeInfo("info", "Inline pinyin annotations left by a mirror site were removed."),
        "C004": CodeInfo("warning", "Injected spam text (gambling, link lists) was removed from the report text."),
        "C005": CodeInfo("info", "PDF page furniture (page numbers, running titles) was removed."),
        "C006": CodeInfo(
            "info", "Runs of '?' left by a mirror's broken re-encoding of spaces were replaced by spaces."
        ),
        "S001": CodeInfo("warning", "No report title was found."),
        "S002": CodeInfo("error", "No section of the report format was found; the input may not be a report."),
        "S003": CodeInfo("warning", "A section of the format is missing."),
        "S004": CodeInfo("info", "Sections appear out of the format's order."),
        "S005": CodeInfo("warning", "A section heading occurs twice."),
        "S006": CodeInfo("warning", "The document appears truncated: it ends before the report does."),
        "S007": CodeInfo("info", "A heading-like line matched no section of the format."),
        "M001": CodeInfo("warning", "The report year could not be determined."),
        "M002": CodeInfo("warning", "The reporting agency could not be determined."),
        "M003": CodeInfo(
            "info", "The format version from the table vocabulary differs from the one expected for the year."
        ),
        "M004": CodeInfo(
            "warning", "The format version could not be determined from the vocabulary; the year decided it."
        ),
        "L001": CodeInfo("warning", "A label matched no canonical id; its values are kept as unplaced."),
        "L002": CodeInfo("info", "A label was matched approximately (fuzzy match); method and score are recorded."),
        "L003": CodeInfo("warning", "A label matched several canonical ids equally well and was left unmatched."),
        "T001": CodeInfo("warning", "A section that should hold a table has none."),
        "T002": CodeInfo("warning", "A table was found in a section other than its own."),
        "T003": CodeInfo("warning", "A table occurs more than once; the copy in its own section is kept."),
        "T004": CodeInfo("warning", "A table is incomplete: some of its rows are missing."),
        "T005": CodeInfo("warning", "A row has more or fewer values than the format has columns."),
        "T006": CodeInfo("warning", "Values could not be assigned to a cell and are kept as unplaced."),
        "T007": CodeInfo("info", "Cells glued together without separators were split using the format's arithmetic."),
        "T008": CodeInfo("warning", "Cells glued together could not be split unambiguously; they carry no values."),
        "T009": CodeInfo("warning", "A value is not allowed in its cell (negative, or not a number)."),
        "T010": CodeInfo("info", "A unit or decoration inside a value cell was stripped."),
        "T011": CodeInfo("info", "A table that is not one of 表二/三/四 was kept as a generic grid."),
        "T012": CodeInfo(
            "info", "A legacy statistics table has several value columns: ids value, value_2 … in printed order."
        ),
        "A001": CodeInfo("error", "An official relation printed in the format (勾稽关系) fails."),
        "A002": CodeInfo("warning", "A structural relation (a total implied by the layout) fails."),
        "A003": CodeInfo("info", "A heuristic plausibility check fails."),
        "A004": CodeInfo("info", "A relation could not be checked because some of its cells have no value."),
        "H001": CodeInfo("warning", "No main content block was found in the HTML page; the whole body was used."),
        "H002": CodeInfo("info", "A malformed HTML table was repaired (ragged rows, bad spans, stray cells)."),
        "H003": CodeInfo("warning", "The HTML page exceeded a size or nesting limit and was truncated."),
        "N001": CodeInfo("warning", "A figure in the prose disagrees with the table."),
        "N002": CodeInfo("info", "Figures listed in the prose do not add up to the total the prose states."),
        "P001": CodeInfo("error", "A parsing stage failed unexpectedly; the report is partial."),
        "P002": CodeInfo("info", "More diagnostics of one code than the cap were found; the rest are only counted."),
    }
)


class ParseError(Exception):
    """Raised by a strict parse that found error-severity diagnostics (after all stages ran).

    Carries what was learned so far, so a caller can still inspect the partial result.
    """

    def __init__(
        self,
        message: str,
        *,
        diagnostics: tuple[Diagnostic, ...] = (),
        report: Report | None = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics
        self.report = report
        self.source = source


class DiagnosticSink:
    """Collects diagnostics for one parse; the one path through which stages report.

    Not a dataclass: it is the one mutable object of a parse, owned by the pipeline. Strict mode is decided by the
    pipeline after all stages ran, so that a `ParseError` can carry the whole partial Report.
    """

    def __init__(self, *, source: str | None = None, cap_per_code: int = CAP_PER_CODE) -> None:
        self.source = source
        self.cap_per_code = cap_per_code
        self._items: list[Diagnostic] = []
        self._counts: dict[str, int] = {}

    def emit(
        self,
        code: str,
        message: str,
        *,
        span: SourceSpan | None = None,
        severity: Severity | None = None,
        **context: Any,
    ) -> Diagnostic:
        """Record one diagnostic; context values must be JSON scalars or tuples of them."""
        info = CODES.get(code)
        if info is None:
            raise KeyError(f"unknown diagnostic code {code!r}; add it to CODES first")
        seen = self._counts[code] = self._counts.get(code, 0) + 1
        diagnostic = Diagnostic(
            code=code,
            severity=severity or info.severity,
            message=message,
            span=span or SourceSpan(),
            context=MappingProxyType({key: _freeze(value) for key, value in context.items()}),
        )
        if seen <= self.cap_per_code:
            self._items.append(diagnostic)
        return diagnostic

    def close(self) -> None:
        """Emit one P002 per code that went over the cap, saying how many were not kept."""
        for code, count in list(self._counts.items()):
            if count > self.cap_per_code and code != "P002":
                self.emit(
                    "P002",
                    f"{count - self.cap_per_code} more {code} diagnostics were found but not kept",
                    suppressed_code=code,
                    total=count,
                )

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Everything emitted so far, in emission order."""
        return tuple(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _freeze(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value
