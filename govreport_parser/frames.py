"""Turn Reports into pandas frames: tidy cells, one wide table, diagnostics and one row per input file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from govreport_parser.model import Cell, Report
from govreport_parser.vocabulary import VERSION_IDS, TableSpec, load_vocabulary

if TYPE_CHECKING:
    import pandas as pd

    from govreport_parser.batch import Failure

# A column kind decides the pandas dtype (and the Arrow type the CLI writes): str → "string", int → "Int64",
# float → float64 with NaN, bool → bool, status → categorical over the three cell statuses.
ColumnKind = Literal["str", "int", "float", "bool", "status"]
Schema = tuple[tuple[str, ColumnKind], ...]
CELL_STATUSES = ("value", "blank", "placeholder")

CELL_SCHEMA: Schema = (
    ("source", "str"),
    ("table", "str"),
    ("row", "str"),
    ("column", "str"),
    ("value", "float"),
    ("status", "status"),
    ("raw", "str"),
    ("block", "str"),
    ("inferred", "bool"),
    ("line", "int"),
    ("agency", "str"),
    ("year", "int"),
)
"""Columns of the tidy cells frame and of the CLI's `cells.<ext>`, in order."""

REPORT_SCHEMA: Schema = (
    ("source", "str"),
    ("status", "str"),
    ("error", "str"),
    ("agency", "str"),
    ("year", "int"),
    ("format_version", "str"),
    ("level", "str"),
    ("title", "str"),
    ("input_format", "str"),
    ("encoding", "str"),
    ("cells", "int"),
    ("errors", "int"),
    ("warnings", "int"),
    ("infos", "int"),
    ("codes", "str"),
)
"""Columns of the one-row-per-input frame (the CLI's `reports.<ext>`), in order."""

DIAGNOSTIC_SCHEMA: Schema = (
    ("source", "str"),
    ("code", "str"),
    ("severity", "str"),
    ("message", "str"),
    ("line_start", "int"),
    ("line_end", "int"),
    ("section", "str"),
    ("table", "str"),
    ("row", "str"),
    ("column", "str"),
    ("context", "str"),
)
"""Columns of the diagnostics frame, in order; `context` is the diagnostic's context as JSON text."""

LabelNames = str | Mapping[str, str] | None


# -- plain records (no pandas): shared by the frames, the CLI writers and the Dask partitions ---------------


def cell_records(report: Report, source: str) -> list[tuple[Any, ...]]:
    """Given a Report and the name of its source, return one tuple per cell in `CELL_SCHEMA` order."""
    agency, year = report.meta.agency, report.meta.year
    return [
        (
            source,
            cell.table,
            cell.row,
            cell.column,
            _float(cell.value),
            cell.status,
            cell.raw,
            cell.block,
            cell.inferred,
            cell.span.line_start,
            agency,
            year,
        )
        for cell in report.cells
    ]


def report_record(source: str, result: Report | Failure) -> tuple[Any, ...]:
    """Given an input's source and its Report (or Failure), return its row in `REPORT_SCHEMA` order."""
    if not isinstance(result, Report):
        return (source, "failed", f"{result.error}: {result.message}", *([None] * 7), 0, 0, 0, 0, "")
    meta = result.meta
    severities = [d.severity for d in result.diagnostics]
    return (
        source,
        "ok",
        None,
        meta.agency,
        meta.year,
        meta.format_version,
        meta.level,
        meta.title,
        meta.input_format,
        meta.encoding,
        sum(1 for cell in result.cells if cell.status == "value"),
        severities.count("error"),
        severities.count("warning"),
        severities.count("info"),
        " ".join(sorted({d.code for d in result.diagnostics})),
    )


def diagnostic_records(report: Report, source: str) -> list[tuple[Any, ...]]:
    """Given a Report and the name of its source, return one tuple per diagnostic in `DIAGNOSTIC_SCHEMA` order."""
    return [
        (
            source,
            d.code,
            d.severity,
            d.message,
            d.span.line_start,
            d.span.line_end,
            d.span.section,
            d.span.table,
            d.span.row,
            d.span.column,
            json.dumps(d.as_dict()["context"], ensure_ascii=False, sort_keys=True) if d.context else None,
        )
        for d in report.diagnostics
    ]


