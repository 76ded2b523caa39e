"""Benchmark the HTML path: full parse() of a ~40 KB report page against lxml.html.fromstring on the same bytes.

Targets (issue 3): full parse <= 3x lxml.html.fromstring (median, one core) and >= 150 pages/s.
Also prints the HTML stages alone (decode + html_to_document), the part this path adds before the shared text stages.
Run: python benchmarks/bench_html.py [page.html]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

import govreport_parser  # noqa: E402
from govreport_parser.decode import input_to_text  # noqa: E402
from govreport_parser.diagnostics import DiagnosticSink  # noqa: E402
from govreport_parser.html import html_to_document  # noqa: E402
from govreport_parser.options import ParseOptions  # noqa: E402

DEFAULT_PAGE = ROOT / "fixtures" / "encodings" / "utf8_meta.html"
REPEATS = 200


def median_seconds(function: object, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    page = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PAGE
    data = page.read_bytes()
    options = ParseOptions()
    govreport_parser.parse(data)  # warm caches (vocabulary, rules, lazy imports)

    def stages() -> None:
        sink = DiagnosticSink()
        html_to_document(input_to_text(data, options, sink).text, sink)

    lxml_time = median_seconds(lambda: lxml.html.fromstring(data))
    html_time = median_seconds(stages)
    parse_time = median_seconds(lambda: govreport_parser.parse(data))
    print(f"page: {page.relative_to(ROOT) if page.is_relative_to(ROOT) else page} ({len(data) / 1024:.1f} KB)")
    print(f"lxml.html.fromstring      median {lxml_time * 1000:8.3f} ms")
    print(f"decode + html stages      median {html_time * 1000:8.3f} ms  ({html_time / lxml_time:5.1f}x lxml)")
    print(f"full parse()              median {parse_time * 1000:8.3f} ms  ({parse_time / lxml_time:5.1f}x lxml)")
    print(f"full parse() throughput   {1 / parse_time:8.1f} pages/s (target >= 150)")
    print(f"ratio full parse / lxml   {parse_time / lxml_time:8.1f}x (target <= 3)")


if __name__ == "__main__":
    main()
