"""Read the pre-2019 政府信息公开情况统计表 (indicator | unit | value columns) into a canonical table."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.model import Cell, CellStatus, Number, SourceSpan, Table, UnplacedValue
from govreport_parser.normalize import fold, label_key, parse_value
from govreport_parser.packaged import packaged_json
from govreport_parser.vocabulary import LabelMatch, TableSpec, Vocabulary

TABLE_ID = "stats_table_2014"
VERSION = "legacy_pre2019"
# A region counts as a statistics table without a header or caption only when this many indicator rows carrying
# values match the 2014 list: legacy prose (009, 094, 173) never yields more than one such "row", real tables 10+.
MIN_MATCHED_ROWS = 3
# Share of the 2014 form's value rows that must be seen before the table is treated as that form (canonical order,
# unseen rows added as blank, `complete` meaningful); local early tables (莆田, 平潭 2011) match under a quarter.
FORM_2014_SHARE = 0.5
# A label longer than this, or one holding a sentence end, is prose after the table: the 2014 form's longest label
# (专项经费 with its note) has 44 characters.
MAX_LABEL_CHARS = 80
# Local forms use short labels that differ from the 2014 ones by one meaningful character (行政申诉数 vs 行政诉讼数,
# 网上申请数 vs 网络申请数), which a 0.8 ratio accepts; fuzzy matches of keys shorter than this are refused.
FUZZY_MIN_CHARS = 8
# In 'cell then | line' pages nearly every content line is followed by a lone pipe (same rule as grid.py).
SEPARATOR_PIPE_RATIO = 0.8

_BLANK_KINDS = frozenset({"lone_pipe", "whitespace"})
_SKIP_KINDS = frozenset({"empty", "filler"})
_SENTENCE_END = re.compile(r"[。；;!！?？]")
_SEGMENT_RE = re.compile(r"(?P<paren>\([^()]*\))|(?P<num>\d+(?:\.\d+)?)|(?P<text>[^\d(]+|\()")
_ORDINAL_AFTER_RE = re.compile(r"[.、](?!\d)")
_NEW_ITEM_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d{1,2}[.、](?!\d))")


class RawCellLike(Protocol):
    """What the reader needs of a cell from `govreport_parser.grid` (a `RawCell` satisfies it)."""

    @property
    def text(self) -> str:
        """Cell text."""

    @property
    def line(self) -> int:
        """1-based line in the cleaned text."""

    @property
    def row(self) -> int | None:
        """Physical row index when the flattening keeps rows."""

    @property
    def col(self) -> int | None:
        """Position in the physical row when known."""


@dataclass(frozen=True, slots=True)
class _Words:
    """Compiled non-label words of the statistics tables (data/legacy.json)."""

    anchor: re.Pattern[str]
    caption: re.Pattern[str]
    header: re.Pattern[str]
    header_kinds: tuple[str, ...]
    """Kind of each named group `h<i>` of `header`: indicator, unit, code, period, cumulative or part."""
    units: tuple[str, ...]
    subitem: re.Pattern[str]
    note: re.Pattern[str]


def _spaced(word: str) -> str:
    """Regex for a literal header word whose characters may be separated by spaces ('统 计 指 标')."""
    return r"\s*".join(re.escape(char) for char in word)


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = packaged_json("legacy.json")
    entries: list[tuple[str, str]] = []
    for kind, key in (("indicator", "indicator_headers"), ("unit", "unit_headers"), ("code", "code_headers")):
        entries.extend((_spaced(word), kind) for word in data[key])
    entries.extend((entry["pattern"], entry["kind"]) for entry in data["value_headers"])
    # Longest literal first so 计量单位 wins over 单位 and 本年累计 over 累计.
    entries.sort(key=lambda entry: -len(entry[0]))
    header = "|".join(f"(?P<h{i}>{pattern})" for i, (pattern, _) in enumerate(entries))
    return _Words(
        anchor=re.compile("|".join(_spaced(word) for word in data["anchor_headers"])),
        caption=re.compile("|".join(_spaced(word) for word in data["captions"])),
        header=re.compile(rf"[\s|:]*(?:{header})"),
        header_kinds=tuple(kind for _, kind in entries),
        units=tuple(sorted(data["units"], key=len, reverse=True)),
        subitem=re.compile("^(?:" + "|".join(re.escape(fold(p)) for p in data["subitem_prefixes"]) + ")"),
        note=re.compile("^(?:" + "|".join(re.escape(fold(p)) for p in data["note_prefixes"]) + ")"),
    )


# -- pieces and tokens ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Piece:
    """One cell's folded text, or a blank cell, with where it stood."""

    text: str
    line: int
    blank: bool = False
    row: int | None = None


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    """label, unit, value, blank or rowbreak."""
    text: str
    line: int
    attached: bool = False
    """A value written directly after label or unit text, no separator: the sign of glued cells."""


