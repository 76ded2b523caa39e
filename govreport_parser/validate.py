"""Check tables against the arithmetic relations of format.json (勾稽关系 and the totals implied by the layout)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.model import Cell, Diagnostic, Number, Report, SourceSpan, Table
from govreport_parser.vocabulary import Relation, TableSpec, Vocabulary

_CODE_BY_KIND = {"official": "A001", "structural": "A002", "heuristic": "A003"}
_TERM_RE = re.compile(r"([+-]?)\s*([A-Za-z_][A-Za-z0-9_.]*)")


@dataclass(frozen=True, slots=True)
class _Equation:
    """`sum(lhs) OP sum(rhs)` with signed identifiers."""

    lhs: tuple[tuple[int, str], ...]
    op: str
    rhs: tuple[tuple[int, str], ...]


@lru_cache(maxsize=64)
def parse_expression(expr: str) -> _Equation:
    """Given an `expr` from format.json (`a + b == c - d`), return its signed terms; raise ValueError if malformed."""
    for op in ("==", "<=", ">="):
        if op in expr:
            left, right = expr.split(op, 1)
            return _Equation(_terms(left), op, _terms(right))
    raise ValueError(f"relation without a comparison: {expr!r}")


def _terms(side: str) -> tuple[tuple[int, str], ...]:
    text = side.strip()
    if not text.startswith(("+", "-")):
        text = "+" + text
    terms = tuple((-1 if sign == "-" else 1, name) for sign, name in _TERM_RE.findall(text))
    if not terms:
        raise ValueError(f"empty side in relation: {side!r}")
    return terms


def check_tables(
    tables: Mapping[str, Table], version: str | None, vocabulary: Vocabulary, sink: DiagnosticSink
) -> None:
    """Emit A001/A002/A003 for every relation that fails, A004 where one cannot be checked for missing cells."""
    for table_id, table in tables.items():
        spec = vocabulary.table(version or "gov_2021", table_id)
        if spec is None:
            continue
        # Built once per table: every relation of the table looks its cells up here.
        grid = {(cell.row, cell.column): cell for cell in table.cells}
        for relation in spec.relations:
            if "prev." in relation.expr:
                continue  # cross-year checks need the previous report
            unchecked = _check(relation, spec, table, grid, sink)
            # A truncated table already carries T004; saying again that its sums cannot be checked is noise.
            if unchecked and table.complete:
                sink.emit(
                    "A004",
                    f"{relation.id} not checked for {', '.join(unchecked)} of {spec.id}: cells were not read, "
                    "or a total or its whole breakdown was left blank",
                    span=SourceSpan(table=spec.id),
                    relation=relation.id,
                    scopes=tuple(unchecked),
                )


def _check(
    relation: Relation, spec: TableSpec, table: Table, grid: Mapping[tuple[str, str], Cell], sink: DiagnosticSink
) -> list[str]:
    """Check one relation over its scope (`grid`: cells by row and column); return the columns/rows not checked."""
    scope = relation.scope
    if relation.expr.strip().startswith("value"):
        _check_all_cells(relation, spec, table, sink)
        return []
    equation = parse_expression(relation.expr)
    unchecked: list[str] = []
    if scope == "each_column":
        for column in (c for c in spec.columns if not c.is_group):
            if not _evaluate(
                relation, equation, lambda name, c=column.id: grid.get((name, c)), spec, sink, column=column.id
            ):
                unchecked.append(f"column {column.id}")
    elif scope == "each_row" or scope.startswith("each_row_of_block:"):
        block = scope.split(":", 1)[1] if ":" in scope else None
        rows = [r for r in spec.leaf_rows if block is None or r.block == block]
        for row in rows:
            if not _evaluate(relation, equation, lambda name, r=row.id: grid.get((r, name)), spec, sink, row=row.id):
                unchecked.append(f"row {row.id}")
    return unchecked


def _evaluate(
    relation: Relation,
    equation: _Equation,
    lookup: object,
    spec: TableSpec,
    sink: DiagnosticSink,
    *,
    row: str | None = None,
    column: str | None = None,
) -> bool:
    """Evaluate one instance of a relation; return False when it could not be checked for missing cells."""
    assert callable(lookup)
    names = [name for _, name in (*equation.lhs, *equation.rhs)]
    cells: dict[str, Cell | None] = {name: lookup(name) for name in names}
    present = [cell for cell in cells.values() if cell is not None]
    if not present or not any(cell.status == "value" for cell in present):
        return True  # nothing read here (an all-blank column): there is nothing to check
    where = f"column {column}" if column else f"row {row}"
    if len(present) < len(cells):
        return False
    # A total left blank is "not stated", not zero: the parts cannot be checked against it.
    for side in (equation.lhs, equation.rhs):
        if len(side) == 1 and (total := cells[side[0][1]]) is not None and total.status != "value":
            return False
        # Every part left blank while the total is filled: the breakdown was not given, so there is nothing to add.
        if len(side) > 1 and not any((c := cells[name]) is not None and c.status == "value" for _, name in side):
            return False
    # Blank and placeholder cells count as zero here: that is how the template is filled in practice.
    left = _sum(equation.lhs, cells)
    right = _sum(equation.rhs, cells)
    ok = {"==": left == right, "<=": left <= right, ">=": left >= right}[equation.op]
    if ok:
        return True
    lines = [c.span.line_start for c in present if c.span.line_start is not None]
    sink.emit(
        _CODE_BY_KIND[relation.kind],
        f"{relation.id} fails for {where} of {spec.id}: {relation.expr} reads {_fmt(left)} {equation.op} {_fmt(right)}",
        span=SourceSpan(
            line_start=min(lines) if lines else None,
            line_end=max(lines) if lines else None,
            table=spec.id,
            row=row,
            column=column,
        ),
        relation=relation.id,
        kind=relation.kind,
        # The left side is what the report states (a total, or the inflow of t3_balance); the right side is what
        # the other cells add up to.
        actual=_fmt(left),
        expected=_fmt(right),
        values=tuple(
            (name, _fmt(cell.value) if cell is not None and cell.value is not None else None)
            for name, cell in cells.items()
        ),
    )
    return True


def _check_all_cells(relation: Relation, spec: TableSpec, table: Table, sink: DiagnosticSink) -> None:
    excluded = relation.scope.split(":", 1)[1].split(",") if relation.scope.startswith("all_cells_except:") else []
    for cell in table.cells:
        if cell.column in excluded or cell.value is None or cell.value >= 0:
            continue
        sink.emit(
            _CODE_BY_KIND[relation.kind],
            f"{relation.id} fails for {cell.key}: {cell.value} is negative",
            span=cell.span,
            relation=relation.id,
            kind=relation.kind,
            actual=_fmt(cell.value),
        )


def _signed_sum(terms: Sequence[tuple[int, str]], values: Mapping[str, Number]) -> Number:
    total: Number = 0
    for sign, name in terms:
        total += sign * values[name]
    return total


def _sum(terms: Sequence[tuple[int, str]], cells: Mapping[str, Cell | None]) -> Number:
    total: Number = 0
    for sign, name in terms:
        cell = cells[name]
        value = cell.value if cell is not None and cell.value is not None else 0
        total += sign * value
    return total


def _fmt(value: Number) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


# -- across years: the heuristic relations that compare a report with the same agency's previous one ---------


def check_across_years(
    reports: Iterable[Report], vocabulary: Vocabulary | None = None
) -> tuple[tuple[Report, Diagnostic], ...]:
    """Given reports of one or many agencies, return (report, A003) for each cross-year relation a report breaks.

    Reports are grouped by `meta.agency` and compared with the report of the year before (only consecutive years);
    the relations are the `prev.` ones of format.json (`t2_cross_year_valid`, `t3_cross_year_carry`). They are
    heuristics: restructurings and corrected reports break them legitimately, so findings are `info`.
    """
    from govreport_parser.vocabulary import load_vocabulary

    vocabulary = vocabulary or load_vocabulary()
    by_agency: dict[str, dict[int, Report]] = {}
    for report in reports:
        if report.meta.agency and report.meta.year is not None:
            by_agency.setdefault(report.meta.agency, {})[report.meta.year] = report
    findings: list[tuple[Report, Diagnostic]] = []
    for years in by_agency.values():
        for year, report in sorted(years.items()):
            previous = years.get(year - 1)
            if previous is None:
                continue
            sink = DiagnosticSink(source=report.meta.source)
            for table_id, table in report.tables.items():
                spec = vocabulary.table(report.meta.format_version or "gov_2021", table_id)
                before = previous.tables.get(table_id)
                if spec is None or before is None:
                    continue
                for relation in spec.relations:
                    if "prev." in relation.expr:
                        _check_pair(relation, spec, table, before, previous, sink)
            findings.extend((report, diagnostic) for diagnostic in sink.diagnostics)
    return tuple(findings)


def _check_pair(
    relation: Relation, spec: TableSpec, table: Table, before: Table, previous: Report, sink: DiagnosticSink
) -> None:
    equation = parse_expression(relation.expr)
    if relation.scope.startswith("each_row_of_block:"):
        block = relation.scope.split(":", 1)[1]
        scopes: list[str | None] = [row.id for row in spec.leaf_rows if row.block == block]
    else:
        scopes = [None]  # identifiers name their cell in full: 'carried_over.total'
    for row in scopes:

        def value(name: str, row: str | None = row) -> Number | None:
            source, name = (before, name[len("prev.") :]) if name.startswith("prev.") else (table, name)
            row_id, column = (row, name) if row is not None else name.split(".", 1)
            cell = source.cell(row_id, column) if row_id is not None else None
            return cell.value if cell is not None else None

        values = {name: value(name) for _, name in (*equation.lhs, *equation.rhs)}
        if any(v is None for v in values.values()):
            continue  # a blank or unread cell: nothing to compare
        known = {name: number for name, number in values.items() if number is not None}
        left = _signed_sum(equation.lhs, known)
        right = _signed_sum(equation.rhs, known)
        if left == right:
            continue
        sink.emit(
            "A003",
            f"{relation.id} fails{' for row ' + row if row else ''} of {spec.id} against the {previous.meta.year} "
            f"report: {relation.expr} reads {_fmt(left)} == {_fmt(right)}",
            span=SourceSpan(table=spec.id, row=row),
            relation=relation.id,
            kind=relation.kind,
            actual=_fmt(left),
            expected=_fmt(right),
            previous_year=previous.meta.year,
            previous_source=previous.meta.source,
        )
