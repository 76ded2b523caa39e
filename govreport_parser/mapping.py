"""Map the cells of table regions onto canonical table ids, rows and columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import Segmented
from govreport_parser.grid import TableRegion
from govreport_parser.model import Grid, Table
from govreport_parser.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True, kw_only=True)
class MappedTables:
    """Stage `map`: canonical tables, and which section each was read from."""

    tables: Mapping[str, Table] = field(default_factory=lambda: MappingProxyType({}))
    tables_by_section: Mapping[int, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    grids_by_section: Mapping[int, tuple[Grid, ...]] = field(default_factory=lambda: MappingProxyType({}))


def regions_to_tables(
    regions: tuple[TableRegion, ...],
    segmented: Segmented,
    version: str | None,
    vocabulary: Vocabulary,
    sink: DiagnosticSink,
    *,
    fuzzy: bool = True,
) -> MappedTables:
    """Given table regions, return canonical tables (placeholder: none)."""
    return MappedTables()
