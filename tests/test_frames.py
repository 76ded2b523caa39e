from __future__ import annotations

import math
from decimal import Decimal
from types import MappingProxyType

import pandas as pd
import pytest

from govreport_parser import to_frame
from govreport_parser.batch import Failure
from govreport_parser.frames import (
    CELL_SCHEMA,
    DIAGNOSTIC_SCHEMA,
    REPORT_SCHEMA,
    cells_frame,
    diagnostics_frame,
    json_lines,
    reports_frame,
    wide_frame,
)
from govreport_parser.model import Cell, Diagnostic, Report, ReportMeta, SourceSpan, Table
from govreport_parser.vocabulary import load_vocabulary


def make_report(
    version: str = "gov_2021", *, source: str | None = "a.txt", tables: tuple[str, ...] = ("table2", "table3", "table4")
) -> Report:
    """A report whose every cell holds a distinct number derived from its position, plus a few special cells."""
    vocabulary = load_vocabulary()
    built = {}
    for table_id in tables:
        spec = vocabulary.table(version, table_id)
        assert spec is not None
        cells = []
        for number, (row, column, block) in enumerate(spec.cell_keys()):
            value: int | Decimal | None = number
            status = "value"
            raw = str(number)
            if column == "fee_amount_10k_yuan":
                value, raw = Decimal("1.25"), "1.25"
            if (table_id, row, column) == ("table3", "granted", "natural_person"):
                value, status, raw = None, "placeholder", "/"
            if (table_id, row, column) == ("table4", "review", "pending"):
                value, status, raw = None, "blank", ""
            cells.append(
                Cell(
                    table=table_id,
                    row=row,
                    column=column,
                    value=value,
                    status=status,  # type: ignore[arg-type]
                    raw=raw,
                    block=block,
                    span=SourceSpan(line_start=10 + number),
                    inferred=(row, column) == ("new_received", "total"),
                )
            )
        built[table_id] = Table(id=table_id, cells=tuple(cells))
    diagnostics = (
        Diagnostic(
            code="A001",
            severity="error",
            message="sum fails",
            span=SourceSpan(line_start=3, table="table3", row="new_received"),
            context=MappingProxyType({"expected": 5, "actual": 4}),
        ),
        Diagnostic(code="S001", severity="warning", message="no title"),
    )
    meta = ReportMeta(agency="西华池镇人民政府", year=2022, format_version=version, source=source)  # type: ignore[arg-type]
    return Report(meta=meta, tables=MappingProxyType(built), diagnostics=diagnostics)


def test_cells_frame_columns_dtypes_and_values() -> None:
    report = make_report()
    frame = cells_frame([report])
    assert list(frame.columns) == [name for name, _ in CELL_SCHEMA]
    assert list(frame.columns[:7]) == ["source", "table", "row", "column", "value", "status", "raw"]
    assert len(frame) == 10 + 175 + 15
    assert frame["value"].dtype == "float64"
    assert frame["year"].dtype == "Int64" and frame["line"].dtype == "Int64"
    assert isinstance(frame["status"].dtype, pd.CategoricalDtype)
    assert set(frame["status"].cat.categories) == {"value", "blank", "placeholder"}
    row = frame[(frame.table == "table3") & (frame.row == "granted") & (frame.column == "natural_person")].iloc[0]
    assert math.isnan(row["value"]) and row["status"] == "placeholder" and row["raw"] == "/"
    fee = frame[frame.column == "fee_amount_10k_yuan"].iloc[0]
    assert fee["value"] == 1.25 and fee["block"] == "art20_8"
    assert frame["inferred"].sum() == 1
    assert frame["agency"].iloc[0] == "西华池镇人民政府" and frame["year"].iloc[0] == 2022
    assert frame["source"].unique().tolist() == ["a.txt"]
    assert frame["line"].iloc[0] == 10


def test_cells_frame_source_falls_back_to_index_and_empty_frame_has_schema() -> None:
    frame = to_frame([make_report(source=None, tables=("table4",)), make_report(source="b.txt", tables=("table4",))])
    assert frame["source"].unique().tolist() == ["0", "b.txt"]
    empty = cells_frame([])
    assert list(empty.columns) == [name for name, _ in CELL_SCHEMA] and len(empty) == 0
    assert empty["value"].dtype == "float64" and empty["year"].dtype == "Int64"


