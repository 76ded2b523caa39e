"""Load the packaged vocabulary (format.json) and compile it once into lookup tables."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from govreport_parser.normalize import label_key

MatchMethod = Literal["exact", "alias", "rule", "fuzzy", "none"]
VERSION_IDS = ("gov_2021", "gov_2019_trial", "legacy_pre2019")
CANONICAL_TABLES = ("table2", "table3", "table4")
# Chosen on the damaged labels in samples/ (e.g. 属于三类内容事务信息 scores 0.90, 本年处理绝对数量 0.86) while
# unrelated labels of the same table stay below 0.7; a runner-up within AMBIGUITY_MARGIN makes a match ambiguous.
FUZZY_THRESHOLD = 0.8
AMBIGUITY_MARGIN = 0.03


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """The outcome of matching one raw label against the vocabulary."""

    id: str | None
    """Canonical id, or None when nothing (or more than one id) matched."""
    raw: str
    """The label as it stood."""
    method: MatchMethod
    """`exact` (canonical label), `alias` (listed variant), `rule` (a fixed rewrite), `fuzzy`, or `none`."""
    score: float = 1.0
    """1.0 except for fuzzy matches."""
    ordinal: str | None = None
    """The item number split off the label (`三`, `1`), a hint for position."""
    candidates: tuple[str, ...] = ()
    """For an ambiguous label, the ids it could be."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RowSpec:
    """One row of a table in one format version."""

    id: str
    label: str
    parent: str | None = None
    is_group: bool = False
    block: str | None = None
    unit: str | None = None
    optional: bool = False
    """A regional extension (e.g. Hubei's 其他主动公开文件): never reported missing."""
    group: str | None = None
    """A printed header the row sits under without being its parent (table 四's 行政诉讼)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSpec:
    """One value column."""

    id: str
    label: str
    value_type: str = "integer"
    is_group: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockSpec:
    """A stacked block of table 二 (its caption, columns and rows)."""

    id: str
    label: str
    columns: tuple[ColumnSpec, ...]
    rows: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Relation:
    """An arithmetic relation as stated in format.json."""

    id: str
    table: str
    scope: str
    kind: Literal["official", "structural", "heuristic"]
    expr: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TableSpec:
    """A table of one format version, compiled for matching."""

    id: str
    version: str
    section_id: str | None
    """The section the format prints this table in (`active_disclosure` for table2 …)."""
    title: str | None
    """The table's printed title (政府信息公开情况统计表 for the legacy statistics table)."""
    rows: tuple[RowSpec, ...]
    columns: tuple[ColumnSpec, ...]
    """Leaf value columns in printed order (for table2: the union, see `blocks`)."""
    blocks: tuple[BlockSpec, ...] = ()
    relations: tuple[Relation, ...] = ()
    row_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    column_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    header_keys: frozenset[str] = frozenset()
    """Normalized labels of header-only cells (captions, group headers, notes) that carry no value."""
    row_index: Mapping[str, RowSpec] = field(default_factory=dict)
    """Rows by id (built by `_compile_table`; lookups are on the hot path of mapping)."""
    columns_by_row: Mapping[str, tuple[ColumnSpec, ...]] = field(default_factory=dict)

    @property
    def leaf_rows(self) -> tuple[RowSpec, ...]:
        """Rows that carry values."""
        return tuple(row for row in self.rows if not row.is_group)

    def row(self, row_id: str) -> RowSpec:
        """Return the spec of `row_id`."""
        found = self.row_index.get(row_id)
        return found if found is not None else next(row for row in self.rows if row.id == row_id)

    def columns_of(self, row_id: str) -> tuple[ColumnSpec, ...]:
        """Value columns of a row (block columns for table2)."""
        cached = self.columns_by_row.get(row_id)
        if cached is not None:
            return cached
        if self.blocks:
            block_id = self.row(row_id).block
            return next(block.columns for block in self.blocks if block.id == block_id)
        return tuple(column for column in self.columns if not column.is_group)

    def cell_keys(self) -> tuple[tuple[str, str, str | None], ...]:
        """Every (row, column, block) of the table in canonical order."""
        return tuple((row.id, column.id, row.block) for row in self.leaf_rows for column in self.columns_of(row.id))


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionSpec:
    """A canonical section of one format version."""

    id: str
    label: str
    table: str | None = None


