"""Find table regions inside sections and split their lines into cells, whatever the flattening style."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from govreport_parser.document import CleanText, Segmented
from govreport_parser.normalize import fold, label_key
from govreport_parser.vocabulary import CANONICAL_TABLES, VERSION_IDS, Vocabulary

# How a line of a table region was written (FORMAT.md §7); the mapper reads blanks differently per kind.
LineKind = str
PIPE_ROW = "pipe_row"  # 'a | b | c |' — one physical row
CELL = "cell"  # one cell on its own line ('a |' or 'a')
LONE_PIPE = "lone_pipe"  # '|' alone: a blank cell, a row marker or a separator, depending on the style
FILLER = "filler"  # '|||' — span padding, never a value
EMPTY = "empty"  # '' — separator in blank-line styles
WHITESPACE = "whitespace"  # '  ' — an empty cell in plain cell-per-line pages
BLANK = "blank"  # whitespace between two pipes of a pipe-terminated region: an empty cell

# Anchors are the format's own captions and headers (from the vocabulary), found in a line once it is folded and
# stripped of whitespace; numbers alone never start a region (prose is full of them). Short keys (规章, 总计) occur in
# ordinary headings and prose, so only keys of this length or more anchor a table.
ANCHOR_MIN_CHARS = 4


@lru_cache(maxsize=8)
def anchor_pattern(vocabulary: Vocabulary) -> re.Pattern[str]:
    """Given the vocabulary, return one regex of every string that marks a table line (compiled once)."""
    keys: set[str] = set()
    for version in VERSION_IDS:
        for table_id in (*CANONICAL_TABLES, "stats_table_2014"):
            spec = vocabulary.table(version, table_id)
            if spec is None:
                continue
            keys.update(spec.header_keys)  # block captions, 信息内容, the 勾稽关系 note, 申请人情况
            if table_id == "table3":
                keys.update(key for key, ids in spec.row_keys.items() if "new_received" in ids)
            elif table_id == "table4":
                keys.update(spec.row_keys)  # 行政复议, 未经复议直接起诉 … are header cells there
                keys.update(spec.column_keys)
            elif table_id == "stats_table_2014":
                keys.update(spec.column_keys)  # 统计指标, 指标名称 …
                if spec.title:
                    keys.add(label_key(spec.title).key)
    usable = sorted((k for k in keys if len(k) >= ANCHOR_MIN_CHARS), key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in usable))


# A prose line: long, no pipe, ends like a sentence. Shorter lines may be wrapped table labels (PDF text).
PROSE_MIN_CHARS = 60
_SENTENCE_END_RE = re.compile(r"[。;；!！?？]\s*$")
_DIGIT_RE = re.compile(r"\d")


class RawCell(NamedTuple):
    """One cell (or, for unseparated text, one line) as it stood in the source.

    A NamedTuple rather than a frozen dataclass: regions hold hundreds of cells and construction is on the hot path.
    """

    text: str
    """Cell text without the pipes around it."""
    line: int
    """1-based line in the cleaned text."""
    kind: LineKind = CELL
    """How the line was written (see the module constants)."""
    row: int | None = None
    """Physical row index inside the region when the flattening keeps rows (pipe rows); else None."""
    col: int | None = None
    """Position inside the physical row when known."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRegion:
    """Consecutive table lines of one section."""

    section_index: int
    """Index into `Segmented.sections`."""
    line_start: int
    line_end: int
    style: str
    """Dominant flattening style id from format.json (`pipe_rows`, `cell_then_pipe_line`, …)."""
    cells: tuple[RawCell, ...]
    at_end: bool = False
    """True when nothing but blank lines follows the region: the document may end inside the table."""


def segments_to_regions(clean: CleanText, segmented: Segmented, vocabulary: Vocabulary) -> tuple[TableRegion, ...]:
    """Given the outline, return the table region of every section that has one, cells split per line."""
    regions = []
    lines = clean.lines
    last_content = next((n for n in range(segmented.report_end, 0, -1) if lines[n - 1].strip()), 0)
    for index, section in enumerate(segmented.sections):
        end = min(section.line_end, segmented.report_end)
        start = _first_anchor(lines, section.body_start, end, anchor_pattern(vocabulary))
        if start is None:
            continue
        end = _trim_trailing_prose(lines, start, end)
        if _pipe_terminated(lines, start, end):
            cells = tuple(_stream_cells(lines, start, end))
            style = _stream_style(lines, start, end)
        else:
            cells = tuple(_split_lines(lines, start, end))
            style = _style_of(cells)
        regions.append(
            TableRegion(
                section_index=index,
                line_start=start,
                line_end=end,
                style=style,
                cells=cells,
                at_end=end >= last_content,
            )
        )
    return tuple(regions)


@lru_cache(maxsize=4096)
def _compact(line: str) -> str:
    return "".join(fold(line).split())


def _first_anchor(lines: tuple[str, ...], start: int, end: int, anchors: re.Pattern[str]) -> int | None:
    for number in range(start, end + 1):
        line = lines[number - 1]
        if "。" in line and "|" not in line:
            continue  # prose, even when it quotes a caption or a row ('本年新收政府信息公开申请80件。')
        compact = _compact(line)
        if anchors.search(compact):
            if is_prose(line):
                continue
            return number
        if line.count("|") >= 3 and _DIGIT_RE.search(line) and len(compact) < 400:
            return number
    return None


def is_prose(text: str) -> bool:
    """Return True for a sentence of report prose (table cells never hold a '。'; prose nearly always does)."""
    if "|" in text:
        return False
    if "。" in text:
        return True
    compact = _compact(text)
    return len(compact) >= PROSE_MIN_CHARS and bool(_SENTENCE_END_RE.search(text))