@dataclass(slots=True)
class _Row:
    """A row being assembled (mutable while reading)."""

    parts: list[str]
    line: int
    unit: str | None = None
    unit_from_label: bool = False
    items: list[_Token] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True, slots=True)
class _Header:
    """Columns after the indicator, as printed."""

    unit: bool = False
    code: bool = False
    values: tuple[tuple[str, str], ...] = ()
    """(printed header, kind) of each value column."""


def _pieces(cells: Sequence[RawCellLike]) -> list[_Piece]:
    kinds = [getattr(cell, "kind", "cell") for cell in cells]
    content = [i for i, kind in enumerate(kinds) if kind == "cell"]
    followed = sum(1 for i in content if i + 1 < len(kinds) and kinds[i + 1] == "lone_pipe")
    pipes_separate = bool(content) and followed / len(content) >= SEPARATOR_PIPE_RATIO
    pieces = []
    for cell, kind in zip(cells, kinds, strict=True):
        if kind in _SKIP_KINDS or (kind == "lone_pipe" and pipes_separate):
            continue
        # NFKC only (full-width digits, brackets and colons to ASCII): fold()'s dash and quote rewrites would change
        # the raw text kept on cells ('—' placeholders).
        text = unicodedata.normalize("NFKC", cell.text)
        blank = kind in _BLANK_KINDS or not text.strip()
        pieces.append(_Piece(text=text, line=cell.line, blank=blank, row=cell.row))
    return pieces


def _start(pieces: Sequence[_Piece], words: _Words) -> tuple[int, int, bool]:
    """Index and offset where the table starts (its header, else just after its caption), and whether found."""
    for pattern, after in ((words.anchor, False), (words.caption, True)):
        for index, piece in enumerate(pieces):
            # The header starts at its first word; a caption is cut after its last mention in the cell (prose
            # before it may name the table too: '…、政府信息公开情况统计表共五个部分组成').
            found = list(pattern.finditer(piece.text))
            if found:
                return index, (found[-1].end() if after else found[0].start()), True
    return 0, 0, False


def _header(pieces: Sequence[_Piece], index: int, offset: int, words: _Words) -> tuple[_Header, int, int]:
    """Consume header words from (index, offset); return the header and where the data begin."""
    unit = code = False
    values: list[tuple[str, str]] = []
    seen_indicator = False
    while index < len(pieces):
        piece = pieces[index]
        if piece.blank:
            index, offset = index + 1, 0
            continue
        match = words.header.match(piece.text, offset)
        if match is None or match.lastgroup is None:
            break
        kind = words.header_kinds[int(match.lastgroup[1:])]
        if kind == "indicator":
            if seen_indicator and values:
                break
            seen_indicator = True
        elif kind == "unit":
            unit = True
        elif kind == "code":
            code = True
        else:
            values.append(("".join(match.group(match.lastgroup).split()), kind))
        offset = match.end()
        if not piece.text[offset:].strip(" |"):
            index, offset = index + 1, 0
    return _Header(unit=unit, code=code, values=tuple(values)), index, offset


