"""Frozen result types of a parse, and their lossless dict form."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

CellStatus = Literal["value", "blank", "placeholder"]
FormatVersion = Literal["gov_2021", "gov_2019_trial", "legacy_pre2019"]
Level = Literal["township", "county", "city", "province", "department", "unknown"]
InputFormat = Literal["text", "html"]
Number = int | Decimal

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSpan:
    """Where something sits: lines of the cleaned text and the report structure it belongs to."""

    line_start: int | None = None
    """First line (1-based) in the cleaned text, as shown by `debug_parse(...).stage('clean')`."""
    line_end: int | None = None
    """Last line (inclusive)."""
    section: str | None = None
    """Canonical section id, when known."""
    table: str | None = None
    """Table id (`table2`, `table3`, `table4`, `stats_table_2014`)."""
    row: str | None = None
    """Canonical row id."""
    column: str | None = None
    """Canonical column id."""

    def as_dict(self) -> dict[str, Any]:
        """Return only the fields that are set."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> SourceSpan:
        """Inverse of `as_dict`."""
        return cls(**dict(data or {}))


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One thing worth knowing about a document: an unknown label, a failed sum, a missing table."""

    code: str
    """Stable code from `govreport_parser.diagnostics.CODES`, e.g. `A001`."""
    severity: Literal["error", "warning", "info"]
    """`error` (data are wrong or missing), `warning` (data may be wrong), `info` (worth knowing)."""
    message: str
    """Readable sentence naming what and where."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Where in the source and the report structure."""
    context: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    """Machine-readable details, e.g. `relation`, `expected`, `actual`."""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "span": self.span.as_dict(),
            "context": {key: _jsonable(value) for key, value in self.context.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnostic:
        """Inverse of `as_dict`."""
        return cls(
            code=data["code"],
            severity=data["severity"],
            message=data["message"],
            span=SourceSpan.from_dict(data.get("span")),
            context=MappingProxyType({k: _unjson(v) for k, v in (data.get("context") or {}).items()}),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One value of table 二/三/四 (or a legacy statistics table) under its canonical ids."""

    table: str
    """Table id, e.g. `table3`."""
    row: str
    """Canonical row id; for an unknown legacy indicator, `?` followed by its normalized label."""
    column: str
    """Canonical column id."""
    value: Number | None
    """The number; `None` when the cell is blank or holds a placeholder. `Decimal` only for decimal columns."""
    status: CellStatus
    """`value`, `blank` (nothing written) or `placeholder` (`/`, `-`, `—`, `无` …)."""
    raw: str
    """The cell text as it stood in the source (after decoding), so every value can be traced back."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Where the value was read."""
    block: str | None = None
    """Block id inside `table2` (`art20_1` …); `None` elsewhere."""
    inferred: bool = False
    """True when the value was recovered from glued digits by the format's arithmetic, not read directly."""

    @property
    def key(self) -> str:
        """`table/row/column`, the contract key used in frames and JSON."""
        return f"{self.table}/{self.row}/{self.column}"

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        out: dict[str, Any] = {
            "row": self.row,
            "column": self.column,
            "value": _jsonable(self.value),
            "status": self.status,
            "raw": self.raw,
            "span": self.span.as_dict(),
        }
        if self.block is not None:
            out["block"] = self.block
        if self.inferred:
            out["inferred"] = True
        return out

    @classmethod
    def from_dict(cls, table: str, data: Mapping[str, Any]) -> Cell:
        """Inverse of `as_dict` (the table id is stored once per table)."""
        return cls(
            table=table,
            row=data["row"],
            column=data["column"],
            value=_number(data.get("value")),
            status=data["status"],
            raw=data["raw"],
            span=SourceSpan.from_dict(data.get("span")),
            block=data.get("block"),
            inferred=bool(data.get("inferred", False)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class UnplacedValue:
    """A value seen in a table that could not be tied to one cell; kept so no data is lost."""

    raw: str
    """The text as it stood."""
    row: str | None = None
    """Canonical row id when the row is known but the column is not."""
    label: str | None = None
    """The raw label the value followed, if any."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Where it was read."""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"raw": self.raw, "row": self.row, "label": self.label, "span": self.span.as_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnplacedValue:
        """Inverse of `as_dict`."""
        return cls(
            raw=data["raw"], row=data.get("row"), label=data.get("label"), span=SourceSpan.from_dict(data.get("span"))
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RowLabel:
    """A row label as read, and how it was matched to its canonical id."""

    row: str
    """Canonical row id."""
    raw: str
    """The label text as it stood."""
    method: Literal["exact", "alias", "rule", "fuzzy"]
    """`exact` (the canonical label), `alias` (a listed variant or spacing/bracket variant), `rule` (label followed
    by a note or definition), `fuzzy` (approximate; see `score`)."""
    score: float = 1.0
    """Similarity for fuzzy matches; 1.0 otherwise."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Where it was read."""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "row": self.row,
            "raw": self.raw,
            "method": self.method,
            "score": self.score,
            "span": self.span.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowLabel:
        """Inverse of `as_dict`."""
        return cls(
            row=data["row"],
            raw=data["raw"],
            method=data["method"],
            score=float(data.get("score", 1.0)),
            span=SourceSpan.from_dict(data.get("span")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """Table 二, 三 or 四 (or a legacy statistics table) as canonical cells."""

    id: str
    """`table2`, `table3`, `table4` or `stats_table_2014`."""
    cells: tuple[Cell, ...] = ()
    """The cells that were read, in canonical order; a cell of the format that was never seen (truncated or damaged
    table) is absent rather than invented, and `complete` is False."""
    unplaced: tuple[UnplacedValue, ...] = ()
    """Values seen but not assignable to a cell."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Lines the table occupies."""
    complete: bool = True
    """False when rows of the format were never seen (truncated or damaged table)."""
    labels: tuple[RowLabel, ...] = ()
    """Every row label read, with how it matched (exact, alias, rule, fuzzy)."""

    def cell(self, row: str, column: str) -> Cell | None:
        """Return the cell at canonical `row`/`column`, or None."""
        for cell in self.cells:
            if cell.row == row and cell.column == column:
                return cell
        return None

    def value(self, row: str, column: str) -> Number | None:
        """Return the number at `row`/`column`, or None when blank, placeholder or absent."""
        cell = self.cell(row, column)
        return None if cell is None else cell.value

    def __iter__(self) -> Iterator[Cell]:
        return iter(self.cells)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "id": self.id,
            "complete": self.complete,
            "span": self.span.as_dict(),
            "cells": [cell.as_dict() for cell in self.cells],
            "unplaced": [value.as_dict() for value in self.unplaced],
            "labels": [label.as_dict() for label in self.labels],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Table:
        """Inverse of `as_dict`."""
        table_id = data["id"]
        return cls(
            id=table_id,
            complete=bool(data.get("complete", True)),
            span=SourceSpan.from_dict(data.get("span")),
            cells=tuple(Cell.from_dict(table_id, cell) for cell in data.get("cells", ())),
            unplaced=tuple(UnplacedValue.from_dict(value) for value in data.get("unplaced", ())),
            labels=tuple(RowLabel.from_dict(label) for label in data.get("labels", ())),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Grid:
    """A table that is not one of 表二/三/四, kept as rows of cell texts (spans already expanded)."""

    rows: tuple[tuple[str, ...], ...]
    """Cell texts row by row; a spanned cell repeats its text in every position it covers."""
    merged: tuple[tuple[int, int, int, int], ...] = ()
    """Each source cell that covered more than one position: (row, column, rows spanned, columns spanned), in the
    order the cells were placed. Empty when the source had no spans."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Where it was read."""

    def origin(self, row: int, column: int) -> tuple[int, int]:
        """Return where the cell covering position (`row`, `column`) starts: itself unless a spanning cell covers it.

        Where malformed spans overlap, the cell placed first holds the position, as in `rows`.
        """
        for top, left, height, width in self.merged:
            if top <= row < top + height and left <= column < left + width:
                return top, left
        return row, column

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "rows": [list(row) for row in self.rows],
            "merged": [list(cell) for cell in self.merged],
            "span": self.span.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grid:
        """Inverse of `as_dict`."""
        return cls(
            rows=tuple(tuple(row) for row in data["rows"]),
            merged=tuple((int(r), int(c), int(h), int(w)) for r, c, h, w in data.get("merged", ())),
            span=SourceSpan.from_dict(data.get("span")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Subsection:
    """A numbered part of a section, such as `（一）主动公开情况`."""

    ordinal: str | None
    """Its number as printed without brackets (`一`, `1`), or None for an unnumbered lead paragraph."""
    heading: str
    """The heading text as printed (may be the first clause of a run-in paragraph)."""
    text: str
    """Its full text, heading included."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Lines it occupies."""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"ordinal": self.ordinal, "heading": self.heading, "text": self.text, "span": self.span.as_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Subsection:
        """Inverse of `as_dict`."""
        return cls(
            ordinal=data.get("ordinal"),
            heading=data["heading"],
            text=data["text"],
            span=SourceSpan.from_dict(data.get("span")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """One part of the report in source order (the six canonical ones, or legacy parts)."""

    id: str | None
    """Canonical section id from the vocabulary, or None for a part that matched none (e.g. a preamble)."""
    heading: str
    """Heading as printed ('' for the preamble)."""
    text: str
    """Prose of the section without its heading and without table lines."""
    subsections: tuple[Subsection, ...] = ()
    """Numbered subsections （一）（二）… in order."""
    tables: tuple[str, ...] = ()
    """Ids of the canonical tables read from this section."""
    grids: tuple[Grid, ...] = ()
    """Other tables found in this section."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Lines the section occupies, heading included."""

    def keywords(self, n: int = 10) -> list[str]:
        """Return the section's `n` most characteristic words (jieba TF-IDF; loads jieba on first use)."""
        from govreport_parser.narrative import section_keywords

        return section_keywords(self.text, n)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "id": self.id,
            "heading": self.heading,
            "text": self.text,
            "subsections": [sub.as_dict() for sub in self.subsections],
            "tables": list(self.tables),
            "grids": [grid.as_dict() for grid in self.grids],
            "span": self.span.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Section:
        """Inverse of `as_dict`."""
        return cls(
            id=data.get("id"),
            heading=data["heading"],
            text=data["text"],
            subsections=tuple(Subsection.from_dict(sub) for sub in data.get("subsections", ())),
            tables=tuple(data.get("tables", ())),
            grids=tuple(Grid.from_dict(grid) for grid in data.get("grids", ())),
            span=SourceSpan.from_dict(data.get("span")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """A quantity stated in the prose, e.g. 收到政府信息公开申请75件."""

    kind: str
    """Kind id from the packaged figure vocabulary (`applications_received` …) or `generic`."""
    value: Number | None
    """The number (Chinese numerals converted); None when the prose states none."""
    unit: str | None
    """Counting word or unit as written (条, 件, 元, 万元 …)."""
    subject: str
    """What is counted, as written just before the number."""
    approximate: bool
    """True for 余/近/约/多 wording."""
    sentence: str
    """The sentence it came from."""
    section: str | None = None
    """Canonical id of the section holding the sentence."""
    span: SourceSpan = field(default_factory=SourceSpan)
    """Where it was read."""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "kind": self.kind,
            "value": _jsonable(self.value),
            "unit": self.unit,
            "subject": self.subject,
            "approximate": self.approximate,
            "sentence": self.sentence,
            "section": self.section,
            "span": self.span.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figure:
        """Inverse of `as_dict`."""
        return cls(
            kind=data["kind"],
            value=_number(data.get("value")),
            unit=data.get("unit"),
            subject=data["subject"],
            approximate=bool(data["approximate"]),
            sentence=data["sentence"],
            section=data.get("section"),
            span=SourceSpan.from_dict(data.get("span")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportMeta:
    """What the report is: whose, which year, which format."""

    title: str | None = None
    """Report title as printed (or the HTML page title)."""
    agency: str | None = None
    """Full name of the reporting body, e.g. 西华池镇人民政府."""
    year: int | None = None
    """The year reported on (not the publication year)."""
    format_version: FormatVersion | None = None
    """`gov_2021`, `gov_2019_trial` or `legacy_pre2019`."""
    level: Level = "unknown"
    """Administrative level of the agency (a 县级市 such as 昆山市 is county level, a 地级市 city level)."""
    province: str | None = None
    """Province-level unit named in the agency or title (e.g. 甘肃省), when stated."""
    city: str | None = None
    """Prefecture-level unit named (e.g. 庆阳市), when stated."""
    county: str | None = None
    """County-level unit named (e.g. 合水县), when stated."""
    published: str | None = None
    """Publication date as ISO `YYYY-MM-DD`, when the page states it."""
    input_format: InputFormat = "text"
    """Whether the source was read as plain text or HTML."""
    encoding: str | None = None
    """Encoding used to decode bytes, or None when the source was already text."""
    source: str | None = None
    """Path of the input file, when parsed from a path."""
    schema_version: str = "1"
    """`schema_version` of the vocabulary the parse used."""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportMeta:
        """Inverse of `as_dict`."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """Everything read from one 政府信息公开工作年度报告."""

    meta: ReportMeta = field(default_factory=ReportMeta)
    """Metadata: title, agency, year, format version, level."""
    sections: tuple[Section, ...] = ()
    """Sections in source order."""
    tables: Mapping[str, Table] = field(default_factory=lambda: _EMPTY)
    """Canonical tables by id (`table2`, `table3`, `table4`, legacy `stats_table_2014`)."""
    figures: tuple[Figure, ...] = ()
    """Quantities stated in the prose."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """Everything unusual, in the order found."""

    def section(self, section_id: str) -> Section | None:
        """Return the first section with canonical id `section_id`, or None."""
        return next((s for s in self.sections if s.id == section_id), None)

    def value(self, key: str) -> Number | None:
        """Return the number at a `table/row/column` key, or None."""
        table_id, row, column = key.split("/", 2)
        table = self.tables.get(table_id)
        return None if table is None else table.value(row, column)

    @property
    def cells(self) -> tuple[Cell, ...]:
        """All cells of all tables, table by table."""
        return tuple(cell for table in self.tables.values() for cell in table.cells)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict; `Report.from_dict` rebuilds an equal Report."""
        return {
            "meta": self.meta.as_dict(),
            "sections": [section.as_dict() for section in self.sections],
            "tables": {table_id: table.as_dict() for table_id, table in self.tables.items()},
            "figures": [figure.as_dict() for figure in self.figures],
            "diagnostics": [diagnostic.as_dict() for diagnostic in self.diagnostics],
        }

    to_dict = as_dict

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Rebuild a Report from `as_dict` output (or its JSON)."""
        return cls(
            meta=ReportMeta.from_dict(data.get("meta") or {}),
            sections=tuple(Section.from_dict(s) for s in data.get("sections", ())),
            tables=MappingProxyType({k: Table.from_dict(v) for k, v in (data.get("tables") or {}).items()}),
            figures=tuple(Figure.from_dict(f) for f in data.get("figures", ())),
            diagnostics=tuple(Diagnostic.from_dict(d) for d in data.get("diagnostics", ())),
        )

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialize to JSON text (UTF-8 characters kept readable)."""
        import json

        return json.dumps(self.as_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Inverse of `to_json`."""
        import json

        return cls.from_dict(json.loads(text))

    def to_frame(self, *, label_names: str | Mapping[str, str] | None = None) -> pd.DataFrame:
        """Return a tidy frame, one row per cell (see `govreport_parser.frames.cells_frame`)."""
        from govreport_parser.frames import cells_frame

        return cells_frame([self], label_names=label_names)

    def to_wide(self, table_id: str, *, chinese: bool = False) -> pd.DataFrame:
        """Return one table as rows × columns (see `govreport_parser.frames.wide_frame`)."""
        from govreport_parser.frames import wide_frame

        return wide_frame(self, table_id, chinese=chinese)

    def diagnostics_frame(self) -> pd.DataFrame:
        """Return the diagnostics as a frame, one row per diagnostic."""
        from govreport_parser.frames import diagnostics_frame

        return diagnostics_frame([self])


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # JSON has one number type; a float keeps up to 15 significant digits exactly, far beyond 万元 amounts.
        return float(value)
    if isinstance(value, tuple):
        return [_jsonable(item) for item in value]
    return value


def _unjson(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_unjson(item) for item in value)
    return value


def _number(value: Any) -> Number | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return Decimal(value) if "." in value else int(value)
    raise TypeError(f"not a number: {value!r}")