def json_lines(records: Sequence[Sequence[Any]], schema: Schema) -> str:
    """Given row tuples in `schema` order, return them as JSON Lines text (NaN written as null), one per line."""
    names = [name for name, _ in schema]
    return "".join(
        json.dumps(
            {name: (None if value != value else value) for name, value in zip(names, record, strict=True)},
            ensure_ascii=False,
        )
        + "\n"
        for record in records
    )


def source_name(report: Report, index: int) -> str:
    """Given a Report and its position in a batch, return the name used in `source` columns."""
    return report.meta.source if report.meta.source is not None else str(index)


# -- frames --------------------------------------------------------------------------------------------------


def records_frame(records: Sequence[Sequence[Any]], schema: Schema) -> pd.DataFrame:
    """Given row tuples in `schema` order, return a frame with the schema's dtypes (also for zero rows)."""
    import pandas as pd

    columns = list(zip(*records, strict=True)) if records else [() for _ in schema]
    return pd.DataFrame(
        {
            name: pd.Series(list(values), dtype=_dtype(kind))
            for (name, kind), values in zip(schema, columns, strict=True)
        }
    )


def cells_frame(reports: Iterable[Report], *, label_names: LabelNames = None) -> pd.DataFrame:
    """Given Reports, return a tidy frame with one row per cell (columns: `CELL_SCHEMA`).

    `label_names=None` keeps canonical ids; `"zh"` adds `row_label`/`column_label` with the vocabulary's Chinese
    labels; a mapping renames ids in `row` and `column` (a `table/id` key wins over a bare `id` key), like
    usaddress's `tag_mapping`. `source` is `report.meta.source`, or the report's position when it has none.
    """
    import pandas as pd

    report_list = list(reports)
    records = [
        row for index, report in enumerate(report_list) for row in cell_records(report, source_name(report, index))
    ]
    frame = records_frame(records, CELL_SCHEMA)
    if label_names is None:
        return frame
    if isinstance(label_names, str):
        if label_names != "zh":
            raise ValueError(f"label_names must be None, 'zh' or a mapping, not {label_names!r}")
        versions = [report.meta.format_version for report in report_list for _ in report.cells]
        row_labels, column_labels = [], []
        for version, (_, table, row, column, *_rest) in zip(versions, records, strict=True):
            rows, columns = _labels(version, table)
            row_labels.append(rows.get(row, row[1:] if row.startswith("?") else None))
            column_labels.append(columns.get(column))
        frame["row_label"] = pd.Series(row_labels, dtype="string")
        frame["column_label"] = pd.Series(column_labels, dtype="string")
        return frame
    if isinstance(label_names, Mapping):
        mapping = dict(label_names)
        for axis in ("row", "column"):
            frame[axis] = pd.Series(
                [mapping.get(f"{t}/{i}", mapping.get(i, i)) for t, i in zip(frame["table"], frame[axis], strict=True)],
                dtype="string",
            )
        return frame
    raise TypeError(f"label_names must be None, 'zh' or a mapping, not {type(label_names).__name__}")


