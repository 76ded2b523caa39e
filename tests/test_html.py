"""HTML pages: main-content finding, span expansion, pipe-row rendering, hostile and broken pages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import govreport_parser
from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import HtmlDocument
from govreport_parser.html import html_to_document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GITHUB = FIXTURES / "samples" / "github"
ENCODINGS = FIXTURES / "encodings"
HTML = FIXTURES / "html"


def _document(html: str) -> tuple[HtmlDocument, dict[str, list[str]]]:
    sink = DiagnosticSink()
    document = html_to_document(html, sink)
    codes: dict[str, list[str]] = {}
    for diagnostic in sink.diagnostics:
        codes.setdefault(diagnostic.code, []).append(diagnostic.message)
    return document, codes


@pytest.fixture(scope="module")
def doc013() -> HtmlDocument:
    return _document((GITHUB / "013.html").read_text(encoding="utf-8"))[0]


@pytest.fixture(scope="module")
def doc020() -> HtmlDocument:
    return _document((GITHUB / "020.html").read_text(encoding="utf-8"))[0]


def _grid_row(document: HtmlDocument, label: str) -> tuple[str, ...]:
    for grid in document.grids:
        for row in grid.rows:
            if row and row[0] == label:
                return row
    raise AssertionError(f"no grid row starts with {label!r}")


def test_013_table3_new_received_row(doc013: HtmlDocument) -> None:
    label = "一、本年新收政府信息公开申请数量"
    assert f"{label} ||| 821 | 35 |  |  | 2 | 1 | 859 |" in doc013.text.splitlines()
    # The label spans three columns: the grid repeats it, the pipe row leaves the covered positions empty.
    assert _grid_row(doc013, label) == (label, label, label, "821", "35", "", "", "2", "1", "859")


def test_013_table3_rowspan_group_label_only_on_first_row(doc013: HtmlDocument) -> None:
    lines = doc013.text.splitlines()
    assert "| （三）不予公开 | 1.属于国家秘密 | 14 |  |  |  |  |  |  |" in lines
    assert "|| 6.属于四类过程性信息 | 3 | 1 |  |  |  |  |  |" in lines
    assert _grid_row(doc013, "三、本年度办理结果")[:3] == ("三、本年度办理结果", "（一）予以公开", "（一）予以公开")


def test_013_table4_fifteen_values(doc013: HtmlDocument) -> None:
    table4 = doc013.grids[2]
    assert len(table4.rows) == 4
    assert table4.rows[3] == ("5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", "")
    assert table4.rows[0][:6] == ("行政复议",) * 5 + ("行政诉讼",)
    assert table4.rows[1][5:11] == ("未经复议直接起诉",) * 5 + ("复议后起诉",)


def test_013_table2_br_inside_cell_becomes_a_space(doc013: HtmlDocument) -> None:
    assert "信息内容 | 本年新 制作数量 | 本年新 公开数量 || 对外公开总数量 |" in doc013.text.splitlines()
    assert "政府集中采购 | 6 || 251000元 ||" in doc013.text.splitlines()


def test_013_text_is_the_whole_report_and_entities_decoded(doc013: HtmlDocument) -> None:
    lines = doc013.text.splitlines()
    assert lines[0] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert "《上海市贯彻<长江三角洲区域一体化发展规划纲要>实施方案》" in doc013.text
    assert lines[-2:] == ["六、其他需要报告的事项", "无。"]
    assert doc013.title == "2019年上海市人民政府办公厅政府信息公开工作年度报告"


def test_grid_spans_point_at_their_pipe_rows(doc013: HtmlDocument, doc020: HtmlDocument) -> None:
    for document in (doc013, doc020):
        lines = document.text.splitlines()
        assert len(document.grids) == 3
        for grid in document.grids:
            start, end = grid.span.line_start, grid.span.line_end
            assert start is not None and end is not None
            assert end - start + 1 == len(grid.rows)
            for row, line in zip(grid.rows, lines[start - 1 : end], strict=True):
                parts = [part.strip() for part in line.split("|")[:-1]]
                assert len(parts) == len(row)
                assert all(part in (cell, "") for part, cell in zip(parts, row, strict=True))


def test_020_main_block_skips_site_chrome(doc020: HtmlDocument) -> None:
    lines = doc020.text.splitlines()
    assert doc020.title == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert lines[0] == doc020.title
    assert lines[2] == "一、总体情况"
    assert lines[-2:] == ["沭阳县发展和改革局", "2024年1月17日"]
    for chrome in ("索引号", "繁體版", "采集时间", "网站地图", "var websiteId"):
        assert chrome not in doc020.text


def test_020_words_split_across_spans_are_joined(doc020: HtmlDocument) -> None:
    assert "三、收到和处理政府信息公开申请情况" in doc020.text.splitlines()
    assert "|||| 商业 企业 | 科研 机构 | 社会公益组织 | 法律服务机构 | 其他 ||" in doc020.text.splitlines()


def test_020_table_values(doc020: HtmlDocument) -> None:
    assert doc020.grids[2].rows[3] == ("0", "0", "0", "1", "1") + ("0",) * 10
    assert _grid_row(doc020, "规范性文件") == ("规范性文件", "8", "0", "18")
    assert _grid_row(doc020, "一、本年新收政府信息公开申请数量")[3:] == ("26", "", "", "", "", "", "26")


@pytest.mark.parametrize(
    "name",
    ["gb18030_meta.html", "gbk_meta.html", "gbk_nometa.html", "utf8_bom.html", "utf16_bom.html", "utf8_meta.html"],
)
def test_encoded_pages_give_identical_documents(name: str) -> None:
    reference = govreport_parser.debug_parse((ENCODINGS / "utf8_meta.html").read_bytes()).stage("html")
    document = govreport_parser.debug_parse((ENCODINGS / name).read_bytes()).stage("html")
    assert document == reference
    assert document.title == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    for chrome in ("首页", "当前位置", "字号", "分享到", "打印本页", "关闭窗口", "版权所有", "隐藏", "var"):
        assert chrome not in document.text
    assert document.text.splitlines()[0] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"


def test_malformed_tables_are_repaired() -> None:
    document, codes = _document((HTML / "malformed_tables.html").read_text(encoding="utf-8"))
    table = document.grids[0]
    assert table.rows == (
        ("行政复议",) * 5 + ("行政诉讼", ""),
        ("结果 维持", "结果 纠正", "其他｜结果", "尚未审结", "总计", "直接起诉", ""),
        ("1", "", "2", "3", "6", "4", "extra"),
        ("7", "8", "", "", "", "", ""),
    )
    lines = document.text.splitlines()
    assert "行政复议 ||||| 行政诉讼 |  |" in lines
    assert "1 |  | 2 | 3 | 6 | 4 | extra |" in lines
    message = codes["H002"][0]
    for repair in ("cells outside <tr>", "colspan='garbage'", "colspan=0", "ragged rows padded"):
        assert repair in message
    # The outer table holds a table: it is layout, read in order, and the inner one is a table of its own.
    assert lines[lines.index("五、存在的主要问题及改进情况") + 1 :] == [
        "外层",
        "内层A | 内层B |",
        "右",
        "六、其他需要报告的事项",
        "无。",
    ]
    assert document.grids[1].rows == (("内层A", "内层B"),)


def test_rowspan_zero_and_overlong_rowspan_fill_to_the_end() -> None:
    html = (
        "<table><tr><td rowspan='0'>组</td><td>a</td></tr><tr><td>b</td></tr>"
        "<tr><td>c</td><td rowspan='500'>d</td></tr></table>"
    )
    document, _ = _document(html)
    # Row 3 starts beside the spanning cell, so 'd' lands in a third column (as browsers lay it out).
    assert document.grids[0].rows == (("组", "a", ""), ("组", "b", ""), ("组", "c", "d"))
    assert document.text.splitlines() == ["组 | a |  |", "| b |  |", "| c | d |"]


def test_nested_table_inside_a_value_cell_becomes_words_of_that_cell() -> None:
    html = "<table><tr><td>规章</td><td><table><tr><td>1</td><td>件</td></tr></table></td></tr></table>"
    document, _ = _document("<div>" + html + "</div>")
    # Outer table holds a table: layout; inner rows are read where they stand.
    assert "1 | 件 |" in document.text.splitlines()


def test_layout_table_page_finds_report_in_content_cell() -> None:
    html = """<html><head><title>某县人民政府</title></head><body>
    <table width="100%"><tr><td class="menu"><a>首页</a><a>政务公开</a><a>办事服务</a></td></tr>
    <tr><td><table><tr><td>当前位置：首页 &gt; 年报</td></tr></table>
      <div>某县审计局2022年政府信息公开工作年度报告</div>
      <p>一、总体情况</p><p>本年度主动公开政府信息四十条，较上年增长百分之十。</p>
      <p>二、主动公开政府信息情况</p>
      <table border="1"><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>
      <p>六、其他需要报告的事项</p><p>无。</p>
    </td></tr>
    <tr><td>版权所有 某县人民政府</td></tr></table></body></html>"""
    document, codes = _document(html)
    assert document.text.splitlines() == [
        "当前位置：首页 > 年报",
        "某县审计局2022年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度主动公开政府信息四十条，较上年增长百分之十。",
        "二、主动公开政府信息情况",
        "信息内容 | 本年制发件数 |",
        "规章 | 0 |",
        "六、其他需要报告的事项",
        "无。",
    ]
    assert document.title == "某县审计局2022年政府信息公开工作年度报告"
    assert "H001" not in codes


def test_content_container_is_used_without_headings() -> None:
    paragraph = "本机关认真贯彻落实政府信息公开条例，不断完善公开制度，主动公开各类信息。" * 4
    html = (
        f"<html><body><div class='nav'>首页 新闻 公开</div><div id='sidebar'><p>{'友情链接' * 10}</p></div>"
        f"<div class='TRS_Editor'><p>{paragraph}</p><p>{paragraph}</p></div><div>版权所有</div></body></html>"
    )
    document, codes = _document(html)
    assert document.text.splitlines() == [paragraph, paragraph]
    assert "H001" not in codes


def test_densest_block_is_used_without_headings_or_container() -> None:
    paragraph = "本机关认真贯彻落实政府信息公开条例，不断完善公开制度，主动公开各类信息。" * 3
    html = (
        "<html><body><div><a>首页</a></div><div><a>新闻中心</a></div>"
        f"<div><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></div><div>联系我们</div></body></html>"
    )
    document, codes = _document(html)
    assert document.text.splitlines() == [paragraph] * 3
    assert "H001" not in codes


def test_no_main_block_uses_whole_body_with_h001() -> None:
    document, codes = _document("<html><body><div>首页</div><div>登录</div></body></html>")
    assert document.text.splitlines() == ["首页", "登录"]
    assert "H001" in codes


def test_deep_nesting_is_cut_with_h003_not_a_crash() -> None:
    html = "<html><body>" + "<div>" * 10_000 + "一、总体情况" + "</div>" * 10_000 + "<p>尾部</p></body></html>"
    _, codes = _document(html)
    assert "H003" in codes
    report = govreport_parser.parse(html)
    assert "H003" in {d.code for d in report.diagnostics}
    assert "P001" not in {d.code for d in report.diagnostics}


def test_too_many_elements_is_cut_with_h003() -> None:
    html = "<html><body><div>" + "<span>x</span>" * 210_000 + "</div></body></html>"
    _, codes = _document(html)
    assert "H003" in codes


def test_oversized_page_is_truncated_with_h003() -> None:
    html = "<html><body><p>一、总体情况</p><p>" + "很长" * 4_100_000 + "</p></body></html>"
    document, codes = _document(html)
    assert "H003" in codes
    assert document.text.startswith("一、总体情况")


def test_pipe_text_and_html_parse_to_the_same_tables() -> None:
    """A text rendering of 020's tables (made by this renderer) parses cell for cell like the page itself."""
    from_html = govreport_parser.parse(GITHUB / "020.html")
    from_text = govreport_parser.parse(HTML / "020.rendered.txt")
    assert from_html.meta.input_format == "html"
    assert from_text.meta.input_format == "text"
    assert set(from_html.tables) == set(from_text.tables)
    for table_id, table in from_html.tables.items():
        cells = {(cell.row, cell.column, cell.value) for cell in table.cells}
        assert cells == {(cell.row, cell.column, cell.value) for cell in from_text.tables[table_id].cells}


