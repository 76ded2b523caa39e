"""Map the cells of table regions onto canonical table ids, rows and columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from govreport_parser import glued, legacy
from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import Segmented
from govreport_parser.grid import TableRegion
from govreport_parser.model import Cell, Figure, Number, RowLabel, SourceSpan, Table, UnplacedValue
from govreport_parser.normalize import label_key
from govreport_parser.packaged import packaged_json
from govreport_parser.tokens import Entry, Lexicon, Token, Tokenizer, is_fragment, lexicon_for
from govreport_parser.vocabulary import CANONICAL_TABLES, ColumnSpec, LabelMatch, TableSpec, Vocabulary

DEFAULT_VERSION = "gov_2021"


@dataclass(frozen=True, slots=True, kw_only=True)
class MappedTables:
    """Stage `map`: canonical tables, and which section each was read from."""

    tables: Mapping[str, Table] = field(default_factory=lambda: MappingProxyType({}))
    tables_by_section: Mapping[int, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    table_lines: tuple[tuple[int, int], ...] = ()
    """Line ranges of every table 二/三/四 read, copies included (other tables there are generic grids)."""


# -- the table builder ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    id: str
    label: str
    line: int
    values: list[Token] = field(default_factory=list)
    closed: bool = False
    match: LabelMatch | None = None


@dataclass(slots=True)
class _Occurrence:
    table: str
    section_index: int
    line_start: int
    line_end: int
    rows: dict[str, _Row] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    unplaced: list[UnplacedValue] = field(default_factory=list)
    table4_values: list[Token] = field(default_factory=list)
    table4_leading_blanks: int = 0
    ended_in_row: str | None = None
    """The row the document stopped in (its values are the first ones, in order), if it did."""
    header_phase: bool = True
    group: str | None = None
    last_block: int = -1
    truncated: bool = False

    def signature(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        return tuple((row.id, row.label, tuple(v.text for v in row.values)) for row in self.rows.values())


class _Builder:
    """Walks the tokens of one region and collects table occurrences.

    Not a dataclass: it is the mutable state machine of the map stage, private to it.
    """

    def __init__(self, lexicon: Lexicon, region: TableRegion, sink: DiagnosticSink, section_id: str | None) -> None:
        self.lexicon = lexicon
        self.region = region
        self.sink = sink
        self.section_id = section_id
        self.occurrences: list[_Occurrence] = []
        self.current: _Occurrence | None = None
        self.row: _Row | None = None
        self.pending_unknown: Token | None = None

    # table switching

    def _start(self, table: str, line: int) -> _Occurrence:
        self._close_row()
        occurrence = _Occurrence(table, self.region.section_index, line, line)
        self.occurrences.append(occurrence)
        self.current = occurrence
        return occurrence

    def _table_for(self, entries: tuple[Entry, ...]) -> str | None:
        tables = {entry.table for entry in entries}
        if self.current is not None and self.current.table in tables:
            return self.current.table
        if len(tables) == 1:
            return next(iter(tables))
        # '总计' and '其他' belong to several tables: they never switch tables on their own.
        return self.current.table if self.current is not None else None

    def feed(self, token: Token) -> None:
        if self.current is not None and token.line > self.current.line_end:
            self.current.line_end = token.line
        if token.kind == "label":
            self._label(token)
        elif token.kind in ("value", "blank"):
            self._value(token)
        elif token.kind == "text":
            self._unknown(token)
        elif token.kind == "row_end" and self.row is not None:
            expected = self._expected(self.row.id)
            hard = [v for v in self.row.values if not v.soft]
            if expected is not None and len(hard) >= expected:
                self.row.closed = True

    def _label(self, token: Token) -> None:
        table = self._table_for(token.entries)
        if table is None:
            return
        candidates = [e for e in token.entries if e.table == table]
        occurrence = self.current
        if occurrence is None or occurrence.table != table:
            occurrence = self._start(table, token.line)
        self.pending_unknown = None
        if table == "table4":
            return
        rows = [e for e in candidates if e.axis == "row"]
        headers = [e for e in candidates if e.axis != "row"]
        # '总计'/'其他' are header cells until the first data row, row labels after it.
        use_rows = not occurrence.header_phase if rows and headers and table == "table3" else bool(rows)
        if not use_rows:
            if table == "table2" and any(e.id.startswith("art20_") for e in headers):
                self._block_caption(occurrence, headers, token.line)
            return
        row_id = self._pick_row(occurrence, rows, token)
        if row_id is None:
            return
        spec = self.lexicon.specs[table]
        row_spec = spec.row(row_id)
        if table == "table2" and occurrence.rows.get(row_id) is not None:
            # A row seen again means the table is printed again (a copy, or 表二 pasted into section 三).
            occurrence = self._start(table, token.line)
        self._close_row()
        occurrence.header_phase = False
        if row_spec.is_group:
            occurrence.group = row_id
            self.row = _Row(row_id, token.text, token.line, match=token.match)
            # Kept so that values printed on a group row (a subtotal the format does not have) are not lost.
            occurrence.rows.setdefault(row_id, self.row)
            return
        if row_spec.parent in (None, "results") and row_id not in ("other_misc",):
            occurrence.group = row_spec.parent if row_spec.parent != "results" else occurrence.group
        row = _Row(row_id, token.text, token.line, match=token.match)
        if row_id in occurrence.rows:
            self._diagnose_repeat(occurrence, row_id, token)
        occurrence.rows[row_id] = row
        occurrence.order.append(row_id)
        self.row = row
        if token.match is not None and token.match.method == "fuzzy":
            self.sink.emit(
                "L002",
                f"label {token.text!r} read as {table}/{row_id} (fuzzy, score {token.match.score})",
                span=SourceSpan(
                    line_start=token.line, line_end=token.line, section=self.section_id, table=table, row=row_id
                ),
                label=token.text,
                id=row_id,
                score=token.match.score,
            )

    def _block_caption(self, occurrence: _Occurrence, headers: list[Entry], line: int) -> None:
        spec = self.lexicon.specs["table2"]
        block_ids = [b.id for b in spec.blocks]
        block = next((e.id for e in headers if e.id in block_ids), None)
        if block is None:
            return
        position = block_ids.index(block)
        if position <= occurrence.last_block and occurrence.rows:
            occurrence = self._start("table2", line)
        occurrence.last_block = position
        self._close_row()

    def _pick_row(self, occurrence: _Occurrence, rows: list[Entry], token: Token) -> str | None:
        ids = list(dict.fromkeys(e.id for e in rows))
        if len(ids) == 1:
            return ids[0]
        spec = self.lexicon.specs[occurrence.table]
        # A label shared by several rows: prefer the one inside the current group, then one not yet seen.
        in_group = [i for i in ids if spec.row(i).parent == occurrence.group]
        if len(in_group) == 1:
            return in_group[0]
        unseen = [i for i in ids if i not in occurrence.rows]
        return unseen[0] if unseen else ids[0]

    def _diagnose_repeat(self, occurrence: _Occurrence, row_id: str, token: Token) -> None:
        previous = occurrence.rows[row_id]
        occurrence.unplaced.extend(
            UnplacedValue(
                raw=v.text, row=row_id, label=previous.label, span=SourceSpan(line_start=v.line, line_end=v.line)
            )
            for v in previous.values
            if v.kind == "value"
        )
        self.sink.emit(
            "T005",
            f"row {occurrence.table}/{row_id} appears twice; the later one is used",
            span=SourceSpan(
                line_start=token.line, line_end=token.line, section=self.section_id, table=occurrence.table, row=row_id
            ),
            first_line=previous.line,
        )

    def _value(self, token: Token) -> None:
        occurrence = self.current
        if occurrence is None:
            if token.kind == "value":
                self.pending_unknown = None
            return
        if occurrence.table == "table4":
            if token.kind == "blank" and not any(t.kind == "value" for t in occurrence.table4_values):
                occurrence.table4_leading_blanks += 1
            occurrence.table4_values.append(token)
            return
        if self.row is not None and not self.row.closed:
            self.row.values.append(token)
            return
        if token.kind == "value":
            label = self.pending_unknown.text if self.pending_unknown is not None else None
            occurrence.unplaced.append(
                UnplacedValue(
                    raw=token.text, row=None, label=label, span=SourceSpan(line_start=token.line, line_end=token.line)
                )
            )

    def _unknown(self, token: Token) -> None:
        occurrence = self.current
        if occurrence is None or occurrence.table == "table4":
            return
        if self.row is not None and not self.row.values and not self.row.closed:
            # Text right after a label, before its values: the wrapped rest of the label (PDF text, long notes).
            return
        if occurrence.header_phase and is_fragment(self.lexicon, token.text):
            return  # a header word broken over lines ('商业' / '企业', '本年新' / '制作数量')
        if self.row is not None and self.row.values:
            self._close_row()
        self.pending_unknown = token
        cut_off = self.region.at_end and token.line >= self.region.line_end
        if token.match is not None and token.match.candidates:
            self.sink.emit(
                "L003",
                f"label {token.text!r} is as close to {', '.join(token.match.candidates)} in {occurrence.table}; "
                "its values are kept as unplaced",
                span=SourceSpan(
                    line_start=token.line, line_end=token.line, section=self.section_id, table=occurrence.table
                ),
                label=token.text,
                candidates=token.match.candidates,
                score=token.match.score,
            )
            return
        self.sink.emit(
            "L001",
            f"unknown label {token.text!r} in {occurrence.table}"
            + (" (cut off by the end of the document)" if cut_off else ""),
            span=SourceSpan(
                line_start=token.line, line_end=token.line, section=self.section_id, table=occurrence.table
            ),
            severity="info" if occurrence.header_phase or cut_off else "warning",
            label=token.text,
        )

    def _close_row(self) -> None:
        if self.row is not None:
            self.row.closed = True
        self.row = None

    def _expected(self, row_id: str) -> int | None:
        if self.current is None or self.current.table == "table4":
            return None
        spec = self.lexicon.specs[self.current.table]
        if spec.row(row_id).is_group:
            return 0
        return len(spec.columns_of(row_id))


# -- turning occurrences into Tables --------------------------------------------------------------------------


def regions_to_tables(
    regions: tuple[TableRegion, ...],
    segmented: Segmented,
    version: str | None,
    vocabulary: Vocabulary,
    sink: DiagnosticSink,
    *,
    fuzzy: bool = True,
) -> MappedTables:
    """Given table regions, return canonical tables 二/三/四 (the copy in a table's own section wins)."""
    lexicon = lexicon_for(vocabulary, version if version in ("gov_2021", "gov_2019_trial") else DEFAULT_VERSION)
    tokenizer = Tokenizer(lexicon, fuzzy=fuzzy)
    sections = segmented.sections
    occurrences: list[_Occurrence] = []
    legacy_tables: dict[str, Table] = {}
    headers_only: set[tuple[str, str | None]] = set()
    for region in regions:
        section_id = sections[region.section_index].id if region.section_index < len(sections) else None
        if version == "legacy_pre2019":
            table = _legacy_table(region, vocabulary, sink)
            if table is not None:
                legacy_tables.setdefault(table.id, table)
                continue
        builder = _Builder(lexicon, region, sink, section_id)
        for token in tokenizer.tokens(region):
            builder.feed(token)
        if builder.row is not None and builder.current is not None and region.at_end:
            builder.current.ended_in_row = builder.row.id  # the document stops inside this row
        builder._close_row()
        for occurrence in builder.occurrences:
            occurrence.truncated = region.at_end and occurrence is builder.occurrences[-1]
        occurrences.extend(o for o in builder.occurrences if _has_content(o))
        headers_only.update(
            (o.table, _section_id(sections, o.section_index)) for o in builder.occurrences if not _has_content(o)
        )
    chosen, by_section = _choose(occurrences, lexicon, sections, sink)
    tables: dict[str, Table] = {}
    for table_id, occurrence in chosen.items():
        section_id = sections[occurrence.section_index].id if occurrence.section_index < len(sections) else None
        tables[table_id] = _to_table(occurrence, lexicon.specs[table_id], sink, section_id)
    tables.update(legacy_tables)
    _diagnose_missing(tables, lexicon, sections, sink, version, headers_only)
    return MappedTables(
        tables=MappingProxyType(tables),
        tables_by_section=MappingProxyType({k: tuple(v) for k, v in by_section.items()}),
        table_lines=tuple((o.line_start, o.line_end) for o in occurrences)
        + tuple((t.span.line_start or 0, t.span.line_end or 0) for t in legacy_tables.values()),
    )


def _legacy_table(region: TableRegion, vocabulary: Vocabulary, sink: DiagnosticSink) -> Table | None:
    return legacy.cells_to_stats_table(region.cells, vocabulary, sink)


def _has_content(occurrence: _Occurrence) -> bool:
    return bool(occurrence.rows or occurrence.table4_values or occurrence.unplaced)


def _choose(
    occurrences: Sequence[_Occurrence],
    lexicon: Lexicon,
    sections: Sequence[object],
    sink: DiagnosticSink,
) -> tuple[dict[str, _Occurrence], dict[int, list[str]]]:
    chosen: dict[str, _Occurrence] = {}
    by_section: dict[int, list[str]] = {}
    for table_id in CANONICAL_TABLES:
        found = [o for o in occurrences if o.table == table_id]
        if not found or table_id not in lexicon.specs:
            continue
        home = lexicon.specs[table_id].section_id
        at_home = [o for o in found if _section_id(sections, o.section_index) == home]
        keep = at_home[0] if at_home else found[0]
        chosen[table_id] = keep
        by_section.setdefault(keep.section_index, []).append(table_id)
        keep_section = _section_id(sections, keep.section_index)
        if keep_section not in (home, None):
            sink.emit(
                "T002",
                f"{table_id} was found in section {keep_section}, not in its own section {home}",
                span=SourceSpan(
                    line_start=keep.line_start, line_end=keep.line_end, section=keep_section, table=table_id
                ),
                expected_section=home,
                actual_section=keep_section,
            )
        for other in found:
            if other is keep:
                continue
            other_section = _section_id(sections, other.section_index)
            identical = other.signature() == keep.signature()
            sink.emit(
                "T003",
                f"section {other_section} holds {'a copy' if identical else 'another version'} of {table_id}; "
                f"the one in section {keep_section} is kept",
                span=SourceSpan(
                    line_start=other.line_start, line_end=other.line_end, section=other_section, table=table_id
                ),
                kept_section=keep_section,
                identical=identical,
            )
    return chosen, by_section


def _section_id(sections: Sequence[object], index: int) -> str | None:
    return getattr(sections[index], "id", None) if index < len(sections) else None


def _diagnose_missing(
    tables: Mapping[str, Table],
    lexicon: Lexicon,
    sections: Sequence[object],
    sink: DiagnosticSink,
    version: str | None,
    headers_only: set[tuple[str, str | None]],
) -> None:
    if version == "legacy_pre2019":
        return
    present = {getattr(s, "id", None): s for s in sections}
    for table_id in CANONICAL_TABLES:
        home = lexicon.specs[table_id].section_id
        if table_id not in tables and home in present:
            section = present[home]
            span = getattr(section, "line_start", None)
            if (table_id, home) in headers_only:
                sink.emit(
                    "T004",
                    f"{table_id} in section {home} has its header but no rows",
                    span=SourceSpan(
                        line_start=span, line_end=getattr(section, "line_end", None), section=home, table=table_id
                    ),
                )
                continue
            sink.emit(
                "T001",
                f"section {home} has no {table_id}",
                span=SourceSpan(
                    line_start=span, line_end=getattr(section, "line_end", None), section=home, table=table_id
                ),
            )


def _to_table(occurrence: _Occurrence, spec: TableSpec, sink: DiagnosticSink, section_id: str | None) -> Table:
    cells: dict[tuple[str, str], Cell] = {}
    unplaced = list(occurrence.unplaced)
    if spec.id == "table4":
        _table4_cells(occurrence, spec, cells, unplaced, sink, section_id)
    else:
        glued_rows: list[_Row] = []
        for row in occurrence.rows.values():
            if spec.row(row.id).is_group:
                if any(v.kind == "value" for v in row.values):
                    unplaced.extend(_unplaced(row.values, row))
                    _emit_t006(sink, spec.id, row, section_id, "a group row carries no values in the format")
                continue
            columns = spec.columns_of(row.id)
            values = _fit(row.values, len(columns))
            if values is None and row.id == occurrence.ended_in_row and not _is_glued(row.values, len(columns)):
                # The document ends inside this row: the values that are there are the first ones, in order.
                present = [t for t in row.values if not t.soft]
                if 0 < len(present) < len(columns):
                    columns = columns[: len(present)]
                    values = present
            if values is None:
                placed = _place_by_signed_column(row.values, columns)
                if placed is not None:
                    columns, values = tuple(placed[0]), placed[1]
                    sink.emit(
                        "T005",
                        f"row {spec.id}/{row.id} has {len(values)} values for {len(spec.columns_of(row.id))} columns; "
                        "the signed one fixes their places, the other cells were not written",
                        span=_row_span(row, spec.id, section_id),
                        severity="info",
                        placed=tuple(column.id for column in columns),
                    )
            if values is None:
                if _is_glued(row.values, len(columns)):
                    glued_rows.append(row)
                    continue
                unplaced.extend(_unplaced(row.values, row))
                numbers = [v for v in row.values if v.kind == "value"]
                if numbers:
                    sink.emit(
                        "T005",
                        f"row {spec.id}/{row.id} has {len(numbers)} values for {len(columns)} columns; "
                        "positions are unknown, so they are kept as unplaced",
                        span=_row_span(row, spec.id, section_id),
                        expected=len(columns),
                        actual=len(numbers),
                        raw=tuple(v.text for v in row.values if v.kind != "blank" or v.text),
                    )
                continue
            for column, token in zip(columns, values, strict=True):
                cells[(row.id, column.id)] = _cell(spec, row, column.id, column.value_type, token, sink, section_id)
        if glued_rows:
            _solve_glued(spec, occurrence, glued_rows, cells, unplaced, sink, section_id)
    cell_keys = spec.cell_keys()
    ordered = tuple(cells[(r, c)] for r, c, _ in cell_keys if (r, c) in cells)
    if spec.id == "table4":
        missing: list[str] = []
        complete = len(ordered) == len(cell_keys)
    else:
        missing = [row.id for row in spec.leaf_rows if row.id not in occurrence.rows and not row.optional]
        complete = not missing
    if missing and spec.id != "table4":
        sink.emit(
            "T004",
            f"{spec.id} lacks {len(missing)} of its {len(spec.leaf_rows)} rows"
            + (" (the document ends inside the table)" if occurrence.truncated else ""),
            span=SourceSpan(
                line_start=occurrence.line_start, line_end=occurrence.line_end, section=section_id, table=spec.id
            ),
            missing=tuple(missing),
        )
    return Table(
        id=spec.id,
        cells=ordered,
        unplaced=tuple(unplaced),
        labels=tuple(
            RowLabel(
                row=row.id,
                raw=row.label,
                method=row.match.method if row.match is not None and row.match.method != "none" else "alias",
                score=row.match.score if row.match is not None else 1.0,
                span=SourceSpan(line_start=row.line, line_end=row.line, table=spec.id, row=row.id),
            )
            for row in occurrence.rows.values()
        ),
        span=SourceSpan(
            line_start=occurrence.line_start, line_end=occurrence.line_end, section=section_id, table=spec.id
        ),
        complete=complete,
    )


def _fit(tokens: Sequence[Token], expected: int) -> list[Token] | None:
    """Return exactly `expected` value/blank tokens in column order, or None when positions are unknowable."""
    hard = [t for t in tokens if not t.soft]
    if len(hard) == expected:
        return hard
    if len(hard) > expected:
        # Extra trailing blanks are span padding; extra numbers are not ours to drop.
        if all(t.kind == "blank" for t in hard[expected:]):
            return hard[:expected]
        return None
    # Short: soft blanks (trailing whitespace cells, lone pipes) may be the missing empty cells, in order.
    ordered = [t for t in tokens if not t.soft or t.kind == "blank"]
    if len(ordered) >= expected and any(t.kind == "value" for t in ordered[:expected]):
        trailing = ordered[expected:]
        if all(t.kind == "blank" for t in trailing):
            positions = ordered[:expected]
            # A soft blank may fill a gap only after the row's last real value: otherwise values would shift.
            last_value = max(i for i, t in enumerate(positions) if not t.soft)
            if all(not t.soft for t in positions[: last_value + 1]):
                return positions
    if not hard and len(ordered) >= expected:
        return ordered[:expected]
    return None


def _place_by_signed_column(
    tokens: Sequence[Token], columns: Sequence[ColumnSpec]
) -> tuple[list[ColumnSpec], list[Token]] | None:
    """Place a short row whose one signed value ('+4', '减3') can only be the 2019 本年增/减 column.

    The values before it then fill the columns before it, when their count is exactly that; values after it are
    accepted only if they fill every column after it. Otherwise positions stay unknown.
    """
    present = [t for t in tokens if t.kind == "value"]
    signed_at = [i for i, t in enumerate(present) if t.signed]
    column_at = [i for i, c in enumerate(columns) if c.value_type == "signed_integer"]
    if len(signed_at) != 1 or len(column_at) != 1 or len(present) >= len(columns) or len(present) != len(tokens):
        return None
    before, after = signed_at[0], len(present) - signed_at[0] - 1
    if before != column_at[0] or after not in (0, len(columns) - column_at[0] - 1):
        return None
    placed = list(columns[: column_at[0] + 1]) + (list(columns[column_at[0] + 1 :]) if after else [])
    return placed, present


def _is_glued(tokens: Sequence[Token], expected: int) -> bool:
    numbers = [t for t in tokens if t.kind == "value"]
    return (
        expected > 1
        and bool(numbers)
        and all(t.glued or t.text == "0" for t in numbers)
        and any(t.glued for t in numbers)
        and sum(len(t.text) for t in numbers) >= expected
        and len(numbers) < expected
    )


def _cell(
    spec: TableSpec,
    row: _Row,
    column: str,
    value_type: str,
    token: Token,
    sink: DiagnosticSink,
    section_id: str | None,
    *,
    inferred: bool = False,
) -> Cell:
    span = SourceSpan(
        line_start=token.line, line_end=token.line, section=section_id, table=spec.id, row=row.id, column=column
    )
    value = token.number if token.kind == "value" else None
    if value is not None:
        value = _check_value(spec, row.id, column, value_type, value, token, sink, span)
    return Cell(
        table=spec.id,
        row=row.id,
        column=column,
        value=value,
        status=token.status if token.kind != "value" else "value",
        raw=token.text,
        span=span,
        block=spec.row(row.id).block,
        inferred=inferred,
    )


def _check_value(
    spec: TableSpec,
    row_id: str,
    column: str,
    value_type: str,
    value: Number,
    token: Token,
    sink: DiagnosticSink,
    span: SourceSpan,
) -> Number:
    key = f"{spec.id}/{row_id}/{column}"
    if token.unit_stripped:
        sink.emit("T010", f"unit stripped from {token.text!r} in {key}", span=span, raw=token.text)
    signed_ok = value_type == "signed_integer"
    if value < 0 and not signed_ok:
        sink.emit(
            "T009",
            f"negative value {token.text!r} in {key}, which the format does not allow",
            span=span,
            raw=token.text,
        )
    if isinstance(value, Decimal) and value_type not in ("decimal", "money_with_optional_unit"):
        sink.emit("T009", f"decimal value {token.text!r} in the whole-number cell {key}", span=span, raw=token.text)
    return value


def _unplaced(tokens: Sequence[Token], row: _Row) -> list[UnplacedValue]:
    return [
        UnplacedValue(raw=t.text, row=row.id, label=row.label, span=SourceSpan(line_start=t.line, line_end=t.line))
        for t in tokens
        if t.kind == "value" or (t.kind == "blank" and t.status == "placeholder")
    ]


def _row_span(row: _Row, table: str, section_id: str | None) -> SourceSpan:
    """Where a row label was read, as a span naming its table and row."""
    return SourceSpan(line_start=row.line, line_end=row.line, section=section_id, table=table, row=row.id)


def _emit_t006(sink: DiagnosticSink, table: str, row: _Row, section_id: str | None, why: str) -> None:
    sink.emit(
        "T006",
        f"values after {row.label!r} kept as unplaced: {why}",
        span=_row_span(row, table, section_id),
    )


def _table4_cells(
    occurrence: _Occurrence,
    spec: TableSpec,
    cells: dict[tuple[str, str], Cell],
    unplaced: list[UnplacedValue],
    sink: DiagnosticSink,
    section_id: str | None,
) -> None:
    # One data row of rows × columns numbers, read row by row (FORMAT.md §2.4): 15 for 3 × 5.
    rows = [row.id for row in spec.leaf_rows]
    columns = spec.columns_of(rows[0])
    expected = len(rows) * len(columns)
    values = occurrence.table4_values
    hard = [t for t in values if not t.soft]
    # Blanks before the first number are the padding of the last header row, not empty cells of the data row,
    # as long as there are more cells than the format has.
    excess = min(len(hard) - expected, occurrence.table4_leading_blanks)
    if excess > 0:
        values = hard[excess:]
    tokens = _fit(values, expected)
    if tokens is None:
        numbers = [t for t in occurrence.table4_values if t.kind == "value"]
        if numbers and _is_glued(numbers, expected):
            tokens = _solve_table4(numbers, rows, expected, sink, occurrence, section_id)
        if tokens is None and numbers and occurrence.truncated and len(numbers) < expected:
            # The document ends inside the data row: the values that are there are in reading order.
            tokens = [t for t in occurrence.table4_values if not t.soft]
    if tokens is None:
        numbers = [t for t in occurrence.table4_values if t.kind == "value"]
        if numbers:
            unplaced.extend(
                UnplacedValue(raw=t.text, span=SourceSpan(line_start=t.line, line_end=t.line)) for t in numbers
            )
            sink.emit(
                "T005",
                f"table4 has {len(numbers)} values where the format has {expected}; they are kept as unplaced",
                span=SourceSpan(
                    line_start=occurrence.line_start, line_end=occurrence.line_end, section=section_id, table="table4"
                ),
                expected=expected,
                actual=len(numbers),
            )
        return
    for index, token in enumerate(tokens[:expected]):
        row_id = rows[index // len(columns)]
        column = columns[index % len(columns)]
        row = _Row(row_id, "", token.line)
        cells[(row_id, column.id)] = _cell(
            spec, row, column.id, column.value_type, token, sink, section_id, inferred=token.glued and token.soft
        )
    if len(tokens) < expected:
        sink.emit(
            "T004",
            f"table4 has only {len(tokens)} of {expected} values (the document ends inside the table)",
            span=SourceSpan(
                line_start=occurrence.line_start, line_end=occurrence.line_end, section=section_id, table="table4"
            ),
        )


def _solve_table4(
    numbers: Sequence[Token],
    rows: Sequence[str],
    expected: int,
    sink: DiagnosticSink,
    occurrence: _Occurrence,
    section_id: str | None,
) -> list[Token] | None:
    digits = "".join(t.text for t in numbers)
    solution = glued.solve_table4(digits)
    span = SourceSpan(
        line_start=occurrence.line_start, line_end=occurrence.line_end, section=section_id, table="table4"
    )
    values = [v for row in rows for v in solution.values.get(row, ())]
    if len(values) == expected:
        sink.emit("T007", f"table4 digits {digits!r} split by row totals", span=span, digits=digits)
        line = numbers[0].line
        return [Token("value", str(v), line, number=v, status="value", glued=True, soft=True) for v in values]
    sink.emit("T008", f"table4 digits {digits!r} cannot be split unambiguously", span=span, digits=digits)
    return None


def _solve_glued(
    spec: TableSpec,
    occurrence: _Occurrence,
    glued_rows: Sequence[_Row],
    cells: dict[tuple[str, str], Cell],
    unplaced: list[UnplacedValue],
    sink: DiagnosticSink,
    section_id: str | None,
) -> None:
    solved: Mapping[str, tuple[int, ...]]
    ambiguous: Mapping[str, int]
    if spec.id == "table3":
        glued_ids = {id(row) for row in glued_rows}
        inputs = []
        for row in occurrence.rows.values():
            if spec.row(row.id).is_group:
                continue
            if id(row) in glued_ids:
                inputs.append(
                    glued.GluedRow(
                        row=row.id, digits="".join(v.text for v in row.values if v.kind == "value"), values=None
                    )
                )
            else:
                fitted = _fit(row.values, len(spec.columns_of(row.id)))
                values = tuple(t.number if isinstance(t.number, int) else None for t in fitted) if fitted else None
                inputs.append(glued.GluedRow(row=row.id, digits=None, values=values))
        leaf = [r.id for r in spec.leaf_rows]
        # results_total is the sum itself, not one of its terms.
        results_leaves = [r.id for r in spec.leaf_rows if _under_results(spec, r.id) and r.id != "results_total"]
        solution = glued.solve_table3(inputs, leaf_rows=leaf, results_leaf_rows=results_leaves)
        solved, ambiguous = solution.values, solution.ambiguous
    else:
        partial: dict[str, tuple[int, ...]] = {}
        counts: dict[str, int] = {}
        for row in glued_rows:
            digits = "".join(v.text for v in row.values if v.kind == "value")
            candidates = glued.solve_simple(digits, len(spec.columns_of(row.id)))
            if len(candidates) == 1:
                partial[row.id] = candidates[0]
            else:
                counts[row.id] = len(candidates)
        solved, ambiguous = partial, counts
    for row in glued_rows:
        span = _row_span(row, spec.id, section_id)
        digits = "".join(v.text for v in row.values if v.kind == "value")
        columns = spec.columns_of(row.id)
        values = solved.get(row.id)
        if values is not None and len(values) == len(columns):
            for column, number in zip(columns, values, strict=True):
                token = Token("value", digits, row.line, number=number, status="value")
                cells[(row.id, column.id)] = _cell(
                    spec, row, column.id, column.value_type, token, sink, section_id, inferred=True
                )
            sink.emit(
                "T007",
                f"{spec.id}/{row.id}: glued digits {digits!r} split as {'|'.join(map(str, values))} "
                "by the format's arithmetic",
                span=span,
                digits=digits,
                split=tuple(values),
            )
        else:
            unplaced.extend(_unplaced(row.values, row))
            sink.emit(
                "T008",
                f"{spec.id}/{row.id}: glued digits {digits!r} have {ambiguous.get(row.id, 0) or 'no'} possible splits; "
                "no values given",
                span=span,
                digits=digits,
                candidates=ambiguous.get(row.id, 0),
            )


def _under_results(spec: TableSpec, row_id: str) -> bool:
    parent = spec.row(row_id).parent
    while parent is not None:
        if parent == "results":
            return True
        parent = spec.row(parent).parent
    return False


# -- prose as evidence for glued table 二 rows -----------------------------------------------------------------


def confirm_glued_by_figures(
    tables: Mapping[str, Table], figures: Sequence[Figure], vocabulary: Vocabulary, version: str | None,
    sink: DiagnosticSink,
) -> Mapping[str, Table]:  # fmt: skip
    """Given the tables and the prose figures, split glued table 二 rows that the prose settles; return the tables.

    Table 二 has no arithmetic inside one report, so a glued row such as `8855698` (three columns) keeps several
    splits (T008). The prose often states the same numbers (集中公开现行有效行政规范性文件698件 … 制发的规范性文件88件):
    a split is used only when exactly one candidate agrees with every figure that names the row and a column.
    """
    table = tables.get("table2")
    spec = vocabulary.table(version or DEFAULT_VERSION, "table2")
    if table is None or spec is None or not table.unplaced or not figures:
        return tables
    read_rows = {cell.row for cell in table.cells}
    cells = list(table.cells)
    unplaced = list(table.unplaced)
    changed = False
    for value in table.unplaced:
        if value.row is None or value.row in read_rows or not value.raw.isdigit():
            continue
        columns = spec.columns_of(value.row)
        evidence = _figure_evidence(spec.row(value.row).label, columns, figures)
        if len(columns) < 2 or not evidence:
            continue
        candidates = [
            split
            for split in glued.solve_simple(value.raw, len(columns))
            if all(split[i] in allowed for i, allowed in evidence.items())
        ]
        if len(candidates) != 1:
            continue
        span = replace(value.span, section=table.span.section, table="table2", row=value.row)
        for column, number in zip(columns, candidates[0], strict=True):
            cells.append(
                Cell(
                    table="table2",
                    row=value.row,
                    column=column.id,
                    value=number,
                    status="value",
                    raw=value.raw,
                    span=replace(span, column=column.id),
                    block=spec.row(value.row).block,
                    inferred=True,
                )
            )
        unplaced.remove(value)
        read_rows.add(value.row)
        changed = True
        sink.emit(
            "T007",
            f"table2/{value.row}: glued digits {value.raw!r} split as {'|'.join(map(str, candidates[0]))}, "
            "the one split the figures in the prose agree with (see the T008 above)",
            span=span,
            digits=value.raw,
            split=candidates[0],
            evidence=tuple(sorted((columns[i].id, tuple(sorted(v))) for i, v in evidence.items())),
        )
    if not changed:
        return tables
    order = {(r, c): n for n, (r, c, _) in enumerate(spec.cell_keys())}
    updated = replace(
        table,
        cells=tuple(sorted(cells, key=lambda c: order.get((c.row, c.column), len(order)))),
        unplaced=tuple(unplaced),
    )
    return MappingProxyType({**tables, "table2": updated})


def _without_affixes(key: str, prefixes: Sequence[str], suffixes: Sequence[str]) -> str:
    for prefix in prefixes:
        key = key.removeprefix(prefix)
    for suffix in suffixes:
        key = key.removesuffix(suffix)
    return key


def _figure_evidence(row_label: str, columns: Sequence[ColumnSpec], figures: Sequence[Figure]) -> dict[int, set[int]]:
    """Column position → values the prose states for this row and column (exact figures only)."""
    # Stems from the vocabulary's own labels (data/markers.json): 行政规范性文件 → 规范性文件; 本年制发件数 → 制发.
    affixes = packaged_json("markers.json")["figure_stems"]
    row_stem = _without_affixes(label_key(row_label).key, affixes["row_prefixes"], ())
    prefixes, suffixes = affixes["column_prefixes"], affixes["column_suffixes"]
    stems = [_without_affixes(label_key(c.label).key, prefixes, suffixes) for c in columns]
    evidence: dict[int, set[int]] = {}
    for figure in figures:
        if figure.approximate or not isinstance(figure.value, int) or row_stem not in figure.subject:
            continue
        for index, stem in enumerate(stems):
            if stem and stem in figure.subject:
                evidence.setdefault(index, set()).add(figure.value)
    return evidence