def wide_frame(report: Report, table_id: str, *, chinese: bool = False) -> pd.DataFrame:
    """Given a Report and a table id, return that table as rows × columns of numbers (NA where blank/placeholder).

    Rows and columns follow the format version's canonical order (table 三: 25 or 23 rows × 7 applicant columns;
    table 四: 3 × 5; table 二: its rows × the union of its blocks' columns, NA where a block lacks the column).
    Rows the vocabulary does not know (legacy `?label` indicators) follow in source order. A table of the format
    that the report lacks comes back all NA; a table id known neither to the report nor the vocabulary raises
    `KeyError`. With `chinese=True` the index and columns are the vocabulary's Chinese labels.
    """
    import pandas as pd

    table = report.tables.get(table_id)
    cells: tuple[Cell, ...] = table.cells if table is not None else ()
    spec = _spec_for(report.meta.format_version, table_id, cells)
    if spec is None and table is None:
        raise KeyError(f"unknown table {table_id!r}; the report has {sorted(report.tables)}")
    row_ids = [row.id for row in spec.leaf_rows] if spec is not None else []
    column_ids = [column.id for column in spec.columns if not column.is_group] if spec is not None else []
    for cell in cells:
        if cell.row not in row_ids:
            row_ids.append(cell.row)
        if cell.column not in column_ids:
            column_ids.append(cell.column)
    values = {(cell.row, cell.column): cell.value for cell in cells}
    value_types = {column.id: column.value_type for column in spec.columns} if spec is not None else {}
    data = {}
    for column in column_ids:
        column_values = [values.get((row, column)) for row in row_ids]
        integral = value_types.get(column, "integer") in ("integer", "signed_integer") and all(
            value is None or isinstance(value, int) for value in column_values
        )
        cleaned: list[Any] = [None if v is None else (v if integral else float(v)) for v in column_values]
        data[column] = pd.array(cleaned, dtype="Int64" if integral else "Float64")
    frame = pd.DataFrame(data, index=pd.Index(row_ids, name="row"))
    frame.columns = pd.Index(column_ids, name="column")
    if chinese:
        rows, columns = _labels(spec.version if spec is not None else None, table_id)
        frame.index = pd.Index([rows.get(r, r.lstrip("?")) for r in row_ids], name="row")
        frame.columns = pd.Index([columns.get(c, c) for c in column_ids], name="column")
    return frame


def diagnostics_frame(reports: Iterable[Report]) -> pd.DataFrame:
    """Given Reports, return one row per diagnostic (columns: `DIAGNOSTIC_SCHEMA`)."""
    records = [
        row for index, report in enumerate(reports) for row in diagnostic_records(report, source_name(report, index))
    ]
    return records_frame(records, DIAGNOSTIC_SCHEMA)


def reports_frame(results: Iterable[tuple[str, Report | Failure]]) -> pd.DataFrame:
    """Given `(source, Report | Failure)` pairs (e.g. from `parse_many`), return one row per input (`REPORT_SCHEMA`)."""
    return records_frame([report_record(source, result) for source, result in results], REPORT_SCHEMA)


# -- helpers -------------------------------------------------------------------------------------------------


def _float(value: int | Decimal | None) -> float:
    return float("nan") if value is None else float(value)


def _dtype(kind: ColumnKind) -> Any:
    import pandas as pd

    if kind == "status":
        return pd.CategoricalDtype(list(CELL_STATUSES))
    return {"str": "string", "int": "Int64", "float": "float64", "bool": "bool"}[kind]


def _spec_for(version: str | None, table_id: str, cells: Sequence[Cell]) -> TableSpec | None:
    vocabulary = load_vocabulary()
    if version is not None:
        spec = vocabulary.table(version, table_id)
        if spec is not None:
            return spec
    # No (or a foreign) version: take the first version whose rows hold every row seen, so the order is canonical.
    seen = {cell.row for cell in cells}
    for candidate in VERSION_IDS:
        spec = vocabulary.table(candidate, table_id)
        if spec is not None and seen <= {row.id for row in spec.leaf_rows}:
            return spec
    return None


@lru_cache(maxsize=32)
def _labels(version: str | None, table_id: str) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """Given a version and table id, return Chinese labels of its row ids and column ids (other versions fill gaps)."""
    vocabulary = load_vocabulary()
    rows: dict[str, str] = {}
    columns: dict[str, str] = {}
    order = (version, *VERSION_IDS) if version is not None else VERSION_IDS
    for candidate in order:
        spec = vocabulary.table(candidate, table_id)
        if spec is None:
            continue
        for row in spec.rows:
            rows.setdefault(row.id, row.label)
        for column in spec.columns:
            columns.setdefault(column.id, column.label)
    return rows, columns


__all__ = [
    "CELL_SCHEMA",
    "DIAGNOSTIC_SCHEMA",
    "REPORT_SCHEMA",
    "cell_records",
    "cells_frame",
    "diagnostic_records",
    "diagnostics_frame",
    "json_lines",
    "records_frame",
    "report_record",
    "reports_frame",
    "source_name",
    "wide_frame",
]
