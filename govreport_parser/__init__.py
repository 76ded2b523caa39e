"""Parse Chinese government information-disclosure annual reports (政府信息公开工作年度报告) into typed data.

`parse()` turns text, HTML, bytes or a path into a frozen `Report`: metadata, sections, tables 二/三/四 under the
canonical ids of the packaged vocabulary, and diagnostics for anything unusual.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from govreport_parser.diagnostics import CODES, ParseError
from govreport_parser.model import (
    Cell,
    Diagnostic,
    Figure,
    Grid,
    Report,
    ReportMeta,
    RowLabel,
    Section,
    SourceSpan,
    Subsection,
    Table,
    UnplacedValue,
)
from govreport_parser.options import ParseOptions
from govreport_parser.pipeline import Source, Trace
from govreport_parser.vocabulary import LabelMatch, Vocabulary, load_vocabulary

if TYPE_CHECKING:
    import pandas as pd

    from govreport_parser.batch import Failure

__version__ = "0.1.0"


def parse(
    source: Source,
    *,
    strict: bool = False,
    options: ParseOptions | Mapping[str, Any] | None = None,
    **option_overrides: Any,
) -> Report:
    """Parse one report from text (`str`), `bytes` or a path, and return a `Report`.

    A lenient parse never raises for a bad document: problems become `Report.diagnostics`. With `strict=True` any
    error-severity diagnostic raises `ParseError` once the parse ran (carrying the diagnostics and the whole Report).
    Raises `TypeError` for a source of another type and for unknown options.
    """
    from govreport_parser.pipeline import parse_report

    resolved = ParseOptions.resolve(options, strict=strict or None, **option_overrides)
    return parse_report(source, resolved)


def debug_parse(
    source: Source, *, options: ParseOptions | Mapping[str, Any] | None = None, **option_overrides: Any
) -> Trace:
    """Parse like `parse` but return the `Trace` of every stage's output, for finding out why a file parsed wrong."""
    from govreport_parser.pipeline import run

    return run(source, ParseOptions.resolve(options, **option_overrides))


def parse_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    workers: int = 1,
    options: ParseOptions | Mapping[str, Any] | None = None,
    timeout: float | None = None,
) -> Iterator[tuple[str, Report | Failure]]:
    """Parse many files in worker processes; yield `(path, Report | Failure)` sorted by path.

    See `govreport_parser.batch.parse_many` for the isolation and ordering guarantees.
    """
    from govreport_parser.batch import parse_many as run_many

    return run_many(paths, workers=workers, options=options, timeout=timeout)


def check_across_years(reports: Iterable[Report]) -> tuple[tuple[Report, Diagnostic], ...]:
    """Compare each report with the same agency's report of the year before; return (report, A003) findings.

    Uses the cross-year heuristics of the vocabulary (`t2_cross_year_valid`, `t3_cross_year_carry`); see
    `govreport_parser.validate.check_across_years`.
    """
    from govreport_parser.validate import check_across_years as check

    return check(reports)


def to_frame(reports: Iterable[Report], *, label_names: str | Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return one tidy frame of the cells of many reports, with a `source` column."""
    from govreport_parser.frames import cells_frame

    return cells_frame(list(reports), label_names=label_names)


__all__ = [
    "CODES",
    "Cell",
    "Diagnostic",
    "Figure",
    "Grid",
    "LabelMatch",
    "ParseError",
    "ParseOptions",
    "Report",
    "ReportMeta",
    "RowLabel",
    "Section",
    "SourceSpan",
    "Subsection",
    "Table",
    "Trace",
    "UnplacedValue",
    "Vocabulary",
    "__version__",
    "check_across_years",
    "debug_parse",
    "load_vocabulary",
    "parse",
    "parse_many",
    "to_frame",
]
