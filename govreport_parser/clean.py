"""Remove noise from report text and split it into the lines every later stage refers to."""

from __future__ import annotations

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import CleanText
from govreport_parser.options import ParseOptions


def text_to_lines(text: str, options: ParseOptions, sink: DiagnosticSink) -> CleanText:
    """Given decoded report text, return cleaned lines (placeholder: newline split only)."""
    return CleanText(lines=tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
