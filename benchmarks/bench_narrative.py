"""Benchmark figure extraction: jieba stays unloaded by import and parse, and figures cost ≤ 5 ms on a 10 KB report."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from timing import median_ms

import govreport_parser
from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.narrative import check_figures, sections_to_figures

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "samples" / "seed" / "xihuachi-2022.txt"
# Target from the narrative brief: figure extraction adds at most 5 ms to the parse of a 10 KB report.
TARGET_MS = 5.0
TEN_KB = 10_000


def prose_report(size: int = TEN_KB) -> str:
    """Return the seed (6.6 KB) grown to `size` UTF-8 bytes by repeating its number-rich overview paragraphs.

    Repeating the paragraphs that hold figures (主动公开…176条, 其中… lists, 未收到申请) makes this a worst case for
    extraction rather than a report padded with number-free prose.
    """
    lines = SEED.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("二、"))
    prose = [line for line in lines[1:heading] if any(ch.isdigit() for ch in line) and len(line) > 30]
    extra: list[str] = []
    while len("\n".join(lines + extra).encode("utf-8")) < size:
        extra.append(prose[len(extra) % len(prose)])
    return "\n".join(lines[:heading] + extra + lines[heading:])


def paired_medians_ms(
    first: Callable[[], object], second: Callable[[], object], runs: int, warmup: int
) -> tuple[float, float]:
    """Return the median ms of `first` and of `second`, timed alternately so load drift hits both alike."""
    for _ in range(warmup):
        first()
        second()
    a_times, b_times = [], []
    for _ in range(runs):
        start = time.perf_counter_ns()
        first()
        middle = time.perf_counter_ns()
        second()
        a_times.append(middle - start)
        b_times.append(time.perf_counter_ns() - middle)
    return statistics.median(a_times) / 1e6, statistics.median(b_times) / 1e6


def jieba_loaded_after(code: str) -> bool:
    """Return whether `jieba` is in sys.modules after running `code` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint('jieba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1] == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="timed calls per measurement (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls first (default 20)")
    args = parser.parse_args()

    on_import = jieba_loaded_after("import govreport_parser")
    on_parse = jieba_loaded_after(
        f"import govreport_parser as g\ng.parse(open({str(SEED)!r}, encoding='utf-8').read())"
    )
    print("jieba in sys.modules (fresh interpreter)")
    print(f"  after import govreport_parser : {on_import}  ({'OK' if not on_import else 'MISS'})")
    print(f"  after parse(seed)             : {on_parse}  ({'OK' if not on_parse else 'MISS'})")

    text = prose_report()
    size = len(text.encode("utf-8"))
    with_figures, without = paired_medians_ms(
        lambda: govreport_parser.parse(text),
        lambda: govreport_parser.parse(text, extract_figures=False),
        args.runs,
        args.warmup,
    )
    trace = govreport_parser.debug_parse(text)
    report = trace.report
    assert report is not None
    lines = trace.stage("clean").lines

    def extract() -> None:
        sink = DiagnosticSink()
        figures = sections_to_figures(report.sections, sink, lines=lines)
        check_figures(figures, report.tables, sink)

    direct = median_ms(extract, args.runs, args.warmup)
    added = with_figures - without
    print(f"figure extraction on a {size / 1000:.1f} KB report ({len(report.figures)} figures), median of {args.runs}")
    print(f"  parse(extract_figures=True)   {with_figures:7.3f} ms")
    print(f"  parse(extract_figures=False)  {without:7.3f} ms")
    print(f"  difference                    {added:7.3f} ms")
    print(f"  sections_to_figures + check   {direct:7.3f} ms (measured alone)")
    verdict = "OK" if max(added, direct) <= TARGET_MS else "MISS"
    print(f"figures add {max(added, direct):.3f} ms (target ≤ {TARGET_MS:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