class Vocabulary:
    """Compiled vocabulary of all format versions; build it with `load_vocabulary()`.

    Not a dataclass: construction compiles the lookup tables, and instances are shared read-only.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.schema_version: str = str(data.get("schema_version", "1"))
        sections: dict[str, tuple[SectionSpec, ...]] = {}
        section_keys: dict[str, dict[str, tuple[str, ...]]] = {}
        tables: dict[tuple[str, str], TableSpec] = {}
        for version in data["format_versions"]:
            vid = version["id"]
            table_of_section = {t.get("section_id"): t["id"] for t in version.get("tables", ()) if t.get("section_id")}
            sections[vid] = tuple(
                SectionSpec(id=s["id"], label=s["label"], table=table_of_section.get(s["id"]))
                for s in version["sections"]
            )
            section_keys[vid] = _compile_keys(version["sections"])
            for table in version.get("tables", ()):
                if table["id"] in CANONICAL_TABLES or table["id"] == "stats_table_2014":
                    tables[(vid, table["id"])] = _compile_table(vid, table)
        self.sections: Mapping[str, tuple[SectionSpec, ...]] = MappingProxyType(sections)
        self._section_keys = section_keys
        self._section_index = {version: FuzzyIndex(keys) for version, keys in section_keys.items()}
        self._tables = tables
        self.version_markers: Mapping[str, tuple[str, ...]] = MappingProxyType(
            {
                vid: tuple(label_key(marker).key for marker in markers)
                for vid, markers in data.get("version_detection", {}).items()
                if vid in VERSION_IDS
            }
        )

    # -- lookups -------------------------------------------------------------------------------------------

    def table(self, version: str, table_id: str) -> TableSpec | None:
        """Return the compiled table of a format version, or None if that version has no such table."""
        return self._tables.get((version, table_id))

    def match_section(self, raw: str, version: str, *, fuzzy: bool = True) -> LabelMatch:
        """Match a heading against the sections of `version`."""
        return _match(raw, self._section_keys[version], fuzzy=fuzzy, index=self._section_index[version])

    def match_row(self, raw: str, table: TableSpec, *, fuzzy: bool = True) -> LabelMatch:
        """Match a row label of `table`."""
        return _match(raw, table.row_keys, fuzzy=fuzzy, index=_index_of(table.row_keys))

    def match_column(self, raw: str, table: TableSpec, *, fuzzy: bool = True) -> LabelMatch:
        """Match a column header of `table`."""
        return _match(raw, table.column_keys, fuzzy=fuzzy, index=_index_of(table.column_keys))

    def ids(self) -> Iterable[tuple[str, str, str, str]]:
        """Yield (version, table, axis, id) for every canonical row and column id."""
        for (version, table_id), spec in self._tables.items():
            for row in spec.rows:
                yield version, table_id, "row", row.id
            for column in spec.columns:
                yield version, table_id, "column", column.id


_INDEXES: dict[int, tuple[Mapping[str, tuple[str, ...]], FuzzyIndex]] = {}


def _index_of(keys: Mapping[str, tuple[str, ...]]) -> FuzzyIndex:
    """Return the FuzzyIndex of a compiled key mapping, built on first use (the mapping is kept alive beside it)."""
    found = _INDEXES.get(id(keys))
    if found is None or found[0] is not keys:
        found = (keys, FuzzyIndex(keys))
        _INDEXES[id(keys)] = found
    return found[1]


def _compile_keys(entries: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    keys: dict[str, list[str]] = {}
    for entry in entries:
        for label in (entry["label"], *entry.get("variants", ()), *entry.get("unverified_variants", ())):
            # Variant notes like 'x (after t2s of y)' describe, they are not labels.
            label = label.split(" (", 1)[0] if " (" in label else label
            key = label_key(label).key
            if key and entry["id"] not in keys.setdefault(key, []):
                keys[key].append(entry["id"])
    return {key: tuple(ids) for key, ids in keys.items()}


def _compile_table(version: str, table: Mapping[str, Any]) -> TableSpec:
    rows: list[RowSpec] = []
    columns: list[ColumnSpec] = []
    blocks: list[BlockSpec] = []
    header_labels: list[str] = []
    row_entries: list[Mapping[str, Any]] = []
    column_entries: list[Mapping[str, Any]] = []
    if "blocks" in table:
        seen_columns: set[str] = set()
        for block in table["blocks"]:
            block_columns = tuple(
                ColumnSpec(id=c["id"], label=c["label"], value_type=c.get("value_type", "integer"))
                for c in block["columns"]
            )
            blocks.append(
                BlockSpec(
                    id=block["id"],
                    label=block["label"],
                    columns=block_columns,
                    rows=tuple(r["id"] for r in block["rows"]),
                )
            )
            header_labels.extend([block["label"], *block.get("variants", ())])
            for row in block["rows"]:
                rows.append(
                    RowSpec(
                        id=row["id"],
                        label=row["label"],
                        block=block["id"],
                        optional=bool(row.get("regional_extension")),
                    )
                )
                row_entries.append(row)
            for column, entry in zip(block_columns, block["columns"], strict=True):
                if column.id not in seen_columns:
                    seen_columns.add(column.id)
                    columns.append(column)
                    column_entries.append(entry)
        label_column = table.get("label_column") or {}
        if label_column:
            header_labels.extend([label_column["label"], *label_column.get("variants", ())])
    else:
        for row in table.get("rows", ()):
            rows.append(
                RowSpec(
                    id=row["id"],
                    label=row["label"],
                    parent=row.get("parent"),
                    is_group=row.get("kind") == "group",
                    unit=row.get("unit"),
                    group=row.get("group"),
                )
            )
            row_entries.append(row)
        for column in table.get("columns", ()):
            columns.append(
                ColumnSpec(
                    id=column["id"],
                    label=column["label"],
                    value_type=column.get("value_type", "integer"),
                    is_group=column.get("kind") == "group",
                )
            )
            column_entries.append(column)
        order = table.get("leaf_column_order")
        if order:
            by_id = {c.id: c for c in columns}
            columns = [by_id[c] for c in order] + [c for c in columns if c.is_group]
        header = table.get("header") or {}
        for part in header.values():
            header_labels.extend([part["label"], *part.get("variants", ())])
    relations = tuple(
        Relation(id=r["id"], table=r.get("table", table["id"]), scope=r["scope"], kind=r["kind"], expr=r["expr"])
        for r in table.get("relations", ())
    )
    spec = TableSpec(
        id=table["id"],
        version=version,
        section_id=table.get("section_id"),
        title=table.get("title"),
        rows=tuple(rows),
        columns=tuple(columns),
        blocks=tuple(blocks),
        relations=relations,
        row_keys=MappingProxyType(_compile_keys(row_entries)),
        column_keys=MappingProxyType(_compile_keys(column_entries)),
        header_keys=frozenset(label_key(label).key for label in header_labels),
        row_index=MappingProxyType({row.id: row for row in rows}),
    )
    return replace(spec, columns_by_row=MappingProxyType({row.id: spec.columns_of(row.id) for row in rows}))


def _match(
    raw: str, keys: Mapping[str, tuple[str, ...]], *, fuzzy: bool, index: FuzzyIndex | None = None
) -> LabelMatch:
    key, ordinal = label_key(raw)
    if not key:
        return LabelMatch(None, raw, "none", 0.0, ordinal)
    ids = keys.get(key)
    if ids is not None:
        if len(ids) > 1:
            return LabelMatch(None, raw, "none", 1.0, ordinal, ids)
        return LabelMatch(ids[0], raw, "exact" if _is_canonical(raw, key) else "alias", 1.0, ordinal)
    if not fuzzy:
        return LabelMatch(None, raw, "none", 0.0, ordinal)
    return fuzzy_match(raw, key, ordinal, keys, index)


def _is_canonical(raw: str, key: str) -> bool:
    return label_key(raw.strip()).key == key and raw.strip().endswith(key)


class FuzzyIndex:
    """Keys indexed by character, so approximate matching compares only keys that could reach the threshold.

    Not a dataclass: built once per key set (a table axis, the sections of a version), then only read.
    """

    def __init__(self, keys: Mapping[str, tuple[str, ...]]) -> None:
        self.candidates = tuple(keys.items())
        by_char: dict[str, list[int]] = {}
        for index, (candidate, _) in enumerate(self.candidates):
            for char in set(candidate):
                by_char.setdefault(char, []).append(index)
        self.by_char = {char: tuple(indexes) for char, indexes in by_char.items()}

    def shortlist(self, key: str) -> list[tuple[str, tuple[str, ...]]]:
        """Return the candidates whose similarity to `key` can reach FUZZY_THRESHOLD."""
        shared: dict[int, int] = {}
        for char in key:
            for index in self.by_char.get(char, ()):
                shared[index] = shared.get(index, 0) + 1
        size = len(key)
        out = []
        for index, count in shared.items():
            candidate = self.candidates[index]
            # Matched characters never exceed the characters of `key` found in the candidate: an upper bound on
            # difflib's ratio, so nothing that could pass is skipped.
            if 2 * min(count, len(candidate[0])) >= FUZZY_THRESHOLD * (size + len(candidate[0])):
                out.append(candidate)
        return out


def fuzzy_match(
    raw: str, key: str, ordinal: str | None, keys: Mapping[str, tuple[str, ...]], index: FuzzyIndex | None = None
) -> LabelMatch:
    """Given a label key that matched nothing exactly, return the one id it is close to, or an ambiguous/no match."""
    # Short keys make ratios meaningless (其他 vs 其它 is one character in two); only exact match them.
    if len(key) < 4:
        return LabelMatch(None, raw, "none", 0.0, ordinal)
    best: dict[str, float] = {}
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    for candidate, ids in (index or FuzzyIndex(keys)).shortlist(key):
        matcher.set_seq1(candidate)
        if matcher.quick_ratio() < FUZZY_THRESHOLD:
            continue
        score = matcher.ratio()
        for canonical_id in ids:
            best[canonical_id] = max(best.get(canonical_id, 0.0), score)
    if not best:
        return LabelMatch(None, raw, "none", 0.0, ordinal)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    top_id, top_score = ranked[0]
    if top_score < FUZZY_THRESHOLD:
        return LabelMatch(None, raw, "none", top_score, ordinal)
    rivals = tuple(i for i, s in ranked[1:] if top_score - s < AMBIGUITY_MARGIN)
    if rivals:
        return LabelMatch(None, raw, "none", top_score, ordinal, (top_id, *rivals))
    return LabelMatch(top_id, raw, "fuzzy", round(top_score, 3), ordinal)


@lru_cache(maxsize=8)
def _load_cached(extra: str | None) -> Vocabulary:
    data = json.loads(resources.files("govreport_parser").joinpath("data/format.json").read_text(encoding="utf-8"))
    if extra is not None:
        data = _layer(data, json.loads(Path(extra).read_text(encoding="utf-8")))
    return Vocabulary(data)


def load_vocabulary(extra_path: str | PathLike[str] | None = None) -> Vocabulary:
    """Return the compiled packaged vocabulary, optionally with extra variants from a user file layered on top.

    The user file has the shape `{"variants": {"<version>/<table or 'sections'>/<id>": ["label", ...]}}`; it may
    add variants to existing ids but never add or rename ids (a `ValueError` says which id is unknown).
    """
    return _load_cached(None if extra_path is None else str(Path(extra_path).resolve()))


def _layer(data: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    import copy

    merged = copy.deepcopy(data)
    for address, variants in (extra.get("variants") or {}).items():
        version_id, container, entry_id = address.split("/", 2)
        version = next((v for v in merged["format_versions"] if v["id"] == version_id), None)
        if version is None:
            raise ValueError(f"unknown format version in {address!r}")
        entry = _find_entry(version, container, entry_id)
        if entry is None:
            raise ValueError(f"unknown id {address!r}: a user vocabulary may add variants, never ids")
        entry.setdefault("variants", []).extend(variants)
    return merged


def _find_entry(version: dict[str, Any], container: str, entry_id: str) -> dict[str, Any] | None:
    if container == "sections":
        return next((s for s in version["sections"] if s["id"] == entry_id), None)
    for table in version.get("tables", ()):
        if table["id"] != container:
            continue
        pools = [table.get("rows", []), table.get("columns", [])]
        for block in table.get("blocks", []):
            pools += [block["rows"], block["columns"]]
        for pool in pools:
            for entry in pool:
                if entry["id"] == entry_id:
                    return entry  # type: ignore[no-any-return]
    return None
