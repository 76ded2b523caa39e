"""Find the report in an HTML page and render it as text lines, tables as pipe rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, AnyStr, NamedTuple

# lxml is the HTML path's own dependency; this module is imported only when a page is parsed (see pipeline).
from lxml import etree

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import HtmlDocument
from govreport_parser.model import Grid, SourceSpan
from govreport_parser.packaged import packaged_json

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
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
HIDDEN_STYLE_PROPERTIES = ("display", "visibility")
# A style that hides its element, found in a lower-cased page source (see `_may_hide`).
HIDING_DISPLAY_AT = re.compile(rb"display\s*:\s*none")
HIDING_VISIBILITY_BEFORE = re.compile(rb"visibility\s*:\s*hidden")
# Control characters are not text, and libxml2 refuses some of them: each becomes a space (in UTF-8 they are
# single bytes).
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
CONTROL_BYTES_TO_SPACE = bytes.maketrans(CONTROL_BYTES, b" " * len(CONTROL_BYTES))
# Noncharacters (never text) that delimit rows, cells and span fields in the output of the table pass; a table whose
# text holds one (spelled as a character reference) is read element by element instead (see `_written_cells`).
ROW_END, CELL_END, FIELD_END, SPAN = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"
SPAN_DIGITS = 7
SPAN_NUMBER = re.compile(rf"\s*(\d{{1,{SPAN_DIGITS}}})")
# Queries run in C: Python looks at what they return, not at every element.
COUNT_CELLS = etree.XPath("count(.//td | .//th)")
HOLDS_DELIMITER = etree.XPath(" or ".join(f"contains(., '{mark}')" for mark in (ROW_END, CELL_END, FIELD_END, SPAN)))
STYLE_ATTRIBUTES = etree.XPath(".//@style")
HIDDEN_ATTRIBUTES = etree.XPath(".//@hidden")
CLASS_AND_ID_ATTRIBUTES = etree.XPath(".//@class | .//@id")
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
    data = packaged_json("html.json")
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


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpandedTable:
    """A table with rowspan/colspan expanded: every position holds the text of the cell covering it."""

    rows: tuple[tuple[str, ...], ...]
    """Cell texts with spanned cells repeated in every position they cover."""
    merged: tuple[tuple[int, int, int, int], ...] = ()
    """Every cell covering more than one position, as placed: (row, column, rows spanned, columns spanned)."""
    repairs: tuple[str, ...] = ()
    """What was malformed and repaired (ragged rows, bad spans, stray cells…), for H002."""
    lines: tuple[str, ...] = ()
    """The rows as `cell | cell |` lines, in the scraped pipe-row convention the text path reads: a cell is
    ` text |` (an empty cell ` |`, read as blank); a position a span covers but does not start is a bare `|` glued
    to the previous pipe (read as span padding, never as a value)."""

    longest_cell: int = 0
    """The length of the longest cell text (prose-sized cells mark a layout table)."""


def _pipe_lines(rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> tuple[str, ...]:
    """Return the pipe-row lines of an expanded table (see `ExpandedTable.lines`)."""
    padding = _span_padding(merged)
    lines = []
    for r, texts in enumerate(rows):
        padded = padding.get(r)
        if padded is None:
            lines.append(_pipe_run(texts).strip())
        else:
            lines.append("".join("|" if c in padded else f" {text} |" for c, text in enumerate(texts)).strip())
    return tuple(lines)


def _pipe_run(texts: list[str]) -> str:
    """Return cells that each start their own position as ` text |` pieces, joined (` a | b |`)."""
    return " " + " | ".join(texts) + " |"


def _span_padding(merged: list[tuple[int, int, int, int]]) -> dict[int, set[int]]:
    """Given merged ranges in placing order, return the columns of each row that repeat a spanning cell.

    Where ranges overlap (malformed tables), the earlier cell kept the position, as in `_expand`.
    """
    claimed: set[tuple[int, int]] = set()
    padding: dict[int, set[int]] = {}
    for row, column, height, width in merged:
        for r in range(row, row + height):
            for c in range(column, column + width):
                if (r, c) in claimed:
                    continue
                claimed.add((r, c))
                if (r, c) != (row, column):
                    padding.setdefault(r, set()).add(c)
    return padding


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


def html_to_document(html: str, sink: DiagnosticSink, *, utf8: bytes | None = None) -> HtmlDocument:
    """Given page HTML, return its main content as text lines (tables as pipe rows), its title and its grids.

    `utf8` may give the same page as UTF-8 bytes (the source bytes of a UTF-8 page), which saves encoding it again.
    """
    if len(html) > MAX_HTML_CHARS:
        sink.emit("H003", f"page of {len(html)} characters truncated to {MAX_HTML_CHARS}", size=len(html))
        html = html[:MAX_HTML_CHARS]
        utf8 = None
    data = _page_bytes(html) if utf8 is None else utf8.translate(CONTROL_BYTES_TO_SPACE)
    root = _parse(data, sink)
    if root is None:
        return _fallback(html, sink)
    rules = _rules()
    walk = _Walk(rules=rules, sink=sink)
    body = root.find("body")
    top = body if body is not None else root
    # Read the page title before pruning: <head> and <title> are dropped with the rest of the non-content.
    page_title = _title(root, rules)
    _prune(top, walk, may_hide=_may_hide(data))
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
        table = walk.tables[index]
        grids.append(Grid(rows=table.rows, merged=table.merged, span=span))
    return HtmlDocument(title=title, text="\n".join(texts), grids=tuple(grids))


def expand_table(table: HtmlElement) -> ExpandedTable:
    """Given a <table> element, return its grid with spans expanded and malformed structure repaired."""
    return _expand(table)


def _page_bytes(html: str) -> bytes:
    """Return the page as UTF-8 for libxml2, control characters (not text; libxml2 stops at some) made spaces."""
    return html.encode("utf-8", "replace").translate(CONTROL_BYTES_TO_SPACE)


def _parse(data: bytes, sink: DiagnosticSink) -> HtmlElement | None:
    # The page is handed to libxml2 as UTF-8 bytes with the encoding fixed: the text is already decoded, so a
    # <meta charset> or XML declaration inside it must not make the parser decode it again.
    # The HTML parser never fetches DTDs or entities; no_network makes that explicit. Comments and processing
    # instructions are dropped at parse time so the walk never sees them. Plain etree elements, not lxml.html's
    # element classes: the class lookup alone would cost a third of the walk.
    parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False, encoding="utf-8")
    try:
        root = etree.fromstring(data, parser=parser)
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


def _is_container(element: HtmlElement, rules: _Rules) -> bool:
    identifier = element.get("id") or ""
    if identifier.lower() in rules.content_ids:
        return True
    classes = element.get("class") or ""
    return any(token in rules.content_classes for token in classes.lower().split())


def _prune(root: HtmlElement, walk: _Walk, *, may_hide: bool = True) -> None:
    """Drop what never holds report text: non-content tags, hidden elements, site-chrome widgets.

    Word and CMS pages put a style on nearly every element, so attributes are fetched by XPath in C and looked at
    as strings; Python only visits the elements they condemn. Styles are not read at all when the page source
    (`may_hide`) cannot hide anything.
    """
    rules = walk.rules
    count = int(root.xpath("count(.//*)"))  # type: ignore[arg-type]
    if count > MAX_ELEMENTS:
        walk.sink.emit("H003", f"the page has {count} elements; only the first {MAX_ELEMENTS} were read")
    doomed: list[Any] = list(root.iter(*rules.drop_tags))
    if may_hide:
        doomed.extend(attribute.getparent() for attribute in _attributes(HIDDEN_ATTRIBUTES, root))
        styles = _attributes(STYLE_ATTRIBUTES, root)
        doomed.extend(styles[index].getparent() for index in _hidden_styles(styles))
    verdicts: dict[str, bool] = {}
    for value in _attributes(CLASS_AND_ID_ATTRIBUTES, root):
        chrome = verdicts.get(value)
        if chrome is None:
            chrome = verdicts[value] = _names_chrome(value, rules)
        if chrome:
            element = value.getparent()
            if element.tag not in ROOT_TAGS and len(_text_of(element)) <= CHROME_MAX_CHARS:
                doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            _drop(element)


def _may_hide(page: bytes) -> bool:
    """Whether the page source could hide an element; when not, no style needs reading.

    An element is hidden by a `hidden` attribute or an inline 'display: none' / 'visibility: hidden', in any letter
    case. Pages spell 'hidden' often (`overflow: hidden`, hidden inputs) and rarely these, so each spot a cheap
    search finds is looked at closely.
    """
    lowered = page.lower()
    if next(_matches_at(lowered, b"display", HIDING_DISPLAY_AT), None) is not None:
        return True
    position = lowered.find(b"hidden")
    while position >= 0:
        if HIDING_VISIBILITY_BEFORE.search(lowered, max(0, position - 40), position + 6) or _attribute_at(
            lowered, position, len(b"hidden")
        ):
            return True
        position = lowered.find(b"hidden", position + 1)
    return False


def _attribute_at(page: bytes, start: int, length: int) -> bool:
    """Whether the `length` bytes at `start` stand where an attribute name would, between spaces and '='/'>'."""
    before = page[start - 1 : start]
    after = page[start + length : start + length + 1]
    return before.isspace() and (after in (b"=", b">", b"/") or after.isspace())


def _attributes(query: etree.XPath, root: HtmlElement) -> list[Any]:
    """Return the attribute values an attribute XPath selects: strings that know their element (`getparent()`)."""
    return query(root)  # type: ignore[return-value]


def _hidden_styles(styles: list[str]) -> list[int]:
    """Return the indexes of the styles that hide their element.

    Word and CMS pages give most elements a style, and almost none hides anything: the styles are searched as one
    lower-cased string, and only the few places naming display or visibility are looked at.
    """
    joined = "\0".join(styles).lower()
    return [
        joined.count("\0", 0, position)
        for word in HIDDEN_STYLE_PROPERTIES
        for position in _matches_at(joined, word, HIDDEN_STYLE)
    ]


def _matches_at(haystack: AnyStr, word: AnyStr, pattern: re.Pattern[AnyStr]) -> Iterator[int]:
    """Yield the positions of `word` in `haystack` where `pattern` matches: a fast search, then a close look."""
    position = haystack.find(word)
    while position >= 0:
        if pattern.match(haystack, position):
            yield position
        position = haystack.find(word, position + 1)


def _names_chrome(value: str, rules: _Rules) -> bool:
    """Whether a class or id value names site chrome (any of its tokens, compared lower-cased)."""
    return any(
        token in rules.chrome_exact or token.startswith(rules.chrome_prefixes) for token in value.lower().split()
    )


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
            if _is_container(element, rules):
                walk.containers.append(element)
            if not any(descendant.tag in rules.block_tags for descendant in element.iterdescendants()):
                # A block holding only text and inline elements (most paragraphs) is one line: one C call reads it.
                text = _squash(_text_of(element))
                if text:
                    lines.append(_Line(text=text, owner=element))
                if element is not root and element.tail:
                    buffer.append(element.tail)
                continue
            blocks.append(element)
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
    if not expanded.rows:
        return True
    if len(expanded.rows[0]) == 1 or expanded.longest_cell > LAYOUT_CELL_CHARS:
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
    walk.lines.extend(_Line(text=line, owner=table, table=index) for line in expanded.lines)
    return True


class _SpanCell(NamedTuple):
    """A cell with span attributes, before expansion: the attributes as written (None when absent) and its text."""

    colspan: str | None
    rowspan: str | None
    text: str


class _RawRow(NamedTuple):
    """A table row before expansion: cell texts, with a `_SpanCell` where the cell has span attributes."""

    cells: list[str | _SpanCell]
    spans: bool
    """Whether any cell of the row has span attributes (a row without is placed as it stands)."""


@cache
def _cells_transform() -> etree.XSLT:
    """Compile the XSLT pass that writes a table as text: each row ended by ROW_END, each cell by CELL_END.

    A cell with span attributes starts with SPAN, then '=colspan' FIELD_END '=rowspan' FIELD_END (an attribute that
    is absent writes nothing, so it differs from an empty one, '='). Only cells of rows of the table itself are
    written (a stray cell outside any row is not; `_written_cells` notices). Reading cells is the hot loop of the
    HTML path: one libxslt pass per table does in C what a walk in Python would do per element, word breaks at
    block tags inside a cell included ('结果<p>纠正</p>' reads '结果 纠正').
    """
    blocks = "|".join(CELL_BLOCK_TAGS)
    space = "<xsl:text> </xsl:text>"
    stylesheet = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="table|tbody|thead|tfoot"><xsl:apply-templates select="tr|tbody|thead|tfoot"/></xsl:template>
  <xsl:template match="tr"><xsl:apply-templates select="td|th"/><xsl:text>{ROW_END}</xsl:text></xsl:template>
  <xsl:template match="td|th">
    <xsl:if test="@colspan or @rowspan"><xsl:text>{SPAN}</xsl:text>
      <xsl:for-each select="@colspan">=<xsl:value-of select="."/></xsl:for-each><xsl:text>{FIELD_END}</xsl:text>
      <xsl:for-each select="@rowspan">=<xsl:value-of select="."/></xsl:for-each><xsl:text>{FIELD_END}</xsl:text>
    </xsl:if>
    <xsl:apply-templates mode="cell"/><xsl:text>{CELL_END}</xsl:text>
  </xsl:template>
  <xsl:template match="{blocks}" mode="cell">{space}<xsl:apply-templates mode="cell"/>{space}</xsl:template>
</xsl:stylesheet>"""
    # The stylesheet reads nothing but the table it is given: no files, no network (lxml-stubs lack DENY_ALL).
    no_access = etree.XSLTAccessControl.DENY_ALL  # type: ignore[attr-defined]
    return etree.XSLT(etree.XML(stylesheet), access_control=no_access)


