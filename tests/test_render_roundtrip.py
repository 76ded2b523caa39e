"""Render random tables 三/四 in every flattening style, parse them back, and get the same cells.

This is the property behind "positions come from the table's shape and labels, not from blind counting": blanks and
placeholders anywhere in a row must not shift the values after them, whatever the flattening.
"""

from __future__ import annotations

import html as html_escape
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govreport_parser as gp
from govreport_parser.vocabulary import load_vocabulary

SPEC = load_vocabulary().table("gov_2021", "table3")
assert SPEC is not None
ROWS = [row for row in SPEC.rows]
COLUMNS = [c.id for c in SPEC.columns if not c.is_group]
HEADER_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
HEADING = "三、收到和处理政府信息公开申请情况"
CLOSING = "\n".join(
    [
        "四、政府信息公开行政复议、行政诉讼情况",
        "本年度无。",
        "五、存在的主要问题及改进情况",
        "无。",
        "六、其他需要报告的事项",
        "无。",
    ]
)

Cell = str  # '' blank, '/' '-' placeholders, digits
cell_text = st.one_of(st.integers(0, 999).map(str), st.sampled_from(["", "/", "-"]))
table_values = st.lists(st.lists(cell_text, min_size=7, max_size=7), min_size=25, max_size=25)
numbers_only = st.lists(st.lists(st.integers(0, 999).map(str), min_size=7, max_size=7), min_size=25, max_size=25)


def _rows(values: list[list[Cell]]) -> list[tuple[str, list[Cell] | None]]:
    """Pair every printed row label (group rows included) with its values (None for a group row)."""
    leaf = iter(values)
    return [(row.label, None if row.is_group else next(leaf)) for row in ROWS]


