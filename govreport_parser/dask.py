"""Read many reports from any fsspec location into Dask DataFrames, partitioned over files."""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from govreport_parser.options import ParseOptions

if TYPE_CHECKING:
    import pandas as pd

# Files parsed by one task: reports parse in milliseconds, so 64 files make a task of ~0.1-1 s, long enough to
# amortize the scheduler's per-task overhead (~1 ms locally, more on a cluster) and small enough to balance.
FILES_PER_PARTITION = 64
EXTRA_HINT = "govreport_parser.dask needs the optional extra: pip install 'govreport-parser[dask]'"
LOCAL_PROTOCOLS = ("file", "local")


def read_reports(
    urlpath: str | Sequence[str],
    *,
    options: ParseOptions | Mapping[str, Any] | None = None,
    files_per_partition: int = FILES_PER_PARTITION,
    storage_options: Mapping[str, Any] | None = None,
) -> tuple[Any, Any]:
    """Given an fsspec url, glob or list of them, return `(cells, reports)` Dask DataFrames, lazily parsed.

    `cells` has one row per cell (`frames.CELL_SCHEMA`), `reports` one row per file (`frames.REPORT_SCHEMA`); a file
    that cannot be read or parsed is a `failed` row of `reports`, never a failed task. Both frames come from the same
    tasks: compute them together (`dask.compute(cells, reports)`) to parse each file once. `storage_options` go to
    `fsspec.open_files` (e.g. `{"anon": True}` for public s3:// buckets).
    """
    try:
        import dask.dataframe as dd
        import fsspec
        from dask.delayed import delayed
    except ImportError as error:
        raise ImportError(EXTRA_HINT) from error
    if not isinstance(files_per_partition, int) or files_per_partition < 1:
        raise ValueError(f"files_per_partition must be a positive int, not {files_per_partition!r}")
    resolved = ParseOptions.resolve(options)
    files = sorted(fsspec.open_files(urlpath, mode="rb", **dict(storage_options or {})), key=_name)
    if not files:
        raise FileNotFoundError(f"no files match {urlpath!r}")
    parts = [
        delayed(_parse_partition, pure=True)(files[start : start + files_per_partition], resolved)
        for start in range(0, len(files), files_per_partition)
    ]
    cells_meta, reports_meta = _parse_partition([], resolved)
    cells = dd.from_delayed([delayed(operator.getitem)(part, 0) for part in parts], meta=cells_meta)
    reports = dd.from_delayed([delayed(operator.getitem)(part, 1) for part in parts], meta=reports_meta)
    return cells, reports


def _name(open_file: Any) -> str:
    protocol = open_file.fs.protocol
    protocol = protocol[0] if isinstance(protocol, tuple | list) else protocol
    # Local paths stay plain paths, like the CLI's `source`; remote ones keep their scheme (s3://bucket/key).
    return str(open_file.path) if protocol in LOCAL_PROTOCOLS else str(open_file.fs.unstrip_protocol(open_file.path))


def _parse_partition(files: Sequence[Any], options: ParseOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Given fsspec OpenFiles and options, return the (cells, reports) pandas frames of those files."""
    from govreport_parser.batch import Failure
    from govreport_parser.frames import CELL_SCHEMA, REPORT_SCHEMA, cell_records, records_frame, report_record
    from govreport_parser.pipeline import parse_report

    cells: list[tuple[Any, ...]] = []
    reports: list[tuple[Any, ...]] = []
    for open_file in files:
        source = _name(open_file)
        try:
            with open_file as handle:
                data = handle.read()
            report = parse_report(data, options)
            report = replace(report, meta=replace(report.meta, source=source))
        except Exception as error:  # one bad file is a failed row, not a failed task
            reports.append(report_record(source, Failure(path=source, error=type(error).__name__, message=str(error))))
            continue
        cells.extend(cell_records(report, source))
        reports.append(report_record(source, report))
    return records_frame(cells, CELL_SCHEMA), records_frame(reports, REPORT_SCHEMA)


__all__ = ["FILES_PER_PARTITION", "read_reports"]
