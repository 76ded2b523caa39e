"""Relation checks driven by format.json: which failures are reported, with which code and context."""

from __future__ import annotations

import pytest

import govreport_parser as gp
from govreport_parser.validate import parse_expression

T3_HEADER = "三、收到和处理政府信息公开申请情况\n"


def _t3(rows: dict[str, str]) -> str:
    labels = {
        "new": "一、本年新收政府信息公开申请数量",
        "over": "二、上年结转政府信息公开申请数量",
        "granted": "三、本年度办理结果 | (一)予以公开",
        "total": "(七)总计",
        "forward": "四、结转下年度继续办理",
    }
    return T3_HEADER + "\n".join(f"{labels[key]} | {values} |" for key, values in rows.items())


def test_parse_expression_signs_and_operator() -> None:
    equation = parse_expression("a + b == c - d")
    assert equation.lhs == ((1, "a"), (1, "b"))
    assert equation.op == "=="
    assert equation.rhs == ((1, "c"), (-1, "d"))
    with pytest.raises(ValueError):
        parse_expression("a + b")


def test_balanced_table_has_no_arithmetic_diagnostic() -> None:
    report = gp.parse(
        _t3(
            {
                "new": "2 | 0 | 0 | 0 | 0 | 0 | 2",
                "over": "1 | 0 | 0 | 0 | 0 | 0 | 1",
                "granted": "2 | 0 | 0 | 0 | 0 | 0 | 2",
                "total": "2 | 0 | 0 | 0 | 0 | 0 | 2",
                "forward": "1 | 0 | 0 | 0 | 0 | 0 | 1",
            }
        )
    )
    assert not [d for d in report.diagnostics if d.code in ("A001", "A002")]


def test_balance_failure_names_relation_column_and_both_sides() -> None:
    report = gp.parse(
        _t3(
            {
                "new": "2 | 0 | 0 | 0 | 0 | 0 | 2",
                "over": "0 | 0 | 0 | 0 | 0 | 0 | 0",
                "granted": "1 | 0 | 0 | 0 | 0 | 0 | 1",
                "total": "1 | 0 | 0 | 0 | 0 | 0 | 1",
                "forward": "0 | 0 | 0 | 0 | 0 | 0 | 0",
            }
        )
    )
    failures = [d for d in report.diagnostics if d.code == "A001"]
    assert {d.span.column for d in failures} == {"natural_person", "total"}
    first = failures[0]
    assert first.severity == "error"
    assert first.context["relation"] == "t3_balance"
    assert first.context["actual"] == 2 and first.context["expected"] == 1


def test_blank_total_is_not_checked_as_zero() -> None:
    report = gp.parse(T3_HEADER + "一、本年新收政府信息公开申请数量 | 3 | 1 |  |  |  |  |  |")
    assert not [d for d in report.diagnostics if d.code == "A002"]


def test_strict_parse_raises_on_an_official_relation_failure() -> None:
    text = _t3(
        {
            "new": "2 | 0 | 0 | 0 | 0 | 0 | 2",
            "over": "0 | 0 | 0 | 0 | 0 | 0 | 0",
            "granted": "1 | 0 | 0 | 0 | 0 | 0 | 1",
            "total": "1 | 0 | 0 | 0 | 0 | 0 | 1",
            "forward": "0 | 0 | 0 | 0 | 0 | 0 | 0",
        }
    )
    with pytest.raises(gp.ParseError) as raised:
        gp.parse(text, strict=True)
    assert any(d.code == "A001" for d in raised.value.diagnostics)


def _report(
    agency_year: tuple[str, int], valid: int, issued: int, repealed: int, carried: tuple[int, int]
) -> gp.Report:
    agency, year = agency_year
    text = f"""{agency}{year}年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第(一)项 | |||
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 0 |
行政规范性文件 | {issued} | {repealed} | {valid} |
三、收到和处理政府信息公开申请情况
二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | {carried[0]} |
四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | {carried[1]} |
"""
    return gp.parse(text)


def test_across_years_flags_breaks_between_consecutive_reports_only() -> None:
    agency = "某镇人民政府"
    y2021 = _report((agency, 2021), valid=10, issued=2, repealed=0, carried=(0, 3))
    y2022 = _report((agency, 2022), valid=11, issued=2, repealed=0, carried=(3, 1))  # valid should be 12
    y2024 = _report((agency, 2024), valid=99, issued=0, repealed=0, carried=(7, 0))  # 2023 missing: not compared
    other = _report(("另一局", 2022), valid=1, issued=1, repealed=0, carried=(5, 0))
    assert y2022.meta.agency == agency and y2022.meta.year == 2022
    findings = gp.check_across_years([y2024, other, y2022, y2021])
    assert [(report.meta.year, d.context["relation"], d.span.row) for report, d in findings] == [
        (2022, "t2_cross_year_valid", "normative_documents")
    ]
    diagnostic = findings[0][1]
    assert diagnostic.code == "A003" and diagnostic.severity == "info"
    assert diagnostic.context["actual"] == 11 and diagnostic.context["expected"] == 12
    assert diagnostic.context["previous_year"] == 2021


def test_across_years_carry_over_mismatch() -> None:
    agency = "某镇人民政府"
    first = _report((agency, 2021), valid=0, issued=0, repealed=0, carried=(0, 4))
    second = _report((agency, 2022), valid=0, issued=0, repealed=0, carried=(2, 0))
    findings = gp.check_across_years([first, second])
    assert [d.context["relation"] for _, d in findings] == ["t3_cross_year_carry"]
