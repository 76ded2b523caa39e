"""Report metadata: title, agency, year, administrative level and format version."""

from __future__ import annotations

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import CleanText, Segmented
from govreport_parser.model import ReportMeta
from govreport_parser.vocabulary import Vocabulary


def detect_version(clean: CleanText, vocabulary: Vocabulary, year: int | None, sink: DiagnosticSink) -> str | None:
    """Given the cleaned text, return the format version its table vocabulary points to (placeholder)."""
    return "gov_2021"


def segments_to_meta(clean: CleanText, segmented: Segmented, vocabulary: Vocabulary, sink: DiagnosticSink) -> ReportMeta:
    """Given the outline, return title, agency, year and level (placeholder: title only)."""
    return ReportMeta(title=segmented.title)
