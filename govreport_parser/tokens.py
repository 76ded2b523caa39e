"""Classify the cells of a table region into labels, values and blanks, against one version's table vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, NamedTuple

from govreport_parser import grid as g
from govreport_parser.grid import RawCell, TableRegion
from govreport_parser.model import CellStatus, Number
from govreport_parser.normalize import ITEM_NUMBER_RE, fold, label_key, parse_value
from govreport_parser.vocabulary import CANONICAL_TABLES, FuzzyIndex, LabelMatch, TableSpec, Vocabulary, fuzzy_match

# Distinct cell texts kept per lexicon; a batch of thousands of reports repeats far fewer than this.
TOKEN_CACHE_SIZE = 50_000
Axis = Literal["row", "column", "header"]


# -- lexicon: every label of the three tables of one version -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """What one normalized label names: a row, a column or a header of one table."""

    table: str
    axis: Axis
    id: str


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """Every label of the three tables of one format version, compiled for lookup and for scanning run-on text."""

    version: str
    specs: Mapping[str, TableSpec]
    entries: Mapping[str, tuple[Entry, ...]]
    scan_re: re.Pattern[str] | None
    ordinals: Mapping[tuple[str, str], str]
    """Printed item number of each row label, e.g. ('table3', 'denied_law_prohibited') → '2'."""
    id_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Label keys → canonical ids, for approximate matching."""
    fuzzy_index: FuzzyIndex | None = None
    token_cache: dict[tuple[bool, str], tuple[Token, ...]] = field(default_factory=dict, compare=False)
    """Classification of each distinct cell text; depends only on the text and this lexicon."""


@lru_cache(maxsize=8)
def lexicon_for(vocabulary: Vocabulary, version: str) -> Lexicon:
    """Given the vocabulary and a version, return its table lexicon (compiled once, then cached)."""
    specs = {t: spec for t in CANONICAL_TABLES if (spec := vocabulary.table(version, t)) is not None}
    entries: dict[str, list[Entry]] = {}

    def add(key: str, entry: Entry) -> None:
        if key and entry not in entries.setdefault(key, []):
            entries[key].append(entry)

    ordinals: dict[tuple[str, str], str] = {}
    for table_id, spec in specs.items():
        for key, ids in spec.row_keys.items():
            for row_id in ids:
                add(key, Entry(table_id, "header" if table_id == "table4" else "row", row_id))
        for key, ids in spec.column_keys.items():
            for column_id in ids:
                add(key, Entry(table_id, "column", column_id))
        for key in spec.header_keys:
            add(key, Entry(table_id, "header", "caption"))
        for row in spec.rows:
            ordinal = label_key(row.label).ordinal
            if ordinal:
                ordinals[(table_id, row.id)] = ordinal
        for block in spec.blocks:
            add(label_key(block.label).key, Entry(table_id, "header", block.id))
        for row in spec.rows:
            if row.group:
                # A printed group header over rows (table 四's 行政诉讼), a header cell like any other.
                add(label_key(row.group).key, Entry(table_id, "header", "group"))
    frozen = {key: tuple(value) for key, value in entries.items()}
    id_keys = {key: tuple(dict.fromkeys(e.id for e in value)) for key, value in frozen.items()}
    # Short row labels ('（七）总计', '3.其他') are found in run-on text only together with their item number.
    numbered = tuple(
        fold(row.label).replace(" ", "")
        for spec in specs.values()
        for row in spec.rows
        if len(label_key(row.label).key) < _SCAN_MIN_KEY and label_key(row.label).ordinal
    )
    return Lexicon(
        version=version,
        specs=MappingProxyType(specs),
        entries=MappingProxyType(frozen),
        scan_re=_scan_pattern(frozen, numbered),
        id_keys=MappingProxyType(id_keys),
        fuzzy_index=FuzzyIndex(id_keys),
        ordinals=MappingProxyType(ordinals),
    )


# Keys shorter than this are not searched inside run-on text: two-character words (其他, 总计) occur inside longer
# labels and prose; the short row labels of table 二 (规章) are the exception, see `_scan_pattern`.
_SCAN_MIN_KEY = 4