def _tokens(pieces: Sequence[_Piece], index: int, offset: int, words: _Words) -> Iterator[_Token]:
    """Yield label, unit, value and blank tokens from (index, offset) on; a physical pipe row ends with rowbreak."""
    ordinal = 0
    previous_row: int | None = None
    for position in range(index, len(pieces)):
        piece = pieces[position]
        if piece.row is not None and previous_row is not None and piece.row != previous_row:
            yield _Token("rowbreak", "", piece.line)
        previous_row = piece.row
        if piece.blank:
            yield _Token("blank", "", piece.line)
            continue
        text = piece.text[offset:] if position == index else piece.text
        tokens: list[_Token] = []
        for chunk in text.split():
            for token in _chunk_tokens(chunk, piece.line, ordinal, words):
                if token.kind == "label":
                    found = _NEW_ITEM_RE.match(words.subitem.sub("", token.text))
                    digits = found.group(0)[:-1] if found else ""
                    if digits.isdigit():
                        ordinal = int(digits)
                tokens.append(token)
        end = _prose_start(tokens, words)
        yield from tokens[:end]
        if end < len(tokens):
            return


def _prose_start(tokens: Sequence[_Token], words: _Words) -> int:
    """Index where prose after the table begins in one cell's tokens (len(tokens) when there is none).

    Prose is a note (注: …), a sentence end or an overlong label; it starts at the first label after the last unit,
    since table rows carry units and a sentence's numbers ('2009年1月1日') do not.
    """
    for index, token in enumerate(tokens):
        if token.kind != "label":
            continue
        if words.note.match(token.text) or len(token.text) > MAX_LABEL_CHARS or _SENTENCE_END.search(token.text):
            last_unit = max((i for i in range(index) if tokens[i].kind == "unit"), default=-1)
            return next(i for i in range(last_unit + 1, index + 1) if tokens[i].kind == "label")
    return len(tokens)


def _chunk_tokens(chunk: str, line: int, ordinal: int, words: _Words) -> Iterator[_Token]:
    """Tokens of one whitespace-free chunk, where labels, units and digits may be glued together."""
    if parse_value(chunk).kind == "placeholder":
        yield _Token("value", chunk, line)
        return
    if chunk in words.units:
        yield _Token("unit", chunk, line)
        return
    buffer = ""
    for match in _SEGMENT_RE.finditer(chunk):
        segment = match.group(0)
        if match.lastgroup != "num":
            buffer += segment
            continue
        ordinal_follows = "." not in segment and _ORDINAL_AFTER_RE.match(chunk, match.end()) is not None
        expected = str(ordinal + 1)
        # An item number opens a label: at the start of the chunk or after a delimiter such as 其中:. Two digits
        # ending in the expected number are a value glued to it ('02.' after item 1 is 0 then 2.).
        opens_label = not buffer or buffer.endswith((":", ")", "其中"))
        plausible = segment in (expected, "1") or not segment.endswith(expected)
        if ordinal_follows and opens_label and len(segment) <= 2 and plausible:
            ordinal = int(segment)
            buffer += segment
            continue
        if buffer:
            yield from _label_tokens(buffer, line, words)
        digits, buffer = segment, ""
        if ordinal_follows:
            # The next label's item number is glued to the value ('00' + '2.政府公报').
            digits = _strip_ordinal(segment, ordinal)
            buffer = segment[len(digits) :]
            ordinal = int(buffer)
        if digits:
            yield _Token("value", digits, line, attached=match.start() > 0)
    if buffer:
        yield from _label_tokens(buffer, line, words)


def _strip_ordinal(digits: str, ordinal: int) -> str:
    from govreport_parser.glued import strip_next_ordinal

    for expected in (str(ordinal + 1), "1"):
        stripped = strip_next_ordinal(digits, expected)
        if stripped != digits:
            return stripped
    return digits[:-1]


def _label_tokens(text: str, line: int, words: _Words) -> Iterator[_Token]:
    if text in words.units:
        yield _Token("unit", text, line)
        return
    for unit in words.units:
        if text.endswith(unit) and len(text) > len(unit) + 1:
            yield _Token("label", text[: -len(unit)], line)
            yield _Token("unit", unit, line, attached=True)
            return
    yield _Token("label", text, line)