def pipe_rows(values: list[list[Cell]]) -> str:
    lines = [f"{HEADER_NOTE} | 申请人情况 | |||||||||", "自然人 | 法人或其他组织 | 总计 | ||||||||",
             "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||"]  # fmt: skip
    pending_group = ""
    for label, cells in _rows(values):
        if cells is None:
            pending_group = label
            continue
        lead = f"{pending_group} | " if pending_group else "| "
        pending_group = ""
        lines.append(lead + label + " | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cell_per_line_pipe_suffix(values: list[list[Cell]]) -> str:
    lines = [f"{HEADER_NOTE} |", "申请人情况 |", "||||||||", "自然人 |", "法人或其他组织 |", "总计 |"]
    lines += [f"{c} |" for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]
    for label, cells in _rows(values):
        lines.append(f"{label} |")
        lines += [f"{c} |" if c else "|" for c in cells or ()]
    return "\n".join(lines)


def cell_then_pipe_line(values: list[list[Cell]]) -> str:
    cells_out = [HEADER_NOTE, "申请人情况", "自然人", "法人或其他组织", "总计", "商业\n企业", "科研\n机构",
                 "社会公益组织", "法律服务机构", "其他"]  # fmt: skip
    for label, cells in _rows(values):
        cells_out.append(label)
        cells_out += list(cells or ())
    return "\n".join(f"{c}\n|" for c in cells_out)


def cell_per_line_plain(values: list[list[Cell]]) -> str:
    lines = [HEADER_NOTE, "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织",
             "法律服务机构", "其他"]  # fmt: skip
    for label, cells in _rows(values):
        lines.append(label)
        lines += [c if c else "  " for c in cells or ()]
    return "\n".join(lines)


def pdf_text(values: list[list[Cell]]) -> str:
    lines = ["                申请人情况", "自然人   商业 科研 社会 法律  其他  总计", "        企业 机构 公益 服务"]
    for label, cells in _rows(values):
        lines.append(f"        {label}" + ("" if cells is None else "     " + "   ".join(cells)))
    return "\n".join(lines)


def html_table(values: list[list[Cell]]) -> str:
    def td(text: str, **spans: int) -> str:
        attrs = "".join(f' {name}="{value}"' for name, value in spans.items())
        return f"<td{attrs}>{html_escape.escape(text) if text else '&nbsp;'}</td>"

    rows = [
        "<tr>" + td(HEADER_NOTE, rowspan=3, colspan=3) + td("申请人情况", colspan=7) + "</tr>",
        "<tr>" + td("自然人", rowspan=2) + td("法人或其他组织", colspan=5) + td("总计", rowspan=2) + "</tr>",
        "<tr>" + "".join(td(c) for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")) + "</tr>",
    ]
    for label, cells in _rows(values):
        if cells is not None:
            rows.append("<tr>" + td(label, colspan=3) + "".join(td(c) for c in cells) + "</tr>")
    body = "".join(rows)
    title = "某镇人民政府2022年政府信息公开工作年度报告"
    return f"<html><body><h1>{title}</h1><p>{HEADING}</p><table>{body}</table></body></html>"


def _check(render: Callable[[list[list[Cell]]], str], values: list[list[Cell]], *, html: bool = False) -> None:
    if html:
        source = render(values)
    else:
        source = (
            f"某镇人民政府2022年政府信息公开工作年度报告\n一、总体情况\n无。\n{HEADING}\n{render(values)}\n{CLOSING}"
        )
    report = gp.parse(source, format_version="gov_2021")
    table = report.tables["table3"]
    leaf_rows = [row.id for row in ROWS if not row.is_group]
    for row_id, cells in zip(leaf_rows, values, strict=True):
        for column, text in zip(COLUMNS, cells, strict=True):
            cell = table.cell(row_id, column)
            assert cell is not None, f"{render.__name__}: {row_id}/{column} not read"
            if text.isdigit():
                assert (cell.status, cell.value) == ("value", int(text)), f"{render.__name__}: {row_id}/{column}"
            elif text:
                assert (cell.status, cell.raw.strip()) == ("placeholder", text), f"{render.__name__}: {row_id}/{column}"
            else:
                assert cell.status == "blank", f"{render.__name__}: {row_id}/{column} is {cell}"
    assert not table.unplaced


SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(table_values)
def test_pipe_rows(values: list[list[Cell]]) -> None:
    _check(pipe_rows, values)


@SETTINGS
@given(table_values)
def test_cell_per_line_pipe_suffix(values: list[list[Cell]]) -> None:
    _check(cell_per_line_pipe_suffix, values)


@SETTINGS
@given(table_values)
def test_cell_then_pipe_line(values: list[list[Cell]]) -> None:
    _check(cell_then_pipe_line, values)


@SETTINGS
@given(table_values)
def test_cell_per_line_plain_with_whitespace_blanks(values: list[list[Cell]]) -> None:
    _check(cell_per_line_plain, values)


@SETTINGS
@given(numbers_only)
def test_pdf_text(values: list[list[Cell]]) -> None:
    # PDF text keeps no trace of an empty cell, so only full rows can be read back.
    _check(pdf_text, values)


@SETTINGS
@given(table_values)
def test_html_table(values: list[list[Cell]]) -> None:
    _check(html_table, values, html=True)


# -- tables 二 and 四: the same property through one generic renderer per style --------------------------------

Row = list[str]
LEAF4 = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def table2_rows(values: list[str]) -> tuple[str, list[Row]]:
    v = iter(values)
    rows = [
        ["第二十条第(一)项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", next(v), next(v), next(v)], ["行政规范性文件", next(v), next(v), next(v)],
        ["第二十条第(五)项"], ["信息内容", "本年处理决定数量"], ["行政许可", next(v)],
        ["第二十条第(六)项"], ["信息内容", "本年处理决定数量"], ["行政处罚", next(v)], ["行政强制", next(v)],
        ["第二十条第(八)项"], ["信息内容", "本年收费金额(单位:万元)"], ["行政事业性收费", next(v)],
    ]  # fmt: skip
    return "二、主动公开政府信息情况", rows


def table4_rows(values: list[str]) -> tuple[str, list[Row]]:
    rows = [["行政复议", "行政诉讼"], [*LEAF4, "未经复议直接起诉", "复议后起诉"], LEAF4 + LEAF4, list(values)]
    return "四、政府信息公开行政复议、行政诉讼情况", rows


def render(style: str, rows: list[Row]) -> str:
    if style == "pipe_rows":
        return "\n".join(" | ".join(row) + " |" for row in rows)
    if style == "cell_per_line_pipe_suffix":
        return "\n".join(f"{cell} |" if cell else "|" for row in rows for cell in row)
    if style == "cell_then_pipe_line":
        return "\n".join(f"{cell}\n|" for row in rows for cell in row)
    if style == "cell_per_line_plain":
        return "\n".join(cell if cell else "  " for row in rows for cell in row)
    if style == "pdf_text":
        return "\n".join("   ".join(row) for row in rows)
    raise ValueError(style)


def html_rows(rows: list[Row]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{c or '&nbsp;'}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{cells}</table>"


STYLES = ["pipe_rows", "cell_per_line_pipe_suffix", "cell_then_pipe_line", "cell_per_line_plain", "pdf_text", "html"]
T2_KEYS = [
    *[(row, column) for row in ("regulations", "normative_documents")
      for column in ("issued_this_year", "repealed_this_year", "currently_valid")],
    *[(row, "decisions_this_year") for row in ("administrative_licensing", "administrative_penalty",
                                               "administrative_coercion")],
    ("administrative_fees", "fee_amount_10k_yuan"),
]  # fmt: skip
T4_KEYS = [(r, c) for r in ("review", "litigation_direct", "litigation_after_review") for c in
           ("maintained", "corrected", "other", "pending", "total")]  # fmt: skip


def _roundtrip(table_id: str, build: Callable[[list[str]], tuple[str, list[Row]]], keys: list[tuple[str, str]],
               style: str, values: list[str]) -> None:  # fmt: skip
    heading, rows = build(values)
    title = "某镇人民政府2022年政府信息公开工作年度报告"
    if style == "html":
        source = (
            f"<html><body><h1>{title}</h1><p>一、总体情况</p><p>无。</p><p>{heading}</p>{html_rows(rows)}</body></html>"
        )
    else:
        source = f"{title}\n一、总体情况\n无。\n{heading}\n{render(style, rows)}\n五、存在的主要问题及改进情况\n无。"
    table = gp.parse(source, format_version="gov_2021").tables[table_id]
    for (row, column), text in zip(keys, values, strict=True):
        cell = table.cell(row, column)
        assert cell is not None, f"{style}: {table_id}/{row}/{column} not read"
        if text.isdigit():
            assert (cell.status, cell.value) == ("value", int(text)), f"{style}: {row}/{column} = {cell}"
        else:
            assert cell.status == ("placeholder" if text else "blank"), f"{style}: {row}/{column} = {cell}"


# Six styles share the examples: more of them, so each style sees several tables.
EVERY_STYLE = settings(SETTINGS, max_examples=60)


@EVERY_STYLE
@given(st.sampled_from(STYLES), st.data())
def test_table2_every_style(style: str, data: st.DataObject) -> None:
    cells = st.integers(0, 999).map(str) if style == "pdf_text" else cell_text
    _roundtrip("table2", table2_rows, T2_KEYS, style, data.draw(st.lists(cells, min_size=10, max_size=10)))


@EVERY_STYLE
@given(st.sampled_from(STYLES), st.data())
def test_table4_every_style(style: str, data: st.DataObject) -> None:
    cells = st.integers(0, 999).map(str) if style == "pdf_text" else cell_text
    _roundtrip("table4", table4_rows, T4_KEYS, style, data.draw(st.lists(cells, min_size=15, max_size=15)))
