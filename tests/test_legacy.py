from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.grid import RawCell
from govreport_parser.legacy import cells_to_stats_table
from govreport_parser.model import Table
from govreport_parser.vocabulary import load_vocabulary

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def cells_from_text(text: str) -> list[RawCell]:
    """Split text into cells the way grid.py does: pipe rows keep row/col, other lines are one cell each."""
    cells: list[RawCell] = []
    row = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not line:
            cells.append(RawCell(text="", line=number, kind="empty"))
        elif not stripped:
            cells.append(RawCell(text="", line=number, kind="whitespace"))
        elif stripped == "|":
            cells.append(RawCell(text="", line=number, kind="lone_pipe"))
        else:
            parts = stripped.split("|")
            if len(parts) == 2 and parts[1].strip() == "":
                cells.append(RawCell(text=parts[0], line=number, kind="cell"))
            elif len(parts) == 1:
                cells.append(RawCell(text=line, line=number, kind="cell"))
            else:
                if parts[-1] == "":
                    parts = parts[:-1]
                cells.extend(
                    RawCell(text=part, line=number, kind="pipe_row", row=row, col=col) for col, part in enumerate(parts)
                )
                row += 1
    return cells


def read(text: str) -> tuple[Table | None, DiagnosticSink]:
    sink = DiagnosticSink()
    return cells_to_stats_table(cells_from_text(text), load_vocabulary(), sink), sink


def read_fixture(name: str) -> tuple[Table | None, DiagnosticSink]:
    return read((FIXTURES / name).read_text(encoding="utf-8"))


def codes(sink: DiagnosticSink) -> list[str]:
    return [d.code for d in sink.diagnostics]


# -- the 2014 form -------------------------------------------------------------------------------------------------


def test_2014_form_in_pipe_rows_maps_every_indicator() -> None:
    table, sink = read_fixture("legacy/stats2014_pipe_rows.txt")
    assert table is not None
    assert table.id == "stats_table_2014"
    assert table.complete
    assert len(table.cells) == 61
    assert not any(cell.row.startswith("?") for cell in table.cells)
    assert table.value("active_items", "value") == 1520
    assert table.value("channel_website", "value") == 1480
    assert table.value("received_online", "value") == 12
    assert table.value("refuse_privacy", "value") == 1
    assert table.value("fees_collected", "value") == Decimal("0.05")
    assert table.value("special_funds", "value") == Decimal("12.5")
    assert table.value("trainees", "value") == 150
    assert [cell.row for cell in table.cells[:3]] == ["active_items", "active_normative_docs", "normative_docs_issued"]
    assert codes(sink) == []


def test_repeated_labels_resolve_by_their_parent_item() -> None:
    table, _ = read_fixture("legacy/stats2014_pipe_rows.txt")
    assert table is not None
    assert table.value("review_other", "value") == 1
    assert table.value("litigation_other", "value") == 0
    assert table.value("complaints_other", "value") == 2
    assert table.value("review_corrected", "value") == 1
    assert table.value("litigation_corrected", "value") == 0
    assert table.value("review_maintained", "value") == 1
    assert table.value("complaints_maintained", "value") == 0
    review_other = table.cell("review_other", "value")
    assert review_other is not None and review_other.span.line_start == 50


def test_placeholder_stays_distinct_from_zero_and_blank() -> None:
    table, _ = read_fixture("legacy/stats2014_pipe_rows.txt")
    assert table is not None
    other = table.cell("channel_other", "value")
    assert other is not None and other.status == "placeholder" and other.raw == "/" and other.value is None
    zero = table.cell("weibo_weixin_responses", "value")
    assert zero is not None and zero.status == "value" and zero.value == 0


def test_cell_per_line_with_blank_cells_and_missing_rows() -> None:
    table, sink = read_fixture("legacy/cell_per_line.txt")
    assert table is not None
    assert table.value("received", "value") == 7
    # '1.当面申请数' has a blank unit cell ('|'), then its value.
    assert table.value("received_in_person", "value") == 2
    fax = table.cell("received_fax", "value")
    assert fax is not None and fax.status == "blank"
    assert table.value("received_online", "value") == 5
    letter = table.cell("received_letter", "value")
    assert letter is not None and letter.status == "placeholder" and letter.raw == "—"
    assert table.value("review_maintained", "value") == 1
    # Only 9 of the 61 value rows are printed: a local excerpt, kept in source order.
    assert [c.row for c in table.cells][:2] == ["received", "received_in_person"]
    assert "L001" not in codes(sink)


