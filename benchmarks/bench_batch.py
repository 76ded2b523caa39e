"""Batch benchmark: `govreport parse` over N generated files, peak memory of the process tree and files/s.

Generates N input files by cycling through the real samples in fixtures/samples (copies under unique names, 1,000
per folder), then runs the CLI as a subprocess once per worker count while
a sampler thread sums the RSS of the CLI process and all its descendants (workers and the forkserver) every 50 ms.

    python benchmarks/bench_batch.py              # 20,000 files, --workers 1 and 2, parquet
    python benchmarks/bench_batch.py --n 2000     # quicker
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "fixtures" / "samples"
SAMPLE_INTERVAL = 0.05


def generate(folder: Path, n: int) -> int:
    sources = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".txt", ".html"))
    contents = [p.read_bytes() for p in sources]
    total = 0
    for i in range(n):
        data = contents[i % len(contents)]
        suffix = sources[i % len(sources)].suffix
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"r{i:06d}{suffix}").write_bytes(data)
        total += len(data)
    return total


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_info().rss
    return total


def run_cli(inputs: Path, out: Path, workers: int, fmt: str) -> dict[str, float]:
    if out.exists():
        shutil.rmtree(out)
    # Other work on the machine skews a 2-core speed-up; print the load so a reader can discount a noisy run.
    print(f"    load average before the run: {os.getloadavg()[0]:.2f}")
    command = [sys.executable, "-m", "govreport_parser.cli", "parse", str(inputs), "-o", str(out)]
    command += ["--workers", str(workers), "--format", fmt]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    handle = psutil.Process(child.pid)
    peak = {"tree": 0, "parent": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak["tree"] = max(peak["tree"], tree_rss(handle))
                peak["parent"] = max(peak["parent"], handle.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            stop.wait(SAMPLE_INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    summary = err.strip().splitlines()[-1] if err.strip() else ""
    return {
        "seconds": seconds,
        "exit": child.returncode,
        "tree_mb": peak["tree"] / 2**20,
        "parent_mb": peak["parent"] / 2**20,
        "summary": summary,  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="number of files to generate (default 20000)")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument("--format", default="parquet", choices=("parquet", "csv", "jsonl"))
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="govreport-bench-"))
    try:
        inputs = base / "in"
        inputs.mkdir()
        started = time.perf_counter()
        size = generate(inputs, args.n)
        print(f"generated {args.n} files ({size / 2**20:.1f} MB) in {time.perf_counter() - started:.1f} s under {base}")
        rates: dict[int, float] = {}
        for workers in (int(w) for w in args.workers.split(",")):
            result = run_cli(inputs, base / f"out{workers}", workers, args.format)
            rate = args.n / float(result["seconds"])
            rates[workers] = rate
            print(
                f"workers={workers}: {result['seconds']:.1f} s, {rate:.0f} files/s, peak RSS process tree "
                f"{result['tree_mb']:.0f} MB (parent {result['parent_mb']:.0f} MB), exit {result['exit']}"
            )
            print(f"    cli: {result['summary']}")
        if 1 in rates and 2 in rates:
            print(f"speed-up workers 2 / workers 1: {rates[2] / rates[1]:.2f}x (target >= 1.7x on 2 cores)")
        print(f"cores: {psutil.cpu_count()}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
