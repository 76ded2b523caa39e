"""Find the report in an HTML page and render it as text lines, tables as pipe rows."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

# lxml is the HTML path's own dependency; this module is imported only when a page is parsed (see pipeline).
from lxml import etree

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import HtmlDocument
from govreport_parser.model import Grid, SourceSpan

if TYPE_CHECKING:
    from lxml.etree import _Element as HtmlElement

# The largest real report page in the samples is 111 KB; 8 M characters leaves ~70x headroom while keeping the worst
# case (one lxml parse plus one walk) well under a few seconds.
MAX_HTML_CHARS = 8_000_000
# Real pages nest at most ~40 elements deep; libxml2 refuses to go beyond 256 and we report that as H003.
DEPTH_ERROR = "Excessive depth"
# HTML caps colspan at 1000 and real report tables have at most 16 columns (table 4 has 15); a grid wider or
# larger than this is hostile or broken, so it is clipped (H002).
MAX_COLUMNS = 64
MAX_GRID_CELLS = 20_000
# Real report pages hold 700-2,000 elements (013.html, 020.html); past 200,000 the rest of the page is not walked, which
# bounds the time spent on a hostile page to well under a second.
MAX_ELEMENTS = 200_000
# A table cell longer than this holds page layout (a report section), not a table value: 400 characters is about
# four lines of prose, far above the longest label of tables 二/三/四 (~60 characters).
LAYOUT_CELL_CHARS = 400
# A chrome-classed element holding more text than this is a mislabelled wrapper, not a widget, and is kept.
CHROME_MAX_CHARS = 300
# Lines shorter than this do not count toward text density (menus, dates, single links).
DENSITY_MIN_LINE = 20
# The densest block must hold at least this much text to be trusted as the article (two short paragraphs).
DENSITY_MIN_CHARS = 200
# Tags that separate words in a cell ('商业<p>企业</p>' reads '商业 企业'); inline tags do not ('申请人情<span>况').
CELL_BLOCK_TAGS = ("p", "br", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6")
CELL_TAGS = frozenset({"td", "th"})
# The page root never counts as chrome, whatever class a CMS gives it.
ROOT_TAGS = frozenset({"html", "body"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SPAN_NUMBER = re.compile(r"\s*(\d{1,7})")
# Report titles seen run from '2019年年报' (7 characters) to ~60 characters with a long agency name.
TITLE_LENGTH = (6, 100)
TITLE_YEAR = re.compile(r"(?:19|20)\d\d\s*年")
# The title sits above the first paragraph; pages put a date or source line or two in between.
TITLE_SEARCH_LINES = 5
TITLE_SEPARATORS = re.compile(r"\s*[-_|｜—–]+\s*")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Rules:
    """Page-structure vocabulary compiled from data/html.json."""

    drop_tags: frozenset[str]
    block_tags: frozenset[str]
    content_ids: frozenset[str]
    content_classes: frozenset[str]
    chrome_exact: frozenset[str]
    chrome_prefixes: tuple[str, ...]
    title_classes: frozenset[str]
    heading: re.Pattern[str]
    title_keywords: tuple[str, ...]


@cache
def _rules() -> _Rules:
    data = json.loads(resources.files("govreport_parser").joinpath("data/html.json").read_text(encoding="utf-8"))
    chrome = [token.lower() for token in data["chrome_tokens"]]
    keywords = "|".join(re.escape(word) for word in data["heading_keywords"])
    heading = re.compile(rf"^[{data['heading_numerals']}]{{1,2}}\s*[、.．，,]\s*[^|]{{0,30}}?(?:{keywords})")
    return _Rules(
        drop_tags=frozenset(data["drop_tags"]),
        block_tags=frozenset(data["block_tags"]),
        content_ids=frozenset(data["content_ids"]),
        content_classes=frozenset(data["content_classes"]),
        chrome_exact=frozenset(token for token in chrome if not token.endswith("*")),
        chrome_prefixes=tuple(token[:-1] for token in chrome if token.endswith("*")),
        title_classes=frozenset(data["title_classes"]),
        heading=heading,
        title_keywords=tuple(data["title_keywords"]),
    )


@dataclass(slots=True)
class _Line:
    text: str
    owner: Any
    """The innermost block element (or table) the line came from; used to find the main block."""
    table: int | None = None
    """Index into `_Walk.tables` when the line is a table row."""


@dataclass(slots=True)
class _Slot:
    """One grid position: the text of the cell covering it and that cell's origin (row, column)."""

    text: str
    row: int
    column: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpandedTable:
    """A table with rowspan/colspan expanded: every position knows the cell covering it and where that cell starts."""

    slots: tuple[tuple[_Slot, ...], ...]
    repairs: tuple[str, ...] = ()
    """What was malformed and repaired (ragged rows, bad spans, stray cells…), for H002."""

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        """Cell texts with spanned cells repeated in every position they cover."""
        return tuple(tuple(slot.text for slot in row) for row in self.slots)

    def pipe_rows(self) -> tuple[str, ...]:
        """Return one `cell | cell |` line per row, in the scraped pipe-row convention the text path reads.

        A cell is ` text |` (an empty cell ` |`, read as blank); a position covered by a span but not its origin is
        a bare `|` glued to the previous pipe (read as span padding, never as a value).
        """
        lines = []
        for r, row in enumerate(self.slots):
            parts = [(f" {slot.text} |" if slot.row == r and slot.column == c else "|") for c, slot in enumerate(row)]
            lines.append("".join(parts).strip())
        return tuple(lines)


