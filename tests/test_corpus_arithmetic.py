"""Every complete table 三/四 in the samples either adds up or carries a diagnostic naming the failed relation.

The sums are recomputed here independently of validate.py, so a relation the validator skips or misreads shows up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import govreport_parser as gp

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
FILES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".txt", ".html"))
T3_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
              "legal_service_org", "other_org", "total")  # fmt: skip
T4_PARTS = ("maintained", "corrected", "other", "pending")


def _value(table: gp.Table, row: str, column: str) -> int | None:
    cell = table.cell(row, column)
    if cell is None:
        return None
    return int(cell.value) if cell.value is not None else 0


def _failures(report: gp.Report) -> set[tuple[str, str]]:
    """(relation, row or column) pairs that fail, by the format's own arithmetic."""
    failed: set[tuple[str, str]] = set()
    table4 = report.tables.get("table4")
    if table4 is not None and table4.complete:
        for row in ("review", "litigation_direct", "litigation_after_review"):
            total = table4.cell(row, "total")
            if total is None or total.status != "value":
                continue
            if sum(_value(table4, row, c) or 0 for c in T4_PARTS) != total.value:
                failed.add(("t4_row_total", row))
    table3 = report.tables.get("table3")
    if table3 is not None and table3.complete:
        balance_rows = ("new_received", "carried_over", "results_total", "carried_forward")
        for column in T3_COLUMNS:
            cells = [table3.cell(row, column) for row in balance_rows]
            if any(cell is None for cell in cells) or not any(c is not None and c.status == "value" for c in cells):
                continue
            new, over, results, forward = (_value(table3, row, column) or 0 for row in balance_rows)
            if new + over != results + forward:
                failed.add(("t3_balance", column))
    return failed


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_complete_tables_add_up_or_say_why(path: Path) -> None:
    report = gp.parse(path)
    named = {
        (d.context.get("relation"), d.span.row or d.span.column)
        for d in report.diagnostics
        if d.code in ("A001", "A002")
    }
    for relation, where in _failures(report):
        assert (relation, where) in named, f"{path.name}: {relation} fails for {where} without a diagnostic"


def test_the_corpus_has_complete_tables_to_check() -> None:
    complete = [p for p in FILES if any(t.complete for k, t in gp.parse(p).tables.items() if k in ("table3", "table4"))]
    assert len(complete) >= 6
