"""The `govreport` command line: batch parse to tidy files, check, show one report, print the vocabulary."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from govreport_parser.batch import Failure, FileRecords, RecordsJob, expand_paths, file_records, map_files
from govreport_parser.frames import CELL_SCHEMA, REPORT_SCHEMA, Schema, json_lines, report_record
from govreport_parser.options import ParseOptions

if TYPE_CHECKING:
    from govreport_parser.model import Report

# Cells buffered before a write: one Parquet row group / CSV chunk. 20,000 cells are ~100 reports; buffered as
# unpickled Python tuples they cost ~12 MB of parent RSS (50,000 cost ~30 MB in benchmarks/bench_batch.py, which
# left too little room under the 300 MB target), while 20,000-row groups still compress and scan well.
FLUSH_CELLS = 20_000
# Report rows are tiny; flushing them with the same rhythm keeps both files equally up to date after a crash.
FLUSH_REPORTS = 100
# Seconds one file may take in a worker before it is killed and recorded as failed; real reports parse in
# milliseconds, so a minute only ever trips on a pathological input.
DEFAULT_TIMEOUT = 60.0

EXIT_CODES = (
    "Exit codes: 0 success; 1 some input failed (parse) or has error diagnostics (check), or output could not be"
    " written; 2 usage error (bad option, missing file argument); 130 interrupted."
)

app = typer.Typer(
    name="govreport",
    help="Parse 政府信息公开工作年度报告 (text, HTML or bytes files) into tidy tables.",
    epilog=EXIT_CODES,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(str, Enum):
    """File formats `govreport parse` writes."""

    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


class _Failed(Exception):
    """An operational error (unwritable output): one line on stderr, exit code 1."""


# Typer vendors its own copy of click in recent releases; take the exception bases from a public typer class so
# both the vendored and the classic click are caught.
_CLICK_EXCEPTION: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


Paths = Annotated[
    list[str],
    typer.Argument(
        help="Files, folders (searched recursively; side files such as .json, .md and images are skipped) or globs.",
        metavar="PATH",
        show_default=False,
    ),
]
Workers = Annotated[
    int, typer.Option("--workers", "-w", min=0, help="Worker processes; 0 parses in this process (no time limit).")
]
Timeout = Annotated[
    float, typer.Option("--timeout", min=0.001, help="Seconds one file may take before it counts as failed.")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line on stderr.")]
Encoding = Annotated[
    str | None, typer.Option("--encoding", help="Decode every input with this encoding instead of detecting it.")
]
Vocabulary = Annotated[
    Path | None,
    typer.Option("--vocabulary", help="JSON file of extra label variants layered over the packaged vocabulary."),
]


@app.command("parse", epilog=EXIT_CODES)
def parse_command(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created if missing).", show_default=False)],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output file format.")
    ] = OutputFormat.parquet,
    workers: Workers = 1,
    timeout: Timeout = DEFAULT_TIMEOUT,
    strict: Annotated[bool, typer.Option("--strict", help="A file with an error diagnostic counts as failed.")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Also write OUT/reports_full.jsonl, one full report per line.")
    ] = False,
    quiet: Quiet = False,
    encoding: Encoding = None,
    vocabulary: Vocabulary = None,
) -> int:
    """Parse many reports into OUT/cells.<ext> (one row per cell) and OUT/reports.<ext> (one row per input).

    Files are written as results arrive, so memory stays flat however many inputs there are. Rows come in sorted
    path order whatever the number of workers.
    """
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"--out {out} exists and is not a folder")
    inputs = _inputs(paths)
    try:
        out.mkdir(parents=True, exist_ok=True)
        cells = _TableWriter(out / f"cells.{output_format.value}", output_format, CELL_SCHEMA)
        reports = _TableWriter(out / f"reports.{output_format.value}", output_format, REPORT_SCHEMA)
        full_file = (out / "reports_full.jsonl").open("w", encoding="utf-8") if full else None
    except OSError as error:
        raise _Failed(f"cannot write to {out}: {error.strerror or error}") from error
    options = _options(encoding, vocabulary, strict=strict)
    job = RecordsJob(options=options, full=full, jsonl=output_format is OutputFormat.jsonl)
    started = time.monotonic()
    failed = 0
    try:
        with _progress(len(inputs), quiet) as progress:
            results = map_files(inputs, file_records, job, workers=workers, timeout=timeout if workers else None)
            for path, result in results:
                if isinstance(result, FileRecords):
                    cells.add(result.cells)
                    if result.cells_jsonl:
                        cells.write_text(result.cells_jsonl)
                    reports.add((result.report,))
                    if full_file is not None and result.full_json is not None:
                        full_file.write(result.full_json + "\n")
                else:
                    failed += 1
                    reports.add((report_record(path, result),))
                progress.update(1)
    except OSError as error:
        raise _Failed(f"cannot write to {out}: {error.strerror or error}") from error
    finally:
        cells.close()
        reports.close()
        if full_file is not None:
            full_file.close()
    _summary(len(inputs), failed, time.monotonic() - started, quiet)
    return 1 if failed else 0


@app.command("check", epilog=EXIT_CODES)
def check_command(
    paths: Paths,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file (JSON Lines) on stdout.")] = False,
    workers: Workers = 1,
    timeout: Timeout = DEFAULT_TIMEOUT,
    quiet: Quiet = False,
    encoding: Encoding = None,
    vocabulary: Vocabulary = None,
) -> int:
    """Print the diagnostics of each file; exit 0 when none has error severity and every file parsed, else 1."""
    options = _options(encoding, vocabulary)
    inputs = _inputs(paths)
    started = time.monotonic()
    failed = bad = 0
    with _progress(len(inputs), quiet) as progress:
        results = map_files(inputs, _file_diagnostics, options, workers=workers, timeout=timeout if workers else None)
        for path, result in results:
            progress.clear()
            if isinstance(result, Failure):
                failed += 1
                _print_check(path, None, result, as_json)
            else:
                bad += any(d["severity"] == "error" for d in result)
                _print_check(path, result, None, as_json)
            progress.update(1)
    _summary(len(inputs), failed, time.monotonic() - started, quiet, with_errors=bad)
    return 1 if failed or bad else 0


@app.command("show", epilog=EXIT_CODES)
def show_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="One report file.", show_default=False)
    ],
    encoding: Encoding = None,
    vocabulary: Vocabulary = None,
) -> int:
    """Show one report readably: metadata, section outline, tables with Chinese labels, diagnostics."""
    from govreport_parser.batch import parse_file

    report = parse_file(str(file), _options(encoding, vocabulary))
    typer.echo(render_report(report))
    return 0


@app.command("schema", epilog=EXIT_CODES)
def schema_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the vocabulary as one JSON document.")] = False,
) -> int:
    """Print the vocabulary: canonical ids ↔ Chinese labels per format version, table and axis."""
    data = schema_data()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    lines = [f"schema_version {data['schema_version']}"]
    for version_id, version in data["versions"].items():
        lines.append(f"\n{version_id}")
        lines.append("  sections")
        for section in version["sections"]:
            extra = f"  [{section['table']}]" if section["table"] else ""
            lines.append(f"    {section['id']:<32} {section['label']}{extra}")
        for table_id, table in version["tables"].items():
            lines.append(f"  {table_id} rows")
            for row in table["rows"]:
                extra = f"  [{row['block']}]" if row["block"] else ("  (group)" if row["group"] else "")
                lines.append(f"    {row['id']:<32} {row['label']}{extra}")
            lines.append(f"  {table_id} columns")
            for column in table["columns"]:
                extra = "  (group)" if column["group"] else f"  {column['value_type']}"
                lines.append(f"    {column['id']:<32} {column['label']}{extra}")
    typer.echo("\n".join(lines))
    return 0


# -- pieces the commands share ---------------------------------------------------------------------------------


def schema_data() -> dict[str, Any]:
    """Return the vocabulary as plain data: sections, rows, columns and blocks per version and table."""
    from govreport_parser.vocabulary import CANONICAL_TABLES, VERSION_IDS, load_vocabulary

    vocabulary = load_vocabulary()
    versions: dict[str, Any] = {}
    for version_id in VERSION_IDS:
        tables: dict[str, Any] = {}
        for table_id in (*CANONICAL_TABLES, "stats_table_2014"):
            spec = vocabulary.table(version_id, table_id)
            if spec is None:
                continue
            tables[table_id] = {
                "rows": [
                    {"id": r.id, "label": r.label, "parent": r.parent, "group": r.is_group, "block": r.block}
                    for r in spec.rows
                ],
                "columns": [
                    {"id": c.id, "label": c.label, "value_type": c.value_type, "group": c.is_group}
                    for c in spec.columns
                ],
                "blocks": [
                    {"id": b.id, "label": b.label, "columns": [c.id for c in b.columns], "rows": list(b.rows)}
                    for b in spec.blocks
                ],
            }
        versions[version_id] = {
            "sections": [
                {"id": s.id, "label": s.label, "table": s.table} for s in vocabulary.sections.get(version_id, ())
            ],
            "tables": tables,
        }
    return {"schema_version": vocabulary.schema_version, "versions": versions}


def render_report(report: Report) -> str:
    """Given a Report, return a readable multi-line rendering (what `govreport show` prints)."""
    meta = report.meta
    lines = [meta.title or "(no title found)"]
    for name in ("source", "agency", "year", "format_version", "level", "province", "city", "county", "published"):
        value = getattr(meta, name)
        if value is not None and value != "unknown":
            lines.append(f"  {name}: {value}")
    lines.append(f"  input: {meta.input_format}" + (f" ({meta.encoding})" if meta.encoding else ""))
    lines.append("\nSections")
    for section in report.sections:
        where = f"lines {section.span.line_start}-{section.span.line_end}" if section.span.line_start else ""
        lines.append(f"  {section.heading or '(preamble)'}  [{section.id or '-'}] {where}".rstrip())
        lines.extend(f"    {sub.heading[:60]}" for sub in section.subsections)
    if report.tables:
        import pandas as pd

        lines.append("\nTables")
        with pd.option_context("display.max_rows", 200, "display.max_columns", 20, "display.width", 200):
            for table_id, table in report.tables.items():
                status = "" if table.complete else "  (incomplete)"
                lines.append(f"  {table_id}{status}")
                frame = report.to_wide(table_id, chinese=True)
                # Extension dtypes ignore na_rep; a dot reads as "nothing here" without looking like a value.
                shown = frame.astype(object).where(frame.notna(), "·")
                lines.extend(f"    {line}" for line in shown.to_string().splitlines())
                lines.extend(f"    unplaced: {value.raw!r} after {value.label!r}" for value in table.unplaced)
    lines.append("\nDiagnostics" if report.diagnostics else "\nDiagnostics: none")
    for diagnostic in report.diagnostics:
        where = f"line {diagnostic.span.line_start}" if diagnostic.span.line_start else "-"
        lines.append(f"  {diagnostic.code} {diagnostic.severity:<7} {where:<10} {diagnostic.message}")
    return "\n".join(lines)


def _file_diagnostics(path: str, options: ParseOptions) -> tuple[dict[str, Any], ...]:
    from govreport_parser.batch import parse_file

    return tuple(d.as_dict() for d in parse_file(path, options).diagnostics)


def _print_check(
    path: str, diagnostics: Sequence[dict[str, Any]] | None, failure: Failure | None, as_json: bool
) -> None:
    if as_json:
        record = {
            "source": path,
            "status": "failed" if failure else "ok",
            "error": f"{failure.error}: {failure.message}" if failure else None,
            "diagnostics": list(diagnostics or ()),
        }
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    if failure is not None:
        typer.echo(f"{path}: failed: {failure.error}: {failure.message}")
        return
    items = diagnostics or ()
    counts = {severity: sum(1 for d in items if d["severity"] == severity) for severity in ("error", "warning", "info")}
    typer.echo(f"{path}: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos")
    for d in items:
        line = d["span"].get("line_start")
        typer.echo(f"  {d['code']} {d['severity']:<7} {'line ' + str(line) if line else '-':<10} {d['message']}")


def _options(encoding: str | None, vocabulary: Path | None, *, strict: bool = False) -> ParseOptions:
    """Check user-given options once, here, so a typo is one usage error and not a failure on every file."""
    import codecs

    from govreport_parser.vocabulary import load_vocabulary

    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise typer.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from error
    vocabulary_path = None
    if vocabulary is not None:
        vocabulary_path = str(vocabulary)
        try:
            load_vocabulary(vocabulary_path)
        except (OSError, ValueError, KeyError) as error:
            raise typer.BadParameter(f"{vocabulary}: {error}", param_hint="--vocabulary") from error
    return ParseOptions(strict=strict, encoding=encoding, vocabulary_path=vocabulary_path)


def _inputs(paths: Sequence[str]) -> list[str]:
    if not paths:
        raise typer.BadParameter("give at least one PATH")
    return expand_paths(paths)


class _Progress:
    """A tqdm bar on stderr, or nothing when stderr is not a terminal or --quiet was given."""

    def __init__(self, total: int, quiet: bool) -> None:
        self._bar: Any = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True, leave=False)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def clear(self) -> None:
        if self._bar is not None:
            self._bar.clear()


def _progress(total: int, quiet: bool) -> _Progress:
    return _Progress(total, quiet)


def _summary(files: int, failed: int, seconds: float, quiet: bool, *, with_errors: int | None = None) -> None:
    if quiet:
        return
    rate = files / seconds if seconds > 0 else 0.0
    errors = f", {with_errors} with errors" if with_errors is not None else ""
    typer.echo(
        f"govreport: {files} files, {files - failed} ok, {failed} failed{errors}"
        f" in {seconds:.1f} s ({rate:.1f} files/s)",
        err=True,
    )


class _TableWriter:
    """Appends rows of one schema to a Parquet, CSV or JSON Lines file in batches (memory flat in the row count)."""

    def __init__(self, path: Path, output_format: OutputFormat, schema: Schema) -> None:
        import pyarrow as pa

        self.path = path
        self.format = output_format
        self.schema = schema
        self.arrow_schema = pa.schema([(name, _ARROW_TYPES[kind]()) for name, kind in schema])
        self.rows: list[tuple[Any, ...]] = []
        self.limit = FLUSH_CELLS if schema is CELL_SCHEMA else FLUSH_REPORTS
        self.writer: Any = None
        self.text: TextIO | None = None
        self._open()

    def _open(self) -> None:
        if self.format is OutputFormat.parquet:
            import pyarrow.parquet as pq

            self.writer = pq.ParquetWriter(self.path, self.arrow_schema, compression="zstd")
        elif self.format is OutputFormat.csv:
            import pyarrow.csv as pacsv

            self.writer = pacsv.CSVWriter(self.path, self.arrow_schema)
        else:
            self.text = self.path.open("w", encoding="utf-8")

    def add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.limit:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.text is not None:
            self.text.write(json_lines(self.rows, self.schema))
            self.rows = []
            return
        import pyarrow as pa

        columns = list(zip(*self.rows, strict=True))
        batch = pa.RecordBatch.from_arrays(
            [
                # NaN means "no value" in the frames; the files store it as null, which every reader understands.
                pa.array([None if v != v else v for v in values] if kind == "float" else values, type=field.type)
                for values, field, (_, kind) in zip(columns, self.arrow_schema, self.schema, strict=True)
            ],
            schema=self.arrow_schema,
        )
        self.rows = []
        self.writer.write_batch(batch)

    def write_text(self, text: str) -> None:
        """Append rows already serialized as JSON Lines (only for the jsonl format)."""
        assert self.text is not None, "write_text is for JSON Lines output"
        self.text.write(text)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self.writer is not None:
                self.writer.close()
            if self.text is not None:
                self.text.close()


def _string() -> Any:
    import pyarrow as pa

    return pa.string()


def _int() -> Any:
    import pyarrow as pa

    return pa.int64()


def _float() -> Any:
    import pyarrow as pa

    return pa.float64()


def _bool() -> Any:
    import pyarrow as pa

    return pa.bool_()


_ARROW_TYPES = {"str": _string, "status": _string, "int": _int, "float": _float, "bool": _bool}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `govreport` command line with `argv` (default: sys.argv[1:]) and return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name="govreport", standalone_mode=False)
    except _CLICK_EXCEPTION as error:
        if type(error).__name__ == "NoArgsIsHelpError":
            context = getattr(error, "ctx", None)
            typer.echo(context.get_help() if context is not None else str(error), err=True)
            return 2
        typer.echo(f"govreport: error: {error.format_message()}", err=True)  # type: ignore[attr-defined]
        return int(getattr(error, "exit_code", 2))
    except _Failed as error:
        typer.echo(f"govreport: error: {error}", err=True)
        return 1
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("govreport: interrupted", err=True)
        return 130
    except typer.Exit as error:
        return int(error.exit_code)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["EXIT_CODES", "app", "main", "render_report", "schema_data"]