@dataclass(slots=True)
class _Walk:
    """State of one walk over the page: the lines rendered so far and the tables met."""

    rules: _Rules
    sink: DiagnosticSink
    lines: list[_Line] = field(default_factory=list)
    tables: list[ExpandedTable] = field(default_factory=list)
    containers: list[Any] = field(default_factory=list)
    visited: int = 0
    truncated: bool = False


def html_to_document(html: str, sink: DiagnosticSink) -> HtmlDocument:
    """Given page HTML, return its main content as text lines (tables as pipe rows), its title and its grids."""
    if len(html) > MAX_HTML_CHARS:
        sink.emit("H003", f"page of {len(html)} characters truncated to {MAX_HTML_CHARS}", size=len(html))
        html = html[:MAX_HTML_CHARS]
    root = _parse(html, sink)
    if root is None:
        return _fallback(html, sink)
    rules = _rules()
    walk = _Walk(rules=rules, sink=sink)
    body = root.find("body")
    top = body if body is not None else root
    # Read the page title before pruning: <head> and <title> are dropped with the rest of the non-content.
    page_title = _title(root, rules)
    _prune(top, walk)
    _render(top, walk)
    start, end = _main_block(walk, sink)
    lines = walk.lines[start:end]
    texts = [line.text for line in lines]
    title = page_title or _title_in(texts, rules)
    offset = 1
    if title is not None and not any(_compact(title) in _compact(text) for text in texts[:8]):
        texts.insert(0, title)
        offset = 2
    grids: list[Grid] = []
    first_row: dict[int, int] = {}
    last_row: dict[int, int] = {}
    for number, line in enumerate(lines, start=offset):
        if line.table is not None:
            first_row.setdefault(line.table, number)
            last_row[line.table] = number
    for index, line_start in first_row.items():
        span = SourceSpan(line_start=line_start, line_end=last_row[index])
        grids.append(Grid(rows=walk.tables[index].rows, span=span))
    return HtmlDocument(title=title, text="\n".join(texts), grids=tuple(grids))


def expand_table(table: HtmlElement) -> ExpandedTable:
    """Given a <table> element, return its grid with spans expanded and malformed structure repaired."""
    return _expand(table)


def _parse(html: str, sink: DiagnosticSink) -> HtmlElement | None:
    # lxml refuses str input that carries an XML encoding declaration, and NUL/control characters; neither is text.
    html = XML_DECLARATION.sub("", html, count=1)
    if CONTROL_CHARS.search(html):
        html = CONTROL_CHARS.sub(" ", html)
    # The HTML parser never fetches DTDs or entities; no_network makes that explicit. Comments and processing
    # instructions are dropped at parse time so the walk never sees them. Plain etree elements, not lxml.html's
    # element classes: the class lookup alone would cost a third of the walk.
    parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(html, parser=parser)
    except (ValueError, etree.ParserError, etree.XMLSyntaxError):
        return None
    if root is None:
        return None
    if any(DEPTH_ERROR in entry.message for entry in parser.error_log):
        sink.emit("H003", "the page nests elements beyond the parser's depth limit; deeper content was cut")
    return root


def _fallback(html: str, sink: DiagnosticSink) -> HtmlDocument:
    """Return what bs4 can read from markup lxml would not build a tree for (empty or comment-only pages)."""
    from bs4 import BeautifulSoup

    sink.emit("H001", "no HTML document could be built; the page text was used as is")
    soup = BeautifulSoup(html, "html.parser")
    text = "\n".join(" ".join(line.split()) for line in soup.get_text("\n").splitlines() if line.strip())
    return HtmlDocument(title=None, text=text)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _compact(text: str) -> str:
    return "".join(text.split())