def _rows(tokens: Iterator[_Token], words: _Words) -> list[_Row]:
    rows: list[_Row] = []
    current: _Row | None = None
    for token in tokens:
        if token.kind == "rowbreak":
            current = None
            continue
        if token.kind == "label":
            starts_item = bool(_NEW_ITEM_RE.match(token.text) or words.subitem.match(token.text))
            if current is not None and not current.items and current.unit is None and not starts_item:
                current.parts.append(token.text)
                continue
            current = _Row(parts=[token.text], line=token.line)
            rows.append(current)
            continue
        if current is None:
            continue  # blanks and stray values before the first label (rowspan padding, header leftovers)
        if token.kind == "unit" and current.unit is None and not current.items:
            current.unit = token.text
            current.unit_from_label = token.attached
            continue
        current.items.append(token)
    return rows


# -- mapping -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Read:
    """One indicator row as read: its id and the value tokens per value column (None = not written)."""

    id: str
    label: str
    line: int
    values: tuple[_Token | None, ...]
    glued: str | None = None
    fuzzy: LabelMatch | None = None


def cells_to_stats_table(cells: Sequence[RawCellLike], vocabulary: Vocabulary, sink: DiagnosticSink) -> Table | None:
    """Given the cells of a table region of a legacy report, return its statistics table, or None if it has none.

    Rows get the 2014 form's canonical ids where the label matches (a repeated label such as 被依法纠错数 takes the
    id under the item it follows); other indicators keep `?<normalized label>` ids with an L001 diagnostic. Value
    columns are `value`, `value_2`, … in printed order (e.g. `2011年度`, `历年累计`).
    """
    spec = vocabulary.table(VERSION, TABLE_ID)
    if spec is None or not cells:
        return None
    # Diagnostics wait until the region proves to be a statistics table: prose regions must leave no trace.
    pending = DiagnosticSink()
    table = _read(cells, spec, vocabulary, pending)
    if table is not None:
        for item in pending.diagnostics:
            sink.emit(item.code, item.message, span=item.span, severity=item.severity, **item.context)
    return table


def _read(cells: Sequence[RawCellLike], spec: TableSpec, vocabulary: Vocabulary, sink: DiagnosticSink) -> Table | None:
    words = _words()
    pieces = _pieces(cells)
    index, offset, anchored = _start(pieces, words)
    header, index, offset = _header(pieces, index, offset, words)
    rows = _rows(_tokens(pieces, index, offset, words), words)
    if not rows:
        return None
    width = len(header.values) or _infer_width(rows)
    reads, unplaced = _match_rows(rows, spec, vocabulary, header, width, sink)
    matched = sum(1 for r in reads if not r.id.startswith("?") and any(t is not None for t in r.values))
    if not anchored and matched < MIN_MATCHED_ROWS:
        return None
    if not any(any(t is not None for t in r.values) or r.glued for r in reads):
        return None
    columns = tuple("value" if i == 0 else f"value_{i + 1}" for i in range(width))
    if width > 1:
        sink.emit(
            "T012",
            f"{TABLE_ID} has {width} value columns, read as {', '.join(columns)}",
            span=SourceSpan(line_start=rows[0].line, line_end=rows[-1].line, table=TABLE_ID),
            columns=columns,
            headers=tuple(label for label, _ in header.values),
        )
    return _table(reads, unplaced, spec, header, columns, sink)


def _infer_width(rows: Sequence[_Row]) -> int:
    counts = Counter(
        sum(1 for t in row.items if t.kind == "value") for row in rows if any(t.kind == "value" for t in row.items)
    )
    return counts.most_common(1)[0][0] if counts else 1