def test_cells_frame_chinese_labels_and_mapping() -> None:
    report = make_report()
    zh = report.to_frame(label_names="zh")
    row = zh[(zh.table == "table3") & (zh.row == "new_received") & (zh.column == "natural_person")].iloc[0]
    assert row["row_label"] == "一、本年新收政府信息公开申请数量" and row["column_label"] == "自然人"
    assert zh[zh.column == "fee_amount_10k_yuan"]["column_label"].iloc[0] == "本年收费金额（单位：万元）"
    renamed = cells_frame([report], label_names={"table3/total": "T3_TOTAL", "total": "TOTAL", "review": "复议"})
    assert set(renamed[renamed.table == "table3"]["column"]) >= {"T3_TOTAL"}
    assert "TOTAL" in set(renamed[renamed.table == "table4"]["column"])
    assert "复议" in set(renamed["row"])
    with pytest.raises(ValueError, match="label_names"):
        cells_frame([report], label_names="en")


def test_wide_table3_gov2021_and_2019() -> None:
    wide = make_report().to_wide("table3")
    assert wide.shape == (25, 7)
    assert list(wide.columns) == [
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "public_interest_org",
        "legal_service_org",
        "other_org",
        "total",
    ]
    assert wide.index[0] == "new_received" and wide.index[-1] == "carried_forward"
    assert wide.loc["new_received", "natural_person"] == 0 and wide.loc["carried_over", "natural_person"] == 7
    assert pd.isna(wide.loc["granted", "natural_person"])
    assert str(wide["total"].dtype) == "Int64"
    old = wide_frame(make_report("gov_2019_trial"), "table3")
    assert old.shape == (23, 7)
    assert "other" in old.index and "other_misc" not in old.index


def test_wide_table4_and_table2_union_and_chinese() -> None:
    report = make_report()
    t4 = report.to_wide("table4")
    assert t4.shape == (3, 5) and pd.isna(t4.loc["review", "pending"]) and t4.loc["review", "total"] == 4
    t2 = report.to_wide("table2")
    assert list(t2.index) == [
        "regulations",
        "normative_documents",
        "administrative_licensing",
        "administrative_penalty",
        "administrative_coercion",
        "administrative_fees",
    ]
    assert t2.shape == (6, 5)
    assert t2.loc["regulations", "issued_this_year"] == 0 and pd.isna(t2.loc["regulations", "decisions_this_year"])
    assert t2.loc["administrative_fees", "fee_amount_10k_yuan"] == 1.25
    assert str(t2["fee_amount_10k_yuan"].dtype) == "Float64"
    zh = report.to_wide("table2", chinese=True)
    assert zh.loc["规章", "本年制发件数"] == 0 and zh.loc["行政事业性收费", "本年收费金额（单位：万元）"] == 1.25
    zh4 = report.to_wide("table4", chinese=True)
    assert list(zh4.columns) == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert list(zh4.index) == ["行政复议", "未经复议直接起诉", "复议后起诉"]


def test_wide_missing_table_is_all_na_and_unknown_raises() -> None:
    report = make_report(tables=("table4",))
    t3 = report.to_wide("table3")
    assert t3.shape == (25, 7) and t3.isna().all().all()
    with pytest.raises(KeyError, match="table9"):
        report.to_wide("table9")


def test_wide_without_version_uses_matching_vocabulary() -> None:
    report = make_report("gov_2019_trial", tables=("table3",))
    unversioned = Report(meta=ReportMeta(), tables=report.tables)
    assert wide_frame(unversioned, "table3").shape == (23, 7)


def test_diagnostics_frame() -> None:
    frame = make_report().diagnostics_frame()
    assert list(frame.columns) == [name for name, _ in DIAGNOSTIC_SCHEMA]
    assert frame["code"].tolist() == ["A001", "S001"]
    first = frame.iloc[0]
    assert first["line_start"] == 3 and first["table"] == "table3" and first["row"] == "new_received"
    assert first["context"] == '{"actual": 4, "expected": 5}'
    assert pd.isna(frame.iloc[1]["line_start"]) and pd.isna(frame.iloc[1]["context"])
    assert len(diagnostics_frame([])) == 0


def test_reports_frame_ok_and_failed() -> None:
    frame = reports_frame(
        [("a.txt", make_report()), ("b.txt", Failure(path="b.txt", error="IsADirectoryError", message="is a dir"))]
    )
    assert list(frame.columns) == [name for name, _ in REPORT_SCHEMA]
    ok, failed = frame.iloc[0], frame.iloc[1]
    assert ok["status"] == "ok" and ok["errors"] == 1 and ok["warnings"] == 1 and ok["codes"] == "A001 S001"
    assert ok["cells"] == 200 - 2 and ok["year"] == 2022
    assert failed["status"] == "failed" and failed["error"] == "IsADirectoryError: is a dir" and failed["cells"] == 0


def test_json_lines_writes_nan_as_null() -> None:
    text = json_lines([("x", float("nan"))], (("source", "str"), ("value", "float")))
    assert text == '{"source": "x", "value": null}\n'