def _scan_pattern(entries: Mapping[str, tuple[Entry, ...]], numbered: tuple[str, ...] = ()) -> re.Pattern[str] | None:
    # Table 二's row labels carry no item number, so its short ones (规章) are searched as they are; they are also
    # what glued table-二 text ('规章000行政规范性文件…') starts with.
    short_rows = {k for k, found in entries.items() if any(e.table == "table2" and e.axis == "row" for e in found)}
    keys = [k for k in entries if len(k) >= _SCAN_MIN_KEY or k in short_rows] + list(numbered)
    if not keys:
        return None
    keys.sort(key=len, reverse=True)
    # Scraped labels may carry spaces between any two characters ('商业 企业', '三 、本 年 度').
    alternatives = ["\\s*".join(re.escape(ch) for ch in key) for key in keys]
    return re.compile("|".join(alternatives))


# -- tokens ---------------------------------------------------------------------------------------------------

TokenKind = Literal["label", "value", "blank", "text", "row_end"]


class Token(NamedTuple):
    """One classified piece of a table region: a label, a value, a blank, unknown text or the end of a row."""

    kind: TokenKind
    text: str
    line: int
    entries: tuple[Entry, ...] = ()
    match: LabelMatch | None = None
    number: Number | None = None
    status: CellStatus = "blank"
    # A blank that may be span padding (a trailing empty pipe cell); used only to fill a short row.
    soft: bool = False
    glued: bool = False
    unit_stripped: bool = False
    signed: bool = False


_DIGIT_RUN_RE = re.compile(r"^\d+$")
# Longest label that may carry a definition after a colon; longer heads are sentences.
_DEFINED_LABEL_MAX = 20
# A year ('2019年', '2019年度') inside a header is a word, not a value.
_WORD_OR_NUMBER_RE = re.compile(r"\d{4}年度?|[-+]?\d[\d,]*(?:\.\d+)?(?:万元|元)?|[^\d]+")
_LABEL_CHAR_RE = re.compile(r"[^\d\s.,+\-|]")
_TRAILING_NUMBERS_RE = re.compile(r"^(?P<label>.*?\D)(?P<numbers>(?:\s+[-+]?\d[\d,.]*(?:万元|元)?)+)\s*$")
_ORDINAL_SUFFIX_RE = {
    "paren": lambda o: re.compile(r"\(\s*" + re.escape(o) + r"\s*\)\s*$"),
    "cn": lambda o: re.compile(re.escape(o) + r"\s*[、.]\s*$"),
    "num": lambda o: re.compile(re.escape(o) + r"\s*[.、]\s*$"),
}


