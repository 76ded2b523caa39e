"""HTML tables: the fast reading of regular tables agrees with the general one, and spans are remembered."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import govreport_parser as gp
from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.html import _expand, _expand_general, html_to_document
from govreport_parser.model import Grid

GITHUB = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "github"

# Cell contents seen in saved report pages, and a few hostile ones: the delimiters the fast reader writes
# (U+FDD0–U+FDD3) spelled as character references, a pipe, words split over inline tags or broken by blocks.
CELL_HTML = [
    "",
    "&nbsp;",
    "12",
    " 3 ",
    "规章",
    "本年新<br>制作数量",
    "<p>结果</p><p>维持</p>",
    "结果<p>纠正</p>",
    "<p><span>申请人情</span><span>况</span></p>",
    "其他|结果",
    "&#xFDD0;",
    "a&#xFDD1;b",
    "&#xFDD3;=2&#xFDD2;&#xFDD2;x",
    "\u3000",
]
SPAN_VALUES = ["1", "2", "3", "0", " 2", "2abc", "garbage", "", "99"]


@st.composite
def html_tables(draw: st.DrawFn) -> str:
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            attributes = ""
            for name in ("colspan", "rowspan"):
                if draw(st.integers(0, 3)) == 0:
                    attributes += f' {name}="{draw(st.sampled_from(SPAN_VALUES))}"'
            tag = draw(st.sampled_from(["td", "td", "th"]))
            cells.append(f"<{tag}{attributes}>{draw(st.sampled_from(CELL_HTML))}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if draw(st.booleans()):
        # A stray cell outside any row, as some CMS editors leave them.
        rows.insert(draw(st.integers(0, len(rows))), "<td>散</td>")
    return "<table>" + "".join(rows) + "</table>"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_tables())
def test_fast_reading_agrees_with_general_reading(markup: str) -> None:
    table = etree.fromstring(markup, etree.HTMLParser()).find(".//table")
    assert table is not None
    assert _expand(table) == _expand_general(table)


def test_delimiters_spelled_as_references_are_text_not_structure() -> None:
    markup = "<table><tr><td>a&#xFDD1;b</td><td>&#xFDD0;</td></tr><tr><td>1</td><td>2</td></tr></table>"
    table = etree.fromstring(markup, etree.HTMLParser()).find(".//table")
    assert table is not None
    assert _expand(table).rows == (("a\ufdd1b", "\ufdd0"), ("1", "2"))


def test_hidden_elements_are_dropped_whatever_the_case_of_their_style() -> None:
    page = (
        "<html><body><div><p>一、总体情况</p><p style='DISPLAY : NONE'>隐藏甲</p><div hidden>隐藏乙</div>"
        "<p style='Visibility:Hidden'>隐藏丙</p><p style='border:none'>边框无</p><p>二、主动公开政府信息情况</p>"
        "</div></body></html>"
    )
    document = html_to_document(page, DiagnosticSink())
    assert "隐藏" not in document.text
    assert "边框无" in document.text


def test_pages_that_only_look_hidden_keep_their_text() -> None:
    # 'hidden' spelled as a CSS value or an input type hides nothing; such pages skip reading styles altogether.
    page = (
        "<html><body><div><p>一、总体情况</p><div style='overflow:hidden'>溢出隐藏的框</div>"
        "<input type='hidden' value='1'><p style='display:block'>显示块</p><p>二、主动公开政府信息情况</p>"
        "</div></body></html>"
    )
    document = html_to_document(page, DiagnosticSink())
    assert "溢出隐藏的框" in document.text
    assert "显示块" in document.text


def test_grid_remembers_where_spanned_cells_start() -> None:
    page = (
        "<html><body><p>一、总体情况</p><p>二、主动公开政府信息情况</p><table>"
        "<tr><td rowspan='2'>组</td><td colspan='2'>头</td></tr><tr><td>a</td><td>b</td></tr></table>"
        "<p>三、收到和处理政府信息公开申请情况</p></body></html>"
    )
    grid = html_to_document(page, DiagnosticSink()).grids[0]
    assert grid.rows == (("组", "头", "头"), ("组", "a", "b"))
    assert grid.merged == ((0, 0, 2, 1), (0, 1, 1, 2))
    assert grid.origin(1, 0) == (0, 0)
    assert grid.origin(0, 2) == (0, 1)
    assert grid.origin(1, 2) == (1, 2)
    assert Grid.from_dict(grid.as_dict()) == grid


def test_report_grids_keep_their_merged_cells_through_json() -> None:
    report = gp.parse((GITHUB / "020.html").read_bytes())
    grids = [grid for section in report.sections for grid in section.grids]
    restored = [grid for section in gp.Report.from_json(report.to_json()).sections for grid in section.grids]
    assert restored == grids


PAGE_013 = (GITHUB / "013.html").read_text(encoding="utf-8")
MARKUP_NOISE = [
    "<td>",
    "</td>",
    "<tr>",
    "</tr>",
    "<table>",
    "</table>",
    "<td colspan='3'>",
    "<td rowspan='0'>",
    "<td rowspan='x'>",
    "<th colspan='99999999'>",
    "<p>",
    "<br>",
    "&#xFDD1;",
    "&#xFDD0;",
    "<div style='display:none'>",
    "<div hidden>",
    "</div>",
    "<![CDATA[",
    "<!--",
    "|",
]


@st.composite
def mutated_page(draw: st.DrawFn) -> str:
    """Return a real report page with markup cut, duplicated or sprinkled with table tags and hostile spans."""
    page = PAGE_013
    for _ in range(draw(st.integers(1, 8))):
        start = draw(st.integers(0, len(page)))
        operation = draw(st.sampled_from(["insert", "cut", "duplicate"]))
        if operation == "insert":
            page = page[:start] + draw(st.sampled_from(MARKUP_NOISE)) + page[start:]
        else:
            end = min(len(page), start + draw(st.integers(1, 2000)))
            page = page[:start] + page[end:] if operation == "cut" else page[:end] + page[start:end] + page[end:]
    return page


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_page())
def test_lenient_parse_never_raises_on_mutated_pages(page: str) -> None:
    report = gp.parse(page)
    assert "P001" not in {diagnostic.code for diagnostic in report.diagnostics}
