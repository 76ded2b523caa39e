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