def test_parse_020_table2_values() -> None:
    report = govreport_parser.parse(GITHUB / "020.html")
    cells = {(cell.row, cell.column): cell.value for cell in report.tables["table2"].cells}
    assert cells[("normative_documents", "issued_this_year")] == 8
    assert cells[("normative_documents", "currently_valid")] == 18
    assert cells[("regulations", "issued_this_year")] == 0


def test_parse_html_table3_and_table4_values() -> None:
    report = govreport_parser.parse(GITHUB / "020.html")
    t3 = {(cell.row, cell.column): cell.value for cell in report.tables["table3"].cells}
    assert t3[("new_received", "natural_person")] == 26
    assert t3[("new_received", "total")] == 26
    t4 = [cell.value for cell in report.tables["table4"].cells]
    assert sorted(value for value in t4 if value is not None) == [0] * 13 + [1, 1]
    report = govreport_parser.parse(GITHUB / "013.html")
    t3 = {(cell.row, cell.column): cell.value for cell in report.tables["table3"].cells}
    assert t3[("new_received", "natural_person")] == 821
    assert t3[("new_received", "commercial_enterprise")] == 35
    assert t3[("new_received", "total")] == 859


def _codes(report: govreport_parser.Report) -> set[str]:
    return {diagnostic.code for diagnostic in report.diagnostics}


def test_truncated_html_gives_a_report() -> None:
    data = (GITHUB / "020.html").read_bytes()
    report = govreport_parser.parse(data[: len(data) // 2])
    assert report.meta.input_format == "html"
    assert "P001" not in _codes(report)
    assert report.meta.title == "沭阳县发展和改革局2023年政府信息公开年度报告"


def test_page_without_body_gives_a_report() -> None:
    report = govreport_parser.parse("<html><head><title>2022年政府信息公开工作年度报告</title></head></html>")
    assert report.meta.input_format == "html"
    assert "P001" not in _codes(report)
    assert report.meta.title == "2022年政府信息公开工作年度报告"


def test_comment_only_page_falls_back_without_crash() -> None:
    report = govreport_parser.parse("<!-- nothing --><!-- here --><html></html>", input_format="html")
    assert "P001" not in _codes(report)


def test_binary_served_as_html_is_d005(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(random.Random(3).randbytes(20_000))
    report = govreport_parser.parse(path)
    assert "D005" in _codes(report)
    assert "P001" not in _codes(report)


def test_empty_html_file_is_d003(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(b"")
    report = govreport_parser.parse(path)
    assert "D003" in _codes(report)
    assert "P001" not in _codes(report)
