"""Chart how each agency answered its information requests (table 三, column 总计), from a folder of reports.

Run from the repository root:

    python examples/outcomes_by_agency.py                      # bundled fixtures → docs/img/outcomes_by_agency.png
    python examples/outcomes_by_agency.py REPORTS/ --out chart.png --csv outcomes.csv --top 20

Steps: parse every .txt/.html file of the folder with `parse_many`, keep the tidy cells of table 三 in the `total`
column, sum the outcome rows into six groups per report, and draw one horizontal stacked bar per report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

import govreport_parser as gp
from govreport_parser.batch import Failure, parse_many

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT / "fixtures" / "samples"
DEFAULT_OUT = ROOT / "docs" / "img" / "outcomes_by_agency.png"
SUFFIXES = {".txt", ".html", ".htm"}

# Outcome groups of table 三 (rows of 三、本年度办理结果), by canonical row id; the prefixes cover both the 2021
# format (three `other_*` rows) and the 2019 one (a single `other` row). Totals and group rows are left out.
OUTCOMES = {
    "granted": "granted",
    "partially_granted": "partially granted",
    "denied": "denied",
    "unable": "unable to provide",
    "not_processed": "not processed",
    "other": "other",
}
# The default chart shows the reports with the most decided requests; 25 bars keep the labels legible at 10 in.
DEFAULT_TOP = 25


def outcome_group(row: str) -> str | None:
    """Given a table 三 row id, return its outcome group (a key of OUTCOMES), or None for non-outcome rows."""
    if row in ("granted", "partially_granted"):
        return row
    for prefix in ("denied", "unable", "not_processed", "other"):
        if row == prefix or row.startswith(prefix + "_"):
            return prefix
    return None


def report_label(source: str, folder: Path) -> str:
    """Given a report's source path, return a short ASCII label for the chart (its path inside the folder)."""
    path = Path(source)
    if path.is_relative_to(folder):
        path = path.relative_to(folder)
    return str(path.with_suffix("")).replace("\\", "/")


def outcome_frame(folder: Path, *, workers: int = 0) -> pd.DataFrame:
    """Given a folder of reports, return one row per report with the outcome counts of table 三 (column total).

    Columns: `label`, `agency`, `year`, one column per outcome group (OUTCOMES keys) and `decided` (their sum).
    Reports without any outcome value in table 三 are left out.
    """
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES)
    reports = []
    for path, result in parse_many(paths, workers=workers):
        if isinstance(result, Failure):
            print(f"skipped {path}: {result.error}: {result.message}", file=sys.stderr)
            continue
        reports.append(result)
    cells = gp.to_frame(reports)
    outcomes = cells[(cells["table"] == "table3") & (cells["column"] == "total") & (cells["status"] == "value")].copy()
    outcomes["outcome"] = outcomes["row"].map(outcome_group)
    outcomes = outcomes.dropna(subset=["outcome"])
    wide = outcomes.pivot_table(index="source", columns="outcome", values="value", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(OUTCOMES), fill_value=0).astype(int)
    meta = cells.drop_duplicates("source").set_index("source")[["agency", "year"]]
    frame = wide.join(meta).reset_index()
    frame.insert(0, "label", [report_label(source, folder) for source in frame["source"]])
    frame["decided"] = frame[list(OUTCOMES)].sum(axis=1)
    return frame.drop(columns="source").sort_values("decided", ascending=False, ignore_index=True)


def plot(frame: pd.DataFrame, out: Path, *, top: int = DEFAULT_TOP) -> Path:
    """Given the outcome frame, draw the `top` reports as horizontal stacked bars into `out` (PNG) and return it."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed; also what CI has
    import matplotlib.pyplot as plt

    shown = frame[frame["decided"] > 0].head(top).iloc[::-1]  # largest at the top
    cjk_font = _cjk_font()
    if cjk_font is not None:
        matplotlib.rcParams["font.sans-serif"] = [cjk_font, *matplotlib.rcParams["font.sans-serif"]]
    # Agency names need a CJK font; without one (as on a bare CI machine) the bars carry file paths instead.
    names = shown["agency"] if cjk_font is not None else shown["label"]
    labels = [
        f"{name if pd.notna(name) else label} ({year})" if pd.notna(year) else str(name if pd.notna(name) else label)
        for name, label, year in zip(names, shown["label"], shown["year"], strict=True)
    ]
    figure, axes = plt.subplots(figsize=(10, 1.5 + 0.32 * len(shown)))
    left = pd.Series(0, index=shown.index)
    for key, name in OUTCOMES.items():
        axes.barh(labels, shown[key], left=left, label=name)
        left = left + shown[key]
    axes.set_xlabel("requests decided in the year (table 3, column 'total')")
    axes.set_title(f"Outcome of information requests, {len(shown)} reports with the most decisions")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")  # outside: never hides a bar
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=100)
    plt.close(figure)
    return out


def _cjk_font() -> str | None:
    """Return the name of an installed font that covers Chinese, or None."""
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if any(word in font.name for word in ("WenQuanYi", "Noto Sans CJK", "Noto Serif CJK", "SimHei", "Source Han")):
            return str(font.name)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the folder, print a summary, write the chart (and optionally the frame as CSV); return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER, help="folder of .txt/.html reports")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="PNG file to write")
    parser.add_argument("--csv", type=Path, default=None, help="also write the outcome frame as CSV")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help="number of reports in the chart")
    parser.add_argument("--workers", type=int, default=0, help="worker processes for parse_many (0: in-process)")
    args = parser.parse_args(argv)
    frame = outcome_frame(args.folder, workers=args.workers)
    if args.csv is not None:
        frame.to_csv(args.csv, index=False)
    plot(frame, args.out, top=args.top)
    print(f"{len(frame)} reports with table 三 outcomes, {int(frame['decided'].sum())} decided requests")
    print(frame.head(10).to_string(index=False))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
