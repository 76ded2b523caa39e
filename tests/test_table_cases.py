"""Table cases from fixtures/cases/tables.txt: one small report per case, expectations per cell and diagnostic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

import govreport_parser as gp

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "cases" / "tables.txt"


class Case(NamedTuple):
    title: str
    line: int
    text: str
    expectations: list[str]


def read_cases(path: Path) -> list[Case]:
    """Parse the title / . / input / . / expected / . format (markdown-it-py style)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() or line.startswith("#"):
            index += 1
            continue
        title, start = line.strip(), index + 1
        assert lines[index + 1] == ".", f"{path.name}:{index + 2}: expected '.' after the title"
        body_end = lines.index(".", index + 2)
        expected_end = lines.index(".", body_end + 1)
        cases.append(Case(title, start, "\n".join(lines[index + 2 : body_end]), lines[body_end + 1 : expected_end]))
        index = expected_end + 1
    return cases


def _cell_text(report: gp.Report, key: str) -> str:
    table_id, row, column = key.split("/")
    table = report.tables.get(table_id)
    cell = table.cell(row, column) if table is not None else None
    if cell is None:
        return "none"
    if cell.status == "blank":
        return "blank"
    if cell.status == "placeholder":
        return f"placeholder:{cell.raw.strip()}"
    return str(cell.value)


@pytest.mark.parametrize("case", read_cases(CASES), ids=lambda c: f"line{c.line}-{c.title[:30]}")
def test_table_case(case: Case) -> None:
    body = case.text.split("\n")
    version = body[0].split("=", 1)[1].strip() if body[0].startswith("version =") else None
    text = "\n".join(body[1:] if version else body)
    report = gp.parse(text, format_version=version)
    codes = {d.code for d in report.diagnostics}
    for expectation in case.expectations:
        if not expectation.strip():
            continue
        if expectation.startswith("!"):
            assert expectation[1:] in codes, f"{case.title}: expected {expectation[1:]} in {sorted(codes)}"
        elif expectation.startswith("-"):
            assert expectation[1:] not in codes, f"{case.title}: unexpected {expectation[1:]}: {report.diagnostics}"
        else:
            key, want = (part.strip() for part in expectation.split("=", 1))
            got = _cell_text(report, key)
            if want not in ("blank", "none") and not want.startswith("placeholder:"):
                assert got != "none" and Decimal(got) == Decimal(want), f"{case.title}: {key} = {got}, want {want}"
            else:
                assert got == want, f"{case.title}: {key} = {got}, want {want}"


def test_case_file_parses() -> None:
    assert len(read_cases(CASES)) >= 12