def _trim_trailing_prose(lines: tuple[str, ...], start: int, end: int) -> int:
    # Empty lines go; a whitespace-only line stays: in plain cell-per-line pages it is an empty cell.
    while end > start and (not lines[end - 1] or is_prose(lines[end - 1])):
        end -= 1
    return end


# When nearly every line of a region ends with a pipe, the pipes alone delimit cells and line breaks are only layout:
# a cell split over lines ('商业\n企业'), a lone '|' line and a '| 25 |' continuation all read the same way. 0.8
# tolerates a truncated last line and a caption without its pipe.
PIPE_TERMINATED_SHARE = 0.8


def _pipe_terminated(lines: tuple[str, ...], start: int, end: int) -> bool:
    content = [line.strip() for line in lines[start - 1 : end] if line.strip()]
    if not content:
        return False
    # A line is closed by a pipe at its end, or by a lone '|' on the next line (the 'cell then | line' style).
    closed = sum(
        1 for line, after in zip(content, [*content[1:], ""], strict=True) if line.endswith("|") or after == "|"
    )
    return closed >= PIPE_TERMINATED_SHARE * len(content)


def _stream_cells(lines: tuple[str, ...], start: int, end: int) -> list[RawCell]:
    """Split a pipe-terminated region on its pipes: text between two pipes is one cell, whatever the line breaks."""
    cells: list[RawCell] = []
    number = start
    # RawCell fields are passed by position: keyword construction of a NamedTuple costs more, once per cell.
    for segment in "\n".join(lines[start - 1 : end]).split("|"):
        stripped = segment.strip()
        newlines = segment.count("\n")
        if stripped:
            line = number
            if newlines:
                lead = len(segment) - len(segment.lstrip())
                line += segment.count("\n", 0, lead)
            if not _is_markdown_rule(stripped):
                cells.append(RawCell(stripped, line, CELL))
        elif segment:
            cells.append(RawCell("", number + newlines, BLANK))
        else:
            cells.append(RawCell("", number, FILLER))
        number += newlines
    return cells


def _stream_style(lines: tuple[str, ...], start: int, end: int) -> str:
    content = [line.strip() for line in lines[start - 1 : end] if line.strip()]
    lone = sum(1 for line in content if line == "|")
    rows = sum(1 for line in content if line.strip("|").count("|") >= 1)
    if rows >= len(content) / 2:
        return "pipe_rows"
    if lone >= len(content) / 3:
        return "cell_then_pipe_line"
    return "cell_per_line_pipe_suffix"


def _split_lines(lines: tuple[str, ...], start: int, end: int) -> list[RawCell]:
    # RawCell fields by position, as in `_stream_cells`.
    cells: list[RawCell] = []
    row = 0
    for number in range(start, end + 1):
        line = lines[number - 1]
        stripped = line.strip()
        if not line:
            cells.append(RawCell("", number, EMPTY))
        elif not stripped:
            cells.append(RawCell("", number, WHITESPACE))
        elif set(stripped) <= {"|", " "}:
            kind = LONE_PIPE if stripped == "|" else FILLER
            cells.append(RawCell("", number, kind))
        elif _is_markdown_rule(stripped):
            continue
        else:
            parts = stripped.split("|")
            if parts[-1].strip() == "" and len(parts) == 2:
                # 'cell |' — one cell per line with a pipe suffix.
                cells.append(RawCell(parts[0], number, CELL))
            elif len(parts) == 1:
                cells.append(RawCell(line, number, CELL))
            else:
                if parts[-1] == "":
                    parts = parts[:-1]
                for col, part in enumerate(parts):
                    cells.append(RawCell(part, number, PIPE_ROW, row, col))
                row += 1
    return cells


def _is_markdown_rule(text: str) -> bool:
    # '---|---|' separator lines of markdown tables; a lone '-' is a placeholder value, not a rule.
    return text.count("-") >= 3 and not text.strip("-|: ")


def _style_of(cells: tuple[RawCell, ...]) -> str:
    pipe_rows = len({cell.row for cell in cells if cell.kind == PIPE_ROW})
    singles = sum(1 for cell in cells if cell.kind == CELL)
    lone = sum(1 for cell in cells if cell.kind == LONE_PIPE)
    if pipe_rows and pipe_rows >= singles:
        return "pipe_rows"
    if lone and _separator_pipes(cells):
        return "cell_then_pipe_line"
    if any(cell.kind in (LONE_PIPE, FILLER) for cell in cells) or _suffix_ratio(cells) > 0.5:
        return "cell_per_line_pipe_suffix"
    return "cell_per_line_plain"


def _suffix_ratio(cells: tuple[RawCell, ...]) -> float:
    singles = [cell for cell in cells if cell.kind == CELL]
    return 0.0 if not singles else sum(1 for c in singles if c.text != c.text.rstrip()) / len(singles)


# In the 'cell then | line' style nearly every content line is followed by a lone pipe; 0.8 tolerates a few cells
# whose separator line was lost, while '| '-suffix pages (a lone pipe only between rows) stay far below it.
SEPARATOR_PIPE_RATIO = 0.8


def _separator_pipes(cells: tuple[RawCell, ...]) -> bool:
    content = [i for i, cell in enumerate(cells) if cell.kind == CELL]
    if not content:
        return False
    followed = sum(1 for i in content if i + 1 < len(cells) and cells[i + 1].kind == LONE_PIPE)
    return followed / len(content) >= SEPARATOR_PIPE_RATIO