def _slots(row: _Row, header: _Header, width: int) -> tuple[list[_Token | None], list[_Token]]:
    """Fill the row's value columns from its items; return (values, extra tokens that fit no column)."""
    values: list[_Token | None] = []
    extra: list[_Token] = []
    want_unit = header.unit and row.unit is None
    want_code = header.code
    for token in row.items:
        if token.kind == "unit":
            continue
        if want_unit:
            want_unit = False
            if token.kind == "blank":
                continue  # the unit cell was left empty
        if want_code:
            want_code = False
            continue
        if len(values) < width:
            values.append(None if token.kind == "blank" else token)
        elif token.kind != "blank":
            extra.append(token)
    values.extend([None] * (width - len(values)))
    return values, extra


def _match_rows(
    rows: Sequence[_Row], spec: TableSpec, vocabulary: Vocabulary, header: _Header, width: int, sink: DiagnosticSink
) -> tuple[list[_Read], list[UnplacedValue]]:
    reads: list[_Read] = []
    unplaced: list[UnplacedValue] = []
    top: str | None = None
    for row in _split_merged(rows, spec, vocabulary):
        match = _match(row, spec, vocabulary, top)
        values, extra = _slots(row, header, width)
        numbers = [t for t in values if t is not None]
        if match.id is not None:
            top = _top(spec, match.id)
            if spec.row(match.id).is_group:
                unplaced.extend(_unplaced(t, match.id, row) for t in numbers if parse_value(t.text).kind == "number")
                continue
        if not numbers and match.id is None:
            continue  # a caption, note or group heading of a local form: nothing to keep
        row_id = match.id or "?" + label_key(_strip_subitem(row.label)).key
        glued = None
        single = numbers[0] if len(numbers) == 1 and values[0] is numbers[0] else None
        if width > 1 and single is not None and single.attached and single.text.isdigit() and len(single.text) >= width:
            glued = single.text
        reads.append(
            _Read(
                id=row_id,
                label=row.label,
                line=row.line,
                values=tuple(values),
                glued=glued,
                fuzzy=match if match.method == "fuzzy" else None,
            )
        )
        if extra:
            unplaced.extend(_unplaced(t, row_id, row) for t in extra)
            sink.emit(
                "T005",
                f"{TABLE_ID} row {row.label!r} has {len(numbers) + len(extra)} values for {width} columns; "
                "the extra ones are kept as unplaced",
                span=SourceSpan(line_start=row.line, line_end=row.line, table=TABLE_ID, row=row_id),
                expected=width,
                actual=len(numbers) + len(extra),
            )
    return reads, unplaced


def _split_merged(rows: Sequence[_Row], spec: TableSpec, vocabulary: Vocabulary) -> Iterator[_Row]:
    """Undo label continuation that merged whole labels: '涉及商业秘密' + '涉及个人隐私' when values were dropped."""
    for row in rows:
        if len(row.parts) > 1 and _lookup(row.label, spec, vocabulary).id is None:
            single = [_lookup(part, spec, vocabulary) for part in row.parts]
            if all(m.id is not None or m.candidates for m in single):
                for part in row.parts[:-1]:
                    yield _Row(parts=[part], line=row.line)
                yield _Row(parts=[row.parts[-1]], line=row.line, unit=row.unit, items=row.items)
                continue
        yield row


def _lookup(label: str, spec: TableSpec, vocabulary: Vocabulary) -> LabelMatch:
    match = vocabulary.match_row(label, spec)
    if match.id is None and not match.candidates:
        stripped = _strip_subitem(label)
        if stripped != fold(label).strip():
            match = vocabulary.match_row(stripped, spec)
    if match.method == "fuzzy" and len(label_key(_strip_subitem(label)).key) < FUZZY_MIN_CHARS:
        return LabelMatch(None, label, "none", match.score, match.ordinal)
    return match


def _strip_subitem(label: str) -> str:
    return _words().subitem.sub("", fold(label).strip())


