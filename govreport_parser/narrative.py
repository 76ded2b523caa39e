"""Figures stated in the report's prose, and their checks against the tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.model import Figure, Section, Table


def sections_to_figures(sections: Sequence[Section], sink: DiagnosticSink) -> tuple[Figure, ...]:
    """Given the report sections, return the quantities their prose states (placeholder: none)."""
    return ()


def check_figures(figures: Sequence[Figure], tables: Mapping[str, Table], sink: DiagnosticSink) -> None:
    """Compare prose figures with table values and emit N001/N002 (placeholder)."""


def section_keywords(text: str, n: int) -> list[str]:
    """Given section text, return its top `n` keywords (placeholder: none)."""
    return []