def _written_cells(table: HtmlElement) -> str | None:
    """Return the cells of a table as written by `_cells_transform`, each on one line; None if any sits outside a row.

    Each cell's text is made one line as `_one_line` does.
    """
    # A delimiter the page spells as a character reference would be read as structure.
    if HOLDS_DELIMITER(table):
        return None
    written = str(_cells_transform()(table))
    # A cell outside any <tr> is not written by the pass: the general reader takes such a table.
    if written.count(CELL_END) != int(COUNT_CELLS(table)):  # type: ignore[arg-type]
        return None
    return _one_line_cells(written)


def _one_line_cells(written: str) -> str:
    """Apply `_one_line` to every cell of a table written by `_cells_transform`, in a few passes over the string."""
    text = " ".join(written.split())
    for mark in (ROW_END, CELL_END, FIELD_END, SPAN):
        if " " + mark in text:
            text = text.replace(" " + mark, mark)
        if mark + " " in text:
            text = text.replace(mark + " ", mark)
    return text.replace("|", "｜")


def _raw_rows(table: HtmlElement) -> tuple[list[_RawRow], list[str]]:
    """Return the rows of `table` before expansion, read element by element, and the repairs made to read them."""
    elements, repairs = _rows(table)
    rows = []
    for cells in elements:
        raw: list[str | _SpanCell] = []
        for cell in cells:
            colspan, rowspan = cell.get("colspan"), cell.get("rowspan")
            text = _cell_text(cell)
            raw.append(text if colspan is None and rowspan is None else _SpanCell(colspan, rowspan, text))
        rows.append(_RawRow(cells=raw, spans=any(isinstance(cell, _SpanCell) for cell in raw)))
    return rows, repairs