def _match(row: _Row, spec: TableSpec, vocabulary: Vocabulary, top: str | None) -> LabelMatch:
    match = _lookup(row.label, spec, vocabulary)
    if match.id is None and row.unit_from_label and row.unit:
        # The unit split off the label may have been part of it (…文件 ends in 件).
        whole = _lookup(row.label + row.unit, spec, vocabulary)
        if whole.id is not None or whole.candidates:
            row.parts.append(row.unit)
            row.unit = None
            match = whole
    if match.id is None and match.candidates:
        # 维持具体行政行为数 / 被依法纠错数 / 其他情形数 repeat under 四、五、六: take the one under the current item.
        under = [c for c in match.candidates if top is not None and _top(spec, c) == top]
        if len(under) == 1:
            return LabelMatch(under[0], match.raw, "rule", 1.0, match.ordinal)
    return match


def _top(spec: TableSpec, row_id: str) -> str:
    parent = spec.row(row_id).parent
    while parent is not None:
        row_id, parent = parent, spec.row(parent).parent
    return row_id


def _unplaced(token: _Token, row_id: str, row: _Row) -> UnplacedValue:
    return UnplacedValue(
        raw=token.text,
        row=row_id,
        label=row.label,
        span=SourceSpan(line_start=token.line, line_end=token.line, table=TABLE_ID, row=row_id),
    )


# -- glued values and the table ------------------------------------------------------------------------------------


def _split_glued(reads: list[_Read], spec: TableSpec, header: _Header, width: int) -> dict[str, tuple[int, ...] | int]:
    """Split glued rows: each candidate must keep cumulative >= period, then the 2014 sums decide between rows.

    Returns the split per row id, or the number of candidates left when still ambiguous (0 = impossible).
    """
    from govreport_parser.glued import solve_simple

    kinds = [kind for _, kind in header.values] or ["period"] * width
    pairs = [(c, p) for c, kc in enumerate(kinds) if kc == "cumulative" for p, kp in enumerate(kinds) if kp == "period"]
    options: dict[str, list[tuple[int, ...]]] = {}
    for read in reads:
        if read.glued is not None:
            candidates = solve_simple(read.glued, width)
            options[read.id] = [v for v in candidates if all(v[c] >= v[p] for c, p in pairs)]
    known: dict[str, tuple[int, ...]] = {}
    for read in reads:
        if read.glued is None and all(t is not None for t in read.values):
            parsed = [parse_value(t.text).number if t is not None else None for t in read.values]
            if all(isinstance(n, int) for n in parsed):
                known[read.id] = tuple(n for n in parsed if isinstance(n, int))
    changed = True
    while changed:
        changed = False
        for relation in spec.relations:
            if relation.kind == "structural" and "==" in relation.expr:
                changed = _prune_by_sum(relation.expr, options, known, width) or changed
    return {row_id: (found[0] if len(found) == 1 else len(found)) for row_id, found in options.items()}


def _prune_by_sum(
    expr: str, options: dict[str, list[tuple[int, ...]]], known: dict[str, tuple[int, ...]], width: int
) -> bool:
    """Apply `total == a + b + …` to the one glued row of it still open; return True if candidates were removed."""
    left, right = expr.split("==")
    ids = [left.strip(), *(name.strip() for name in right.split("+"))]
    open_ids = [i for i in ids if i in options and len(options[i]) > 1]
    fixed = {i: known[i] if i in known else options[i][0] for i in ids if i in known or len(options.get(i, ())) == 1}
    if len(open_ids) != 1 or len(fixed) != len(ids) - 1:
        return False
    target = open_ids[0]

    def holds(candidate: tuple[int, ...]) -> bool:
        rows = {**fixed, target: candidate}
        return all(rows[ids[0]][c] == sum(rows[i][c] for i in ids[1:]) for c in range(width))

    kept = [v for v in options[target] if holds(v)]
    if kept and len(kept) < len(options[target]):
        options[target] = kept
        return True
    return False