class Tokenizer:
    """Turns the raw cells of a region into tokens; each distinct cell text is classified once per lexicon."""

    def __init__(self, lexicon: Lexicon, *, fuzzy: bool) -> None:
        self.lexicon = lexicon
        self.fuzzy = fuzzy

    def tokens(self, region: TableRegion) -> Iterator[Token]:
        """Given a region, yield its tokens in reading order."""
        cells = region.cells
        separators = region.style == "cell_then_pipe_line"
        plain = region.style == "cell_per_line_plain"
        index = 0
        while index < len(cells):
            cell = cells[index]
            if cell.kind == g.PIPE_ROW:
                row_cells = [cell]
                while (
                    index + 1 < len(cells) and cells[index + 1].kind == g.PIPE_ROW and cells[index + 1].row == cell.row
                ):
                    index += 1
                    row_cells.append(cells[index])
                yield from self._pipe_row(row_cells)
            elif cell.kind == g.CELL:
                yield from self._text(cell.text, cell.line)
            elif cell.kind == g.WHITESPACE:
                # In plain cell-per-line pages a whitespace-only line is an empty cell (empty lines separate
                # cells there); elsewhere it may be layout, so it only fills a row that is short.
                yield Token("blank", "", cell.line, soft=not plain)
            elif cell.kind == g.BLANK:
                yield Token("blank", "", cell.line)
            elif cell.kind == g.LONE_PIPE:
                previous = cells[index - 1].kind if index else g.EMPTY
                if not separators or previous in (g.LONE_PIPE, g.EMPTY):
                    # A lone pipe is a blank cell in '|'-suffix pages, but also marks row starts there; soft lets
                    # the row finaliser drop it when the row is already full.
                    yield Token("blank", "", cell.line, soft=True)
            index += 1

    def _pipe_row(self, row_cells: list[RawCell]) -> Iterator[Token]:
        last_content = len(row_cells) - 1
        while last_content >= 0 and not row_cells[last_content].text.strip():
            last_content -= 1
        seen_content = False
        for position, cell in enumerate(row_cells):
            if cell.text.strip():
                seen_content = True
                yield from self._text(cell.text, cell.line)
            elif not cell.text:
                continue  # '||': the padding of a merged cell, never a value of its own
            elif seen_content:
                if position < last_content:
                    yield Token("blank", cell.text, cell.line)
                elif cell.text:
                    # Whitespace after the last content cell: a real empty cell or the space of ' | ' padding.
                    yield Token("blank", cell.text, cell.line, soft=True)
        yield Token("row_end", "", row_cells[0].line)

    def _text(self, text: str, line: int) -> Iterator[Token]:
        # Cells repeat across rows and reports ('0', '规章', headers): classify each distinct text once.
        cache = self.lexicon.token_cache
        key = (self.fuzzy, text)
        tokens = cache.get(key)
        if tokens is None:
            tokens = tuple(self._classify(text, 0))
            if len(cache) >= TOKEN_CACHE_SIZE:
                cache.clear()
            cache[key] = tokens
        for token in tokens:
            # tuple.__new__ skips NamedTuple._replace's keyword handling; this runs once per cell.
            yield tuple.__new__(Token, (token[0], token[1], line, *token[3:]))

    def _classify(self, text: str, line: int) -> Iterator[Token]:
        value = self._value(text, line)
        if value is not None:
            yield value
            return
        key, ordinal = label_key(text)
        if not key and ordinal:
            return  # an item number split from its label ('(三)' then '不予公开' on the next line)
        trailing = _TRAILING_NUMBERS_RE.match(text)
        if trailing and _LABEL_CHAR_RE.search(trailing.group("label")):
            # PDF text and spaced rows: 'label 0 0 0'.
            yield from self._label_text(trailing.group("label"), line)
            yield from self._chunk(trailing.group("numbers"), line)
            return
        yield from self._label_text(text, line)

    def _label_text(self, text: str, line: int) -> Iterator[Token]:
        if g.is_prose(text):
            # A label followed by its definition ('规章:地方行政规章指…。') is still a label; other prose is not.
            head = re.split(r"[:：(（]", text.strip(), maxsplit=1)[0]
            entries, match = self.match(head, fuzzy=False) if len(head) <= _DEFINED_LABEL_MAX else ((), None)
            if entries:
                yield Token("label", head, line, entries=entries, match=match)
            else:
                yield Token("text", text.strip(), line)
            return
        entries, match = self.match(text, fuzzy=False)
        if entries:
            yield Token("label", text.strip(), line, entries=entries, match=match)
            return
        scanned = list(self._scan(text, line))
        if any(token.kind == "label" for token in scanned):
            yield from scanned
            return
        entries, match = self.match(text)
        if entries:
            yield Token("label", text.strip(), line, entries=entries, match=match)
            return
        if match is not None and match.candidates and len(scanned) == 1 and scanned[0].kind == "text":
            # Close to several labels at once: say which, rather than picking one.
            yield scanned[0]._replace(match=match)
            return
        yield from scanned

    def _value(self, text: str, line: int) -> Token | None:
        parsed = parse_value(text)
        if parsed.kind == "text":
            return None
        if parsed.kind == "number":
            digits = "".join(text.split())
            return Token(
                "value",
                text.strip(),
                line,
                number=parsed.number,
                status="value",
                glued=bool(_DIGIT_RUN_RE.match(digits)) and len(digits) > 1,
                unit_stripped=parsed.unit_stripped,
                signed=parsed.signed,
            )
        return Token("blank", text.strip(), line, status=parsed.kind)

    def match(self, text: str, *, fuzzy: bool = True) -> tuple[tuple[Entry, ...], LabelMatch | None]:
        """Return the lexicon entries a label text names (exact, rule, then fuzzy)."""
        key, ordinal = label_key(text)
        if not key:
            return (), None
        entries = self.lexicon.entries.get(key)
        if entries:
            return entries, LabelMatch(
                entries[0].id, text, "exact" if fold(text).strip().endswith(key) else "alias", 1.0, ordinal
            )
        # Labels followed by a definition or note ('规章:地方行政规章指…', '规章(设区的市…)').
        for separator in ("(", ":", ","):
            if separator in key:
                head = key.split(separator, 1)[0]
                entries = self.lexicon.entries.get(head)
                if entries and len(head) >= 2:
                    return entries, LabelMatch(entries[0].id, text, "rule", 1.0, ordinal)
        if fuzzy and self.fuzzy and 4 <= len(key) <= 80:
            return self._fuzzy(text, key, ordinal)
        return (), None

    def _fuzzy(self, text: str, key: str, ordinal: str | None) -> tuple[tuple[Entry, ...], LabelMatch | None]:
        found = fuzzy_match(text, key, ordinal, self.lexicon.id_keys, self.lexicon.fuzzy_index)
        if found.id is None:
            return (), found if found.candidates else None
        entries = tuple(entry for entries in self.lexicon.entries.values() for entry in entries if entry.id == found.id)
        return tuple(dict.fromkeys(entries)), found

    def _scan(self, text: str, line: int) -> Iterator[Token]:
        pattern = self.lexicon.scan_re
        matches = list(pattern.finditer(fold(text))) if pattern is not None else []
        if not matches:
            yield from self._chunk(text, line)
            return
        folded = fold(text)
        # Matching runs on the folded text; values and labels are cut from the text as printed (full-width digits
        # stay in `raw`) whenever folding kept every position, as it does for the full-width ASCII block.
        source = text if len(folded) == len(text) else folded
        position = 0
        for found in matches:
            raw_label = source[found.start() : found.end()]
            entries, match = self.match(raw_label, fuzzy=False)
            chunk = source[position : found.start()]
            if entries:
                kept = _strip_ordinal(folded[position : found.start()], self._expected_ordinal(entries))
                chunk = chunk[: len(kept)]
            yield from self._chunk(chunk, line)
            if entries:
                yield Token("label", raw_label, line, entries=entries, match=match)
            position = found.end()
        yield from self._chunk(source[position:], line)

    def _expected_ordinal(self, entries: tuple[Entry, ...]) -> str | None:
        for entry in entries:
            ordinal = self.lexicon.ordinals.get((entry.table, entry.id))
            if ordinal:
                return ordinal
        return None

    def _chunk(self, chunk: str, line: int) -> Iterator[Token]:
        for piece in chunk.split():
            piece = piece.strip("|")
            if not piece:
                continue
            value = self._value(piece, line)
            if value is not None:
                yield value
                continue
            if ITEM_NUMBER_RE.match(piece):
                # '4.保护第三': a numbered label (here cut off), whose item number is not a value.
                yield Token("text", piece, line)
                continue
            # '总计110024001510102': header words glued to the digits that follow them.
            for part in _WORD_OR_NUMBER_RE.findall(piece):
                value = self._value(part, line)
                if value is not None:
                    yield value
                elif _has_cjk_or_digit(part):
                    yield Token("text", part, line)


def is_fragment(lexicon: Lexicon, text: str) -> bool:
    """Return True for a piece of a header label broken over lines ('商业' / '企业', '于第三项加第四项之和)')."""
    pieces = [label_key(piece).key for piece in text.split()]
    return bool(pieces) and all(piece and any(piece in k for k in lexicon.entries) for piece in pieces)


def _has_cjk_or_digit(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or ch.isdigit() for ch in text)


def _strip_ordinal(chunk: str, ordinal: str | None) -> str:
    """Drop the next label's item number glued to the end of the preceding text ('0000000' + '2.')."""
    stripped = chunk.rstrip()
    for style in ("paren", "cn", "num"):
        if ordinal is None:
            pattern = re.compile(r"(?:\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+[、.])\s*$")
        else:
            pattern = _ORDINAL_SUFFIX_RE[style](ordinal)
        found = pattern.search(stripped)
        if found:
            return stripped[: found.start()]
    return chunk