# -- local forms with several value columns --------------------------------------------------------------------------


def test_local_form_with_two_value_columns() -> None:
    table, sink = read_fixture("legacy/local_two_columns_spaced.txt")
    assert table is not None
    assert table.value("active_items", "value") == 425
    assert table.value("active_items", "value_2") == 1516
    assert table.value("channel_gazette", "value_2") == 7
    assert table.value("received", "value") == 12
    assert table.value("?电子邮件申请数", "value") == 2
    assert table.value("?网上申请数", "value_2") == 9
    # 行政申诉数 is one character from 行政诉讼数 but a different indicator: never fuzzy-matched onto it.
    assert table.value("litigation", "value_2") == 0
    assert table.value("?行政申诉数", "value") == 0
    dash = table.cell("?其它形式申请数", "value_2")
    assert dash is not None and dash.status == "placeholder" and dash.raw == "—"
    t012 = [d for d in sink.diagnostics if d.code == "T012"]
    assert len(t012) == 1
    assert t012[0].context["headers"] == ("2009年度", "历年累计")
    unknown = sorted(d.context["label"] for d in sink.diagnostics if d.code == "L001")
    assert unknown == ["3.否决公开答复总数", "3.电子邮件申请数", "4.网上申请数", "6.其它形式申请数", "行政申诉数"]
    # The note after the table is prose, not an indicator.
    assert not any(cell.row.startswith("?注") for cell in table.cells)


def test_010_glued_statistics_table() -> None:
    """平潭县 2011: the whole report on one line, the table's cells glued ('主动公开信息数条4251516')."""
    text = (FIXTURES / "samples" / "github" / "010.txt").read_text(encoding="utf-8")
    table, sink = read(text)
    assert table is not None
    gazette = table.cell("channel_gazette", "value")
    assert gazette is not None and gazette.inferred and gazette.value == 7 and gazette.raw == "77"
    assert table.value("channel_gazette", "value_2") == 7
    assert table.value("received", "value") == 0
    assert table.value("reply_partial", "value_2") == 0
    assert table.value("review", "value") == 0
    # 4251516 is 4|251516, 42|51516 or 425|1516 (2011年度 <= 历年累计 holds for all three): left unsplit.
    active = table.cell("active_items", "value")
    assert active is not None and active.status == "blank" and active.value is None
    assert [u.raw for u in table.unplaced] == ["4251516", "4181509"]
    t008 = [d for d in sink.diagnostics if d.code == "T008"]
    assert [d.context["candidates"] for d in t008] == [3, 3]
    assert len([d for d in sink.diagnostics if d.code == "T007"]) == 15
    assert {c.row for c in table.cells if c.row.startswith("?")} == {
        "?电子邮件申请数",
        "?网上申请数",
        "?其它形式申请数",
        "?否决公开答复数",
        "?行政申诉数",
    }


def test_glued_two_columns_decided_by_a_structural_sum() -> None:
    text = "\n".join(
        [
            "统计指标 单位 本期实际 本年累计",
            "(一)收到申请数件1225",
            "1.当面申请数 件 5 11",
            "2.传真申请数 件 0 1",
            "3.网络申请数 件 4 9",
            "4.信函申请数 件 3 4",
        ]
    )
    table, sink = read(text)
    assert table is not None
    # 1225: 1|225 and 12|25 keep 本年累计 >= 本期实际; legacy_received (5+0+4+3 | 11+1+9+4) picks 12|25.
    assert table.value("received", "value") == 12
    assert table.value("received", "value_2") == 25
    cell = table.cell("received", "value_2")
    assert cell is not None and cell.inferred
    assert "T007" in codes(sink)


# -- not a statistics table ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pages/009.txt", "pages/094.txt", "pages/173.txt", "seed/xihuachi-2022.txt"])
def test_prose_and_modern_tables_are_not_statistics_tables(name: str) -> None:
    table, sink = read((FIXTURES / "samples" / name).read_text(encoding="utf-8"))
    assert table is None
    assert codes(sink) == []


def test_headerless_table_needs_several_matched_rows() -> None:
    rows = ["(一)收到申请数 件 7", "1.当面申请数 件 2", "2.传真申请数 件 0", "3.网络申请数 件 5"]
    table, _ = read("\n".join(rows))
    assert table is not None and table.value("received_online", "value") == 5
    assert read("\n".join(rows[:2]))[0] is None
    assert read("")[0] is None