def _tokens(element: HtmlElement) -> list[str]:
    tokens = (element.get("class") or "").lower().split()
    identifier = element.get("id")
    if identifier:
        tokens.append(identifier.lower())
    return tokens


def _is_chrome(element: HtmlElement, rules: _Rules) -> bool:
    tokens = _tokens(element)
    if not tokens:
        return False
    hit = any(token in rules.chrome_exact or token.startswith(rules.chrome_prefixes) for token in tokens)
    return hit and len(_text_of(element)) <= CHROME_MAX_CHARS


def _is_hidden(element: HtmlElement) -> bool:
    style = element.get("style")
    if style and HIDDEN_STYLE.search(style):
        return True
    return element.get("hidden") is not None


def _is_container(element: HtmlElement, rules: _Rules) -> bool:
    identifier = element.get("id") or ""
    if identifier.lower() in rules.content_ids:
        return True
    classes = element.get("class") or ""
    return any(token in rules.content_classes for token in classes.lower().split())


def _prune(root: HtmlElement, walk: _Walk) -> None:
    """Drop what never holds report text: non-content tags, hidden elements, site-chrome widgets.

    Candidates are found by C-level iteration and XPath, so Python only looks at the few elements that matter.
    """
    rules = walk.rules
    count = int(root.xpath("count(.//*)"))  # type: ignore[arg-type]
    if count > MAX_ELEMENTS:
        walk.sink.emit("H003", f"the page has {count} elements; only the first {MAX_ELEMENTS} were read")
    doomed = list(root.iter(*rules.drop_tags))
    for element in root.xpath(".//*[@style or @hidden]"):  # type: ignore[union-attr]
        if _is_hidden(element):  # type: ignore[arg-type]
            doomed.append(element)  # type: ignore[arg-type]
    for element in root.xpath(".//*[@class or @id]"):  # type: ignore[union-attr]
        if element.tag not in ROOT_TAGS and _is_chrome(element, rules):  # type: ignore[union-attr, arg-type]
            doomed.append(element)  # type: ignore[arg-type]
    for element in doomed:
        if element.getparent() is not None:
            _drop(element)