def _one_line(text: str) -> str:
    """Return a cell's text on one line, with a '|' inside it made full-width so it cannot split the pipe row."""
    stripped = text.strip()
    # Most cells are a number or one word; the split/join is only needed where whitespace or '|' sits inside.
    if stripped.isalnum():
        return stripped
    return " ".join(stripped.split()).replace("|", "｜")


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


def _span(value: str, name: str, repairs: list[str]) -> int:
    match = SPAN_NUMBER.match(value)
    if match is None:
        repairs.append(f"{name}={value[:20]!r}")
        return 1
    number = int(match.group(1))
    if number == 0 and name == "colspan":
        repairs.append("colspan=0")
        return 1
    return number


def _cell_text(cell: HtmlElement) -> str:
    """Given a table cell, return its text on one line: block boundaries inside it become spaces."""
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
    return _one_line("".join(parts))


def _expand(table: HtmlElement) -> ExpandedTable:
    if table.find(".//table") is None:
        written = _written_cells(table)
        if written is not None:
            fast = _expand_regular(written)
            if fast is not None:
                return fast
    return _expand_general(table)


def _expand_general(table: HtmlElement) -> ExpandedTable:
    """Expand any table, element by element, repairing what is malformed (see `_Expansion`)."""
    rows, repairs = _raw_rows(table)
    while rows and not rows[-1].cells:
        rows.pop()
    grid = _Expansion(height=len(rows), repairs=repairs)
    for r, row in enumerate(rows):
        if not row.spans and r not in grid.held and not grid.too_big(len(row.cells), 1):
            grid.texts[r] = row.cells  # type: ignore[assignment]  # a row without spans holds only texts
            grid.counts[r] = len(row.cells)
            grid.filled += len(row.cells)
        else:
            grid.place_row(r, row.cells)
    return grid.result()


