"""Check tables against the arithmetic relations of format.json."""

from __future__ import annotations

from collections.abc import Mapping

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.model import Table
from govreport_parser.vocabulary import Vocabulary


def check_tables(tables: Mapping[str, Table], version: str | None, vocabulary: Vocabulary, sink: DiagnosticSink) -> None:
    """Emit A00x diagnostics for every relation that fails (placeholder)."""