def _table(
    reads: list[_Read],
    unplaced: list[UnplacedValue],
    spec: TableSpec,
    header: _Header,
    columns: tuple[str, ...],
    sink: DiagnosticSink,
) -> Table:
    splits = _split_glued(reads, spec, header, len(columns)) if any(r.glued for r in reads) else {}
    cells: dict[str, list[Cell]] = {}
    order: list[str] = []
    for read in reads:
        span = SourceSpan(line_start=read.line, line_end=read.line, table=TABLE_ID, row=read.id)
        if read.id in cells:
            unplaced.extend(_unplaced(t, read.id, _Row(parts=[read.label], line=read.line)) for t in read.values if t)
            continue
        if read.fuzzy is not None:
            sink.emit(
                "L002",
                f"{TABLE_ID} label {read.label!r} matched {read.id} approximately",
                span=span,
                method="fuzzy",
                score=read.fuzzy.score,
            )
        if read.id.startswith("?"):
            sink.emit(
                "L001",
                f"{TABLE_ID} indicator {read.label!r} is not in the 2014 list; kept as row {read.id!r}",
                span=span,
                label=read.label,
            )
        split = splits.get(read.id) if read.glued is not None else None
        row_cells: list[Cell] = []
        if isinstance(split, tuple):
            sink.emit(
                "T007",
                f"{TABLE_ID} row {read.label!r}: glued digits {read.glued!r} split as {'|'.join(map(str, split))}",
                span=span,
                digits=read.glued,
                split=split,
            )
            for column, number in zip(columns, split, strict=True):
                row_cells.append(_cell(read.id, column, number, "value", read.glued or "", span, inferred=True))
        elif read.glued is not None:
            sink.emit(
                "T008",
                f"{TABLE_ID} row {read.label!r}: glued digits {read.glued!r} have {split or 'no'} possible splits "
                f"over {len(columns)} columns; no values given",
                span=span,
                digits=read.glued,
                candidates=split or 0,
            )
            unplaced.append(UnplacedValue(raw=read.glued, row=read.id, label=read.label, span=span))
            row_cells = [_cell(read.id, column, None, "blank", "", span) for column in columns]
        else:
            for column, token in zip(columns, read.values, strict=True):
                row_cells.append(_value_cell(read.id, column, token, span, sink))
        cells[read.id] = row_cells
        order.append(read.id)
    value_rows = [row.id for row in spec.leaf_rows]
    seen = [row_id for row_id in value_rows if row_id in cells]
    is_2014 = len(seen) >= FORM_2014_SHARE * len(value_rows)
    if is_2014:
        for row_id in value_rows:
            if row_id not in cells:
                cells[row_id] = [_cell(row_id, c, None, "blank", "", SourceSpan(table=TABLE_ID)) for c in columns]
        order = value_rows + [row_id for row_id in order if row_id.startswith("?")]
    lines = [read.line for read in reads]
    return Table(
        id=TABLE_ID,
        cells=tuple(cell for row_id in order for cell in cells[row_id]),
        unplaced=tuple(unplaced),
        span=SourceSpan(line_start=min(lines, default=None), line_end=max(lines, default=None), table=TABLE_ID),
        complete=not is_2014 or len(seen) == len(value_rows),
    )


def _cell(
    row: str,
    column: str,
    value: Number | None,
    status: CellStatus,
    raw: str,
    span: SourceSpan,
    *,
    inferred: bool = False,
) -> Cell:
    return Cell(
        table=TABLE_ID,
        row=row,
        column=column,
        value=value,
        status=status,
        raw=raw,
        span=SourceSpan(line_start=span.line_start, line_end=span.line_end, table=TABLE_ID, row=row, column=column),
        inferred=inferred,
    )


def _value_cell(row: str, column: str, token: _Token | None, span: SourceSpan, sink: DiagnosticSink) -> Cell:
    if token is None:
        return _cell(row, column, None, "blank", "", span)
    parsed = parse_value(token.text)
    if parsed.kind == "number":
        return _cell(row, column, parsed.number, "value", token.text, span)
    if parsed.kind == "placeholder":
        return _cell(row, column, None, "placeholder", token.text, span)
    sink.emit(
        "T009",
        f"{TABLE_ID} row {row}: {token.text!r} is not a number",
        span=SourceSpan(line_start=span.line_start, line_end=span.line_end, table=TABLE_ID, row=row, column=column),
        raw=token.text,
    )
    return _cell(row, column, None, "placeholder", token.text, span)