def _expand_regular(written: str) -> ExpandedTable | None:
    """Expand a table read by `_cells_transform` when nothing in it needs repair; None when something does.

    The common report table (every row as wide as the others, clean spans that do not collide) is laid out here a
    row at a time with string operations; anything else goes to `_Expansion`, which repairs and reports it.
    """
    rows = written.split(ROW_END)
    rows.pop()
    while rows and not rows[-1]:
        rows.pop()
    layout = _RegularLayout(height=len(rows))
    for r, row in enumerate(rows):
        if not layout.add_row(r, row):
            return None
    return layout.result()


@dataclass(slots=True)
class _RegularLayout:
    """A regular table being laid out from the text `_cells_transform` wrote, a row at a time."""

    height: int
    texts: list[list[str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    held: dict[int, dict[int, str]] = field(default_factory=dict)
    """Positions of rows below held by a cell spanning down into them: row → {column: text}."""
    longest: int = 0

    def add_row(self, r: int, row: str) -> bool:
        """Lay out row `r`; return False when it needs repair (then the whole table does)."""
        if SPAN not in row and r not in self.held:
            if not row:
                return False  # an empty row between rows: ragged
            cells = row.split(CELL_END)
            cells.pop()
            self._keep(cells, _pipe_run(cells).strip())
            return True
        return self._add_spanned_row(r, row)

    def _keep(self, row_texts: list[str], line: str) -> None:
        self.texts.append(row_texts)
        self.lines.append(line)
        self.longest = max(self.longest, *map(len, row_texts))

    def _add_spanned_row(self, r: int, row: str) -> bool:
        """Lay out a row with span cells or positions held from above, as a browser does.

        The row's own cells fill the columns left free, in order. Only span cells and held positions are looked at
        one by one; the plain cells between them are copied as runs.
        """
        held_here = self.held.pop(r, {})
        cells = row.split(CELL_END)
        cells.pop()
        spans = []
        position = row.find(SPAN)
        while position >= 0:
            spans.append(row.count(CELL_END, 0, position))
            position = row.find(SPAN, position + 1)
        spans.append(len(cells))
        held_columns = sorted(held_here)
        held_columns.append(MAX_GRID_CELLS)
        row_texts: list[str] = []
        parts: list[str] = []
        i = c = s = h = 0
        while True:
            run = min(spans[s] - i, held_columns[h] - c)
            if run > 0:
                plain = cells[i : i + run]
                row_texts.extend(plain)
                parts.append(_pipe_run(plain))
                i += run
                c += run
            if c == held_columns[h]:
                row_texts.append(held_here[c])
                parts.append("|")
                c += 1
                h += 1
            elif i == len(cells):
                break
            else:
                placed = self._place_span(r, c, cells[i], held_here)
                if placed is None:
                    return False
                text, colspan = placed
                row_texts.extend([text] * colspan)
                parts.append(f" {text} |" + "|" * (colspan - 1))
                i += 1
                c += colspan
                s += 1
        if h < len(held_columns) - 1:
            return False  # a held position past the row's last cell, with a gap before it: ragged
        self._keep(row_texts, "".join(parts).strip())
        return True

    def _place_span(self, r: int, c: int, cell: str, held_here: dict[int, str]) -> tuple[str, int] | None:
        """Place a span cell at (r, c); return its text and colspan, or None when it needs repair."""
        fields = cell[1:].split(FIELD_END)
        if len(fields) != 3:
            return None
        colspan_value, rowspan_value, text = fields
        colspan = _clean_span(colspan_value)
        rowspan = _clean_span(rowspan_value)
        if colspan is None or rowspan is None or colspan == 0:
            return None  # a span attribute `_span` would read leniently or repair
        if colspan > 1 and held_here and any(c + extra in held_here for extra in range(1, colspan)):
            return None  # a span running into a cell from above
        # rowspan=0 and spans past the last row both mean "to the end of the table".
        if rowspan == 0 or r + rowspan > self.height:
            rowspan = self.height - r
        for below in range(r + 1, r + rowspan):
            columns = self.held.setdefault(below, {})
            for column in range(c, c + colspan):
                if column in columns:
                    return None  # two cells spanning down into one position
                columns[column] = text
        if colspan * rowspan > 1:
            self.merged.append((r, c, rowspan, colspan))
        return text, colspan

    def result(self) -> ExpandedTable | None:
        """Return the laid-out table, or None when it is ragged, too big, or may be page layout."""
        width = len(self.texts[0]) if self.texts else 0
        if self.held or any(len(row_texts) != width for row_texts in self.texts) or width > MAX_COLUMNS:
            return None
        if width * self.height > MAX_GRID_CELLS or (self.longest > LAYOUT_CELL_CHARS and width > 1):
            return None  # let the general reader clip it, or judge it layout from its texts
        return ExpandedTable(
            rows=tuple(map(tuple, self.texts)),
            merged=tuple(self.merged),
            lines=tuple(self.lines),
            longest_cell=self.longest,
        )


def _clean_span(written: str) -> int | None:
    """Return the number a span attribute written as '=digits' holds (1 when absent), or None if it is anything else."""
    if not written:
        return 1
    digits = written[1:]
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= SPAN_DIGITS else None


@dataclass(slots=True)
class _Expansion:
    """The grid of a table being expanded, row by row as a browser lays it out."""

    height: int
    repairs: list[str]
    texts: list[list[str]] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    """How many positions of each row a cell holds (fewer than the width: ragged)."""
    held: dict[int, set[int]] = field(default_factory=dict)
    """Columns of a row already held by a cell spanning down into it from a row above."""
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    filled: int = 0
    clipped: bool = False

    def __post_init__(self) -> None:
        self.texts = [[] for _ in range(self.height)]
        self.counts = [0] * self.height

    def too_big(self, columns: int, rows: int, start: int = 0) -> bool:
        return start + columns > MAX_COLUMNS or self.filled + columns * rows > MAX_GRID_CELLS

    def place_row(self, r: int, cells: list[str | _SpanCell]) -> None:
        held = self.held.get(r)
        row_texts = self.texts[r]
        c = 0
        for cell in cells:
            if held:
                while c in held:
                    c += 1
            if isinstance(cell, str):
                # The common cell: no span, at the end of the row so far.
                if c == len(row_texts) and c < MAX_COLUMNS and self.filled < MAX_GRID_CELLS:
                    row_texts.append(cell)
                    self.counts[r] += 1
                    self.filled += 1
                    c += 1
                    continue
                text, colspan, rowspan = cell, 1, 1
            else:
                text = cell.text
                colspan = 1 if cell.colspan is None else _span(cell.colspan, "colspan", self.repairs)
                rowspan = 1 if cell.rowspan is None else _span(cell.rowspan, "rowspan", self.repairs)
                # rowspan=0 and spans past the last row both mean "to the end of the table".
                if rowspan == 0 or r + rowspan > self.height:
                    rowspan = self.height - r
            if self.too_big(colspan, rowspan, c):
                colspan = max(1, min(colspan, MAX_COLUMNS - c))
                rowspan = 1
                self.clipped = True
                if c >= MAX_COLUMNS or self.filled >= MAX_GRID_CELLS:
                    break
            self.merged.append((r, c, rowspan, colspan))
            self.place_span(r, c, rowspan, colspan, text)
            c += colspan

    def place_span(self, row: int, column: int, rowspan: int, colspan: int, text: str) -> None:
        """Write a cell into every free position it covers; where spans overlap, the earlier cell keeps it."""
        for r in range(row, row + rowspan):
            row_texts = self.texts[r]
            held = self.held.get(r) if r == row else self.held.setdefault(r, set())
            if len(row_texts) < column + colspan:
                row_texts.extend([""] * (column + colspan - len(row_texts)))
            for c in range(column, column + colspan):
                if held is not None and c in held:
                    continue
                row_texts[c] = text
                self.counts[r] += 1
                self.filled += 1
                if r != row:
                    held.add(c)  # type: ignore[union-attr]  # set for every row below the cell's own

    def result(self) -> ExpandedTable:
        if self.clipped:
            self.repairs.append("oversized spans clipped")
        width = max(map(len, self.texts), default=0)
        ragged = False
        for r, row_texts in enumerate(self.texts):
            if self.counts[r] < width:
                ragged = True
                row_texts.extend([""] * (width - len(row_texts)))
        if ragged:
            self.repairs.append("ragged rows padded")
        merged = [cell for cell in self.merged if cell[2] * cell[3] > 1]
        return ExpandedTable(
            rows=tuple(map(tuple, self.texts)),
            merged=tuple(merged),
            repairs=tuple(dict.fromkeys(self.repairs)),
            lines=_pipe_lines(self.texts, merged),
            longest_cell=max((len(text) for row in self.texts for text in row), default=0),
        )


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
