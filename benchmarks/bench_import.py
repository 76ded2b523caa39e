"""Benchmark `import govreport_parser` wall time in fresh interpreters, net of bare interpreter start-up."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

# Target from the project issue: the import itself (start-up subtracted) within 150 ms.
TARGET_MS = 150.0


def median_process_ms(code: str, runs: int) -> float:
    """Return the median wall time in ms of `python -c code` over `runs` fresh processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="fresh processes per measurement (default 30)")
    args = parser.parse_args()

    subprocess.run([sys.executable, "-c", "import govreport_parser"], check=True)  # warm the .pyc and OS caches
    baseline = median_process_ms("pass", args.runs)
    imported = median_process_ms("import govreport_parser", args.runs)
    net = imported - baseline
    print(f"import benchmark, {args.runs} fresh processes each, {sys.executable}")
    print(f"  python -c pass                      median {baseline:7.1f} ms")
    print(f"  python -c 'import govreport_parser' median {imported:7.1f} ms")
    verdict = "OK" if net <= TARGET_MS else "MISS"
    print(f"import cost (difference): {net:.1f} ms (target ≤ {TARGET_MS:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
