"""Find table regions inside sections and split their lines into cells, whatever the flattening style."""

from __future__ import annotations

from dataclasses import dataclass

from govreport_parser.document import CleanText, Segmented


@dataclass(frozen=True, slots=True, kw_only=True)
class RawCell:
    """One cell as it stood in the source."""

    text: str
    line: int
    row: int | None = None
    """Physical row index inside the region when the flattening keeps rows (pipe rows, HTML); else None."""
    col: int | None = None
    """Position inside the physical row when known."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRegion:
    """Consecutive table lines of one section."""

    section_index: int
    line_start: int
    line_end: int
    style: str
    cells: tuple[RawCell, ...]


def segments_to_regions(clean: CleanText, segmented: Segmented) -> tuple[TableRegion, ...]:
    """Given the outline, return the table regions of every section (placeholder: none)."""
    return ()
