"""Time the glued-cell solver on 012's table 三 and on worst-case long digit runs."""

from __future__ import annotations

import re
import time
from pathlib import Path

from govreport_parser.glued import GluedRow, enumerate_splits, solve_table3, solve_table4
from govreport_parser.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 20


def _runs_012() -> list[str]:
    text = (ROOT / "fixtures" / "samples" / "github" / "012.txt").read_text(encoding="utf-8")
    body = text[text.index("一、本年新收") : text.index("四、政府信息公开行政法")]
    return [m.group(1) for m in re.finditer(r"(\d+)(?=\d\.|[（(一二三四]|\s*$)", body)]


def _time(label: str, function: object) -> None:
    assert callable(function)
    start = time.perf_counter()
    for _ in range(REPEAT):
        result = function()
    elapsed = (time.perf_counter() - start) / REPEAT
    steps = getattr(result, "steps", None)
    print(f"{label:<48} {elapsed * 1000:8.2f} ms  steps={steps}")


def main() -> None:
    spec = load_vocabulary().table("gov_2021", "table3")
    assert spec is not None
    leaf = [row.id for row in spec.leaf_rows]
    results = [row.id for row in spec.leaf_rows if row.parent is not None and row.id != "results_total"]
    rows = [GluedRow(row=r, digits=d, values=None) for r, d in zip(leaf, _runs_012(), strict=True)]
    _time("012 table3 (25 glued rows)", lambda: solve_table3(rows, leaf_rows=leaf, results_leaf_rows=results))
    _time("60-digit run, 7 parts with total", lambda: enumerate_splits("9" * 60, 7, total_last=True))
    _time("60-digit run, table4 (15 values)", lambda: solve_table4("9" * 60))
    long_rows = [GluedRow(row=r, digits="9" * 60, values=None) for r in leaf]
    _time(
        "table3 with 25 rows of 60 digits", lambda: solve_table3(long_rows, leaf_rows=leaf, results_leaf_rows=results)
    )


if __name__ == "__main__":
    main()