def _drop(element: HtmlElement) -> None:
    """Remove `element` and its subtree but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _text_of(element: HtmlElement) -> str:
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _render(root: HtmlElement, walk: _Walk) -> None:
    """Walk `root` without recursion and append its lines (text blocks and table rows) to `walk`."""
    rules = walk.rules
    buffer: list[str] = []
    blocks: list[Any] = [root]
    lines = walk.lines

    def flush() -> None:
        if buffer:
            text = _squash("".join(buffer))
            buffer.clear()
            if text:
                lines.append(_Line(text=text, owner=blocks[-1]))

    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if closing:
            if element.tag in rules.block_tags:
                flush()
                blocks.pop()
            if element is not root and element.tail:
                buffer.append(element.tail)
            continue
        walk.visited += 1
        if walk.visited > MAX_ELEMENTS:
            walk.truncated = True
            walk.sink.emit("H003", f"the page has more than {MAX_ELEMENTS} elements; the rest was not read")
            break
        tag = element.tag
        if tag == "table" and element is not root:
            flush()
            if _table(element, walk):
                if element.tail:
                    buffer.append(element.tail)
                continue
        if tag in rules.block_tags:
            flush()
            blocks.append(element)
            if _is_container(element, rules):
                walk.containers.append(element)
        if element.text:
            buffer.append(element.text)
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    flush()


def _table(table: HtmlElement, walk: _Walk) -> bool:
    """Render a data table as pipe rows into `walk`; return False for a layout table (walked as blocks instead)."""
    if table.find(".//table") is not None:
        # A table that holds tables is page layout (old CMS templates): its cells are rendered as ordinary blocks.
        return False
    expanded = _expand(table)
    if not expanded.slots:
        return True
    if len(expanded.slots[0]) == 1 or any(len(slot.text) > LAYOUT_CELL_CHARS for row in expanded.slots for slot in row):
        # One column (a boxed note, a breadcrumb bar) or prose-sized cells: layout, not one of the report's tables.
        return False
    if expanded.repairs:
        walk.sink.emit("H002", "malformed table repaired: " + ", ".join(expanded.repairs), repairs=expanded.repairs)
    index = len(walk.tables)
    walk.tables.append(expanded)
    caption = table.find("caption")
    if caption is not None:
        text = _squash(_text_of(caption))
        if text:
            walk.lines.append(_Line(text=text, owner=table))
    walk.lines.extend(_Line(text=line, owner=table, table=index) for line in expanded.pipe_rows())
    return True


def _origin_texts(expanded: ExpandedTable) -> list[list[str]]:
    return [
        [slot.text if slot.row == r and slot.column == c else "" for c, slot in enumerate(row)]
        for r, row in enumerate(expanded.slots)
    ]


def _owning(element: HtmlElement, tags: tuple[str, ...], stop: HtmlElement) -> HtmlElement | None:
    """Return the nearest ancestor of `element` whose tag is in `tags`, or None if `stop` comes first."""
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return parent
        if parent is stop:
            return None
        parent = parent.getparent()
    return None


def _rows(table: HtmlElement) -> tuple[list[list[HtmlElement]], list[str]]:
    """Return the cells of `table` row by row (its own rows only, never a nested table's), and repairs made."""
    rows: list[list[HtmlElement]] = []
    repairs: list[str] = []
    current: HtmlElement | None = None
    stray_open = False
    for element in table.iter("tr", "td", "th"):
        if element.tag == "tr":
            if _owning(element, ("table",), table) is table:
                current = element
                rows.append([])
                stray_open = False
            continue
        owner = _owning(element, ("tr", "table"), table)
        if owner is table:
            # No <tr> between the cell and our table: a stray cell, collected into a row of its own.
            if not stray_open:
                rows.append([])
                stray_open = True
                repairs.append("cells outside <tr>")
            rows[-1].append(element)
        elif current is not None and owner is current:
            rows[-1].append(element)
    return rows, repairs


def _span(value: str | None, name: str, repairs: list[str]) -> int:
    if value is None:
        return 1
    match = SPAN_NUMBER.match(value)
    if match is None:
        repairs.append(f"{name}={value[:20]!r}")
        return 1
    number = int(match.group(1))
    if number == 0 and name == "colspan":
        repairs.append("colspan=0")
        return 1
    return number


def _multi_block_cells(table: HtmlElement) -> set[int]:
    """Given a table, return the ids of its cells holding two or more blocks, whose words need separating."""
    seen: dict[int, int] = {}
    for element in table.iter(*CELL_BLOCK_TAGS):
        # A lone block still needs separating when something sits beside it ('结果<p>纠正</p>').
        parent = element.getparent()
        alone = (
            element.tag != "br"
            and element.getprevious() is None
            and not (element.tail or "").strip()
            and parent is not None
            and not (parent.text or "").strip()
        )
        while parent is not None and parent.tag not in CELL_TAGS:
            parent = parent.getparent()
        if parent is not None:
            key = id(parent)
            seen[key] = seen.get(key, 0) + (1 if alone else 2)
    return {key for key, count in seen.items() if count > 1}


def _cell_text(cell: HtmlElement, separate: bool) -> str:
    """Given a table cell, return its text on one line: block boundaries inside it become spaces."""
    if not separate:
        # The usual Word/CMS cell '<td><p><span>821</span></p></td>': its text in one C call.
        text = etree.tostring(cell, method="text", encoding=str, with_tail=False)
    else:
        parts: list[str] = []
        for event, element in etree.iterwalk(cell, events=("start", "end")):
            block = element.tag in CELL_BLOCK_TAGS
            if event == "start":
                if block:
                    parts.append(" ")
                parts.append(element.text or "")
            else:
                if block:
                    parts.append(" ")
                if element is not cell:
                    parts.append(element.tail or "")
        text = "".join(parts)
    return _squash(text).replace("|", "｜")


def _expand(table: HtmlElement) -> ExpandedTable:
    rows, repairs = _rows(table)
    multi = _multi_block_cells(table)
    while rows and not rows[-1]:
        rows.pop()
    height = len(rows)
    occupied: dict[tuple[int, int], _Slot] = {}
    width = 0
    ragged = False
    clipped = False
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in occupied:
                c += 1
            colspan_value, rowspan_value = cell.get("colspan"), cell.get("rowspan")
            colspan = 1 if colspan_value is None else _span(colspan_value, "colspan", repairs)
            rowspan = 1 if rowspan_value is None else _span(rowspan_value, "rowspan", repairs)
            # rowspan=0 and spans past the last row both mean "to the end of the table".
            if rowspan == 0 or r + rowspan > height:
                rowspan = height - r
            if c + colspan > MAX_COLUMNS or len(occupied) + colspan * rowspan > MAX_GRID_CELLS:
                colspan = max(1, min(colspan, MAX_COLUMNS - c))
                rowspan = 1
                clipped = True
                if c >= MAX_COLUMNS or len(occupied) >= MAX_GRID_CELLS:
                    break
            slot = _Slot(text=_cell_text(cell, id(cell) in multi), row=r, column=c)
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.setdefault((r + dr, c + dc), slot)
            c += colspan
        width = max(width, c)
    if clipped:
        repairs.append("oversized spans clipped")
    grid: list[tuple[_Slot, ...]] = []
    for r in range(height):
        row = []
        for c in range(width):
            found = occupied.get((r, c))
            if found is None:
                ragged = True
                found = _Slot(text="", row=r, column=c)
            row.append(found)
        grid.append(tuple(row))
    if ragged:
        repairs.append("ragged rows padded")
    return ExpandedTable(slots=tuple(grid), repairs=tuple(dict.fromkeys(repairs)))


def _contains(ancestor: Any, element: Any) -> bool:
    while element is not None:
        if element is ancestor:
            return True
        element = element.getparent()
    return False


def _common_ancestor(elements: list[Any]) -> Any:
    chains = []
    for element in elements:
        chain = []
        while element is not None:
            chain.append(element)
            element = element.getparent()
        chains.append(chain[::-1])
    common = None
    for level in zip(*chains, strict=False):
        if all(item is level[0] for item in level):
            common = level[0]
        else:
            break
    return common


def _main_block(walk: _Walk, sink: DiagnosticSink) -> tuple[int, int]:
    """Given the rendered page, return the [start, end) line range of the report.

    The block is found from the report's own headings, else a known content container, else the densest block.
    """
    lines = walk.lines
    if not lines:
        return 0, 0
    heading_rule = walk.rules.heading
    owners = []
    numerals: set[str] = set()
    for line in lines:
        if line.table is None and len(line.text) <= 80 and heading_rule.match(line.text):
            owners.append(line.owner)
            numerals.add(line.text[0])
    block = None
    if len(numerals) >= 2:
        block = _common_ancestor(owners)
    if block is None and walk.containers:
        block = max(walk.containers, key=lambda element: _text_in(lines, element))
        if _text_in(lines, block) < DENSITY_MIN_CHARS:
            block = None
    if block is None:
        block = _densest(lines)
    if block is None:
        sink.emit("H001", "no main content block found in the page; the whole body was used")
        return 0, len(lines)
    return _range_of(lines, block)


def _text_in(lines: list[_Line], element: Any) -> int:
    return sum(len(line.text) for line in lines if _contains(element, line.owner))


def _densest(lines: list[_Line]) -> Any:
    scores: dict[int, int] = {}
    parents: dict[int, Any] = {}
    for line in lines:
        if len(line.text) < DENSITY_MIN_LINE:
            continue
        parent = line.owner.getparent() if line.table is None else line.owner
        if parent is None:
            continue
        key = id(parent)
        parents[key] = parent
        scores[key] = scores.get(key, 0) + len(line.text)
    if not scores:
        return None
    key = max(scores, key=lambda item: scores[item])
    return parents[key] if scores[key] >= DENSITY_MIN_CHARS else None


def _range_of(lines: list[_Line], block: Any) -> tuple[int, int]:
    # Lines of one subtree are contiguous in document order.
    inside = [index for index, line in enumerate(lines) if _contains(block, line.owner)]
    if not inside:
        return 0, len(lines)
    return inside[0], inside[-1] + 1


def _title(root: HtmlElement, rules: _Rules) -> str | None:
    """Given the page, return the report title from its headings or <title>, or None."""
    candidates: list[str] = []
    for element in root.iter("h1", "h2", "h3"):
        candidates.append(_squash(_text_of(element)))
    for element in root.iter("title"):
        # Page titles carry the site name after a separator: '…年度报告-沭阳县发改局'.
        candidates.extend(TITLE_SEPARATORS.split(_squash(_text_of(element))))
    named = [
        text for text in candidates if TITLE_LENGTH[0] <= len(text) <= TITLE_LENGTH[1] and _names_report(text, rules)
    ]
    # A menu entry such as '政府信息公开年报' also names a report; the report's own title carries its year.
    dated = [text for text in named if TITLE_YEAR.search(text)]
    if dated or named:
        return (dated or named)[0]
    return None


def _title_in(texts: list[str], rules: _Rules) -> str | None:
    """Given the first lines of the main block, return the one that is the report title, or None."""
    for text in texts[:TITLE_SEARCH_LINES]:
        if TITLE_LENGTH[0] <= len(text) <= TITLE_LENGTH[1] and _names_report(text, rules) and TITLE_YEAR.search(text):
            return text
    return None


def _names_report(text: str, rules: _Rules) -> bool:
    return any(keyword in text for keyword in rules.title_keywords)
