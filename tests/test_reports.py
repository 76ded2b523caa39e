"""Whole-report tests: golden snapshots of `Report.to_dict()` and the reference report's must-hold facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SAMPLES, parse_relative

from govreport_parser import Report

# One or more reports per text flattening style of fixtures/samples/README.md, so a change in any reader shows up
# as a golden diff. Regenerate deliberately: `python -m pytest tests/test_reports.py --force-regen`.
GOLDEN_SAMPLES = (
    "seed/xihuachi-2022.txt",  # pipe rows with leading pipe; section 三 holds a copy of table 二; site chrome
    "pages/007.txt",  # pipe rows without leading pipe; caption merged into the header row
    "pages/247.txt",  # pipe rows; decimal fee 800.05 万元
    "pages/176.txt",  # pipe rows; label typo 本年处理绝对数量; unit inside a value cell
    "pages/014.txt",  # cell per line ending ' |', merged-span rows; 2019 template labels
    "pages/327.txt",  # cell per line ending ' |' with '|||' filler lines
    "pages/051.txt",  # cell, then a lone '|' line
    "pages/217.txt",  # cell, then a lone '|' line; split header cells
    "pages/002.txt",  # plain cell per line separated by blank lines
    "pages/278.txt",  # plain cell per line plus accessibility chrome
    "github/003.txt",  # PDF text (WPS), page furniture
    "github/006.txt",  # whole report on one line, tables glued without separators
    "github/012.txt",  # one line, glued cells recoverable only through the format's arithmetic
    "pages/019.txt",  # traditional script, cell per line
    "pages/062.txt",  # traditional script with inline pinyin, pipe rows
    "pages/198.txt",  # traditional with pinyin, tab-separated cells
    "pages/057.txt",  # 2019 trial template, truncated header cells
    "pages/082.txt",  # 2019 trial template, signed delta '+19'
    "pages/210.txt",  # 2019 trial template, header broken by a space, unit in value
    "github/010.txt",  # legacy 2011 report with the old five-part structure and statistics table
    "pages/094.txt",  # legacy 2018 four-part report, prose only
    "pages/175.txt",  # doc-sharing extraction on one line with no separators at all
    "pages/251.txt",  # mixed flattening inside one report
    "github/013.html",  # HTML embedded in a JavaScript string
    "github/020.html",  # saved HTML page with collector wrapper
)

SEED_SECTIONS = (
    "overview",
    "active_disclosure",
    "applications",
    "review_litigation",
    "problems_improvements",
    "other_matters",
)
# (row, column) → expected value of table 二 in the seed; every cell is printed as 0.
SEED_TABLE2 = {
    ("regulations", "issued_this_year"): 0,
    ("regulations", "repealed_this_year"): 0,
    ("regulations", "currently_valid"): 0,
    ("normative_documents", "issued_this_year"): 0,
    ("normative_documents", "repealed_this_year"): 0,
    ("normative_documents", "currently_valid"): 0,
    ("administrative_licensing", "decisions_this_year"): 0,
    ("administrative_penalty", "decisions_this_year"): 0,
    ("administrative_coercion", "decisions_this_year"): 0,
    ("administrative_fees", "fee_amount_10k_yuan"): 0,
}


def test_golden_samples_exist() -> None:
    missing = [name for name in GOLDEN_SAMPLES if not (SAMPLES / name).is_file()]
    assert missing == []


@pytest.mark.parametrize("name", GOLDEN_SAMPLES)
def test_golden(name: str, in_root: Path, data_regression: Any) -> None:
    report = parse_relative((SAMPLES / name).relative_to(ROOT))
    data = report.to_dict()
    assert data["meta"]["source"] == f"fixtures/samples/{name}"
    data_regression.check(data)


# HTML fixtures beyond the samples: a GBK page (same report as its UTF-8 twins) and a page of malformed tables.
HTML_GOLDENS = ("fixtures/encodings/gbk_meta.html", "fixtures/html/malformed_tables.html")


@pytest.mark.parametrize("name", HTML_GOLDENS)
def test_html_golden(name: str, in_root: Path, data_regression: Any) -> None:
    report = parse_relative(Path(name))
    data = report.to_dict()
    assert data["meta"]["input_format"] == "html"
    data_regression.check(data)


# --- The reference report (issue 2): facts that must hold whatever the goldens say. ---


def test_seed_meta(seed_report: Report) -> None:
    meta = seed_report.meta
    assert meta.agency == "西华池镇人民政府"
    assert meta.year == 2022
    assert meta.format_version == "gov_2021"
    assert meta.level == "township"


def test_seed_sections_in_order(seed_report: Report) -> None:
    assert tuple(s.id for s in seed_report.sections if s.id is not None) == SEED_SECTIONS


def test_seed_overview_has_five_subsections(seed_report: Report) -> None:
    overview = seed_report.section("overview")
    assert overview is not None
    assert [sub.ordinal for sub in overview.subsections] == ["一", "二", "三", "四", "五"]
    assert overview.subsections[0].heading.startswith("主动公开情况")
    assert overview.subsections[4].heading.startswith("监督保障")


def test_seed_table2_values(seed_report: Report) -> None:
    table = seed_report.tables["table2"]
    for (row, column), expected in SEED_TABLE2.items():
        cell = table.cell(row, column)
        assert cell is not None, (row, column)
        assert (cell.value, cell.status) == (expected, "value"), (row, column)


def test_seed_table3_holds_no_numbers(seed_report: Report) -> None:
    table = seed_report.tables.get("table3")
    values = [] if table is None else [cell.value for cell in table.cells if cell.value is not None]
    assert values == []
    assert seed_report.value("table3/new_received/total") is None


def test_seed_reports_table2_copy_in_section_three(seed_report: Report) -> None:
    copies = [
        d
        for d in seed_report.diagnostics
        if d.code in ("T002", "T003")
        and (d.span.section == "applications" or "applications" in d.message)
        and (d.span.table == "table2" or "table2" in d.message)
    ]
    assert copies, [d.as_dict() for d in seed_report.diagnostics]


def test_seed_table4_fifteen_zeros(seed_report: Report) -> None:
    cells = seed_report.tables["table4"].cells
    assert len(cells) == 15
    assert [(c.value, c.status) for c in cells] == [(0, "value")] * 15


def test_seed_arithmetic_holds(seed_report: Report) -> None:
    assert [d.code for d in seed_report.diagnostics if d.code.startswith("A")] == []


def test_seed_other_matters_without_site_chrome(seed_report: Report) -> None:
    other = seed_report.section("other_matters")
    assert other is not None
    assert other.text.endswith("本年度没有产生信息公开处理费。")
    assert "登录" not in other.text
