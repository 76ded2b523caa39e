"""Run the stages decode → html → clean → segment → grid → map → validate → model, keeping a trace."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from govreport_parser import clean, decode, grid, mapping, meta, segment, validate
from govreport_parser.diagnostics import DiagnosticSink, ParseError
from govreport_parser.document import CleanText, DecodedInput, Segmented
from govreport_parser.model import Grid, Report, ReportMeta, Section, Table
from govreport_parser.options import ParseOptions
from govreport_parser.vocabulary import Vocabulary, load_vocabulary

Source = str | bytes | os.PathLike[str]
T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Trace:
    """What each stage produced for one parse, in order; `debug_parse` returns it."""

    stages: tuple[tuple[str, Any], ...]
    """(stage name, stage output) pairs."""
    report: Report | None
    """The final Report (also when a strict parse failed: then `error` is set too)."""
    error: ParseError | None = None
    """The strict-mode error, if one was raised."""

    def stage(self, name: str) -> Any:
        """Return the output of stage `name` (`decode`, `html`, `clean`, `segment`, `grid`, `map`, `meta` …)."""
        for stage_name, output in self.stages:
            if stage_name == name:
                return output
        raise KeyError(f"no stage {name!r}; stages run: {[s for s, _ in self.stages]}")

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the stages that ran."""
        return tuple(name for name, _ in self.stages)

    def lines(self, start: int, end: int | None = None) -> list[str]:
        """Return cleaned lines `start`..`end` (1-based, inclusive), the text every SourceSpan points into."""
        clean_text: CleanText = self.stage("clean")
        return list(clean_text.lines[start - 1 : (end or start)])


@dataclass(slots=True)
class _Run:
    options: ParseOptions
    sink: DiagnosticSink
    vocabulary: Vocabulary
    stages: list[tuple[str, Any]] = field(default_factory=list)

    def stage(self, name: str, function: Callable[[], T], fallback: T) -> T:
        """Run one stage; an unexpected exception becomes a P001 diagnostic and the fallback, never a crash."""
        try:
            result = function()
        except RecursionError as error:
            self.sink.emit("P001", f"stage {name} hit the recursion limit: {error}", stage=name)
            result = fallback
        except Exception as error:
            self.sink.emit("P001", f"stage {name} failed: {type(error).__name__}: {error}", stage=name)
            result = fallback
        self.stages.append((name, result))
        return result


def read_source(source: Source) -> tuple[str | bytes, str | None]:
    """Given the caller's source, return its content and path; raise TypeError for anything else."""
    if isinstance(source, str | bytes):
        return source, None
    if isinstance(source, bytearray | memoryview):
        return bytes(source), None
    if isinstance(source, os.PathLike):
        path = Path(source)
        return path.read_bytes(), str(path)  # str() of a bare os.PathLike is its repr, not its path
    raise TypeError(f"source must be str, bytes or a path (os.PathLike), not {type(source).__name__}")


def run(source: Source, options: ParseOptions) -> Trace:
    """Parse `source` and return the trace of every stage (the Report is `trace.report`)."""
    data, path = read_source(source)
    # Stages always run to the end, so a strict failure still carries the whole partial Report.
    sink = DiagnosticSink(source=path)
    vocabulary = load_vocabulary(options.vocabulary_path)
    state = _Run(options=options, sink=sink, vocabulary=vocabulary)
    report = _run_stages(state, data, path)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    if options.strict and errors:
        first = errors[0]
        error = ParseError(
            f"{first.code}: {first.message}"
            + (f" (and {len(errors) - 1} more error diagnostics)" if len(errors) > 1 else ""),
            diagnostics=report.diagnostics,
            report=report,
            source=path,
        )
        return Trace(stages=tuple(state.stages), report=report, error=error)
    return Trace(stages=tuple(state.stages), report=report)


def _run_stages(state: _Run, data: str | bytes, path: str | None) -> Report:
    options, sink, vocabulary = state.options, state.sink, state.vocabulary
    decoded = state.stage(
        "decode",
        lambda: decode.input_to_text(data, options, sink),
        DecodedInput(text=data if isinstance(data, str) else "", input_format="text"),
    )
    html_title: str | None = None
    grids_by_line: Mapping[int, Any] = MappingProxyType({})
    text = decoded.text
    if decoded.input_format == "html":
        from govreport_parser import html

        document = state.stage("html", lambda: html.html_to_document(decoded.text, sink, utf8=decoded.utf8), None)
        if document is not None:
            text, html_title = document.text, document.title
            grids_by_line = MappingProxyType({g.span.line_start: g for g in document.grids if g.span.line_start})
    cleaned = state.stage("clean", lambda: clean.text_to_lines(text, options, sink), CleanText(lines=()))
    segmented = state.stage(
        "segment",
        lambda: segment.lines_to_segments(cleaned, vocabulary, sink),
        Segmented(title=None, title_line=None, sections=(), report_end=len(cleaned.lines)),
    )
    report_meta = state.stage("meta", lambda: meta.segments_to_meta(cleaned, segmented, vocabulary, sink), ReportMeta())
    version = options.format_version or state.stage(
        "version",
        lambda: meta.detect_version(cleaned, vocabulary, report_meta.year, sink),
        None,
    )
    no_regions: tuple[grid.TableRegion, ...] = ()
    regions = state.stage("grid", lambda: grid.segments_to_regions(cleaned, segmented, vocabulary), no_regions)
    mapped = state.stage(
        "map",
        lambda: mapping.regions_to_tables(regions, segmented, version, vocabulary, sink, fuzzy=options.fuzzy_labels),
        mapping.MappedTables(),
    )
    state.stage("validate", lambda: validate.check_tables(mapped.tables, version, vocabulary, sink), None)
    no_sections: tuple[Section, ...] = ()
    sections = state.stage(
        "sections", lambda: _build_sections(cleaned, segmented, regions, mapped, grids_by_line, sink), no_sections
    )
    figures: tuple[Any, ...] = ()
    tables = mapped.tables
    if options.extract_figures and sections:
        from govreport_parser import narrative

        figures = state.stage("figures", lambda: narrative.sections_to_figures(sections, sink, lines=cleaned.lines), ())
        state.stage("check_figures", lambda: narrative.check_figures(figures, mapped.tables, sink), None)
        tables = state.stage(
            "glued_by_prose",
            lambda: mapping.confirm_glued_by_figures(mapped.tables, figures, vocabulary, version, sink),
            mapped.tables,
        )
    final_meta = replace(
        report_meta,
        title=report_meta.title or html_title,
        format_version=version,  # type: ignore[arg-type]  # a version id checked by ParseOptions or the detector
        input_format=decoded.input_format,
        encoding=decoded.encoding,
        source=path,
        schema_version=vocabulary.schema_version,
    )
    sink.close()
    report = Report(
        meta=final_meta,
        sections=sections,
        tables=MappingProxyType(dict(tables)),
        figures=figures,
        diagnostics=sink.diagnostics,
    )
    state.stages.append(("model", report))
    return report


def _build_sections(
    cleaned: CleanText,
    segmented: Segmented,
    regions: tuple[grid.TableRegion, ...],
    mapped: mapping.MappedTables,
    grids_by_line: Mapping[int, Any],
    sink: DiagnosticSink,
) -> tuple[Section, ...]:
    from govreport_parser.model import SourceSpan

    table_lines: set[int] = set()
    for region in regions:
        table_lines.update(range(region.line_start, region.line_end + 1))
    sections = []
    for index, draft in enumerate(segmented.sections):
        body = [
            cleaned.lines[number - 1]
            for number in range(draft.body_start, draft.line_end + 1)
            if number not in table_lines
        ]
        if draft.id is not None and draft.body_start == draft.line_start and body:
            # A run-in heading shares its line with the first sentence; the heading is not part of the text.
            first = body[0].strip()
            body[0] = first[len(draft.heading) :] if first.startswith(draft.heading) else first
        grids = tuple(
            g
            for line, g in grids_by_line.items()
            if draft.line_start <= line <= draft.line_end and not _is_canonical_table(g, mapped)
        )
        for generic in grids:
            sink.emit(
                "T011",
                f"a table of {len(generic.rows)} rows in section {draft.id or '(preamble)'} is not 表二/三/四; "
                "it is kept as a generic grid",
                span=SourceSpan(line_start=generic.span.line_start, line_end=generic.span.line_end, section=draft.id),
                rows=len(generic.rows),
            )
        sections.append(
            Section(
                id=draft.id,
                heading=draft.heading,
                text="\n".join(line for line in body if line.strip()).strip(),
                subsections=draft.subsections,
                tables=mapped.tables_by_section.get(index, ()),
                grids=grids,
                span=SourceSpan(line_start=draft.line_start, line_end=draft.line_end, section=draft.id),
            )
        )
    return tuple(sections)


def _is_canonical_table(generic: Grid, mapped: mapping.MappedTables) -> bool:
    start, end = generic.span.line_start or 0, generic.span.line_end or 0
    return any(start <= table_end and table_start <= end for table_start, table_end in mapped.table_lines)


def parse_report(source: Source, options: ParseOptions) -> Report:
    """Parse and return the Report; raise ParseError in strict mode."""
    trace = run(source, options)
    if trace.error is not None:
        raise trace.error
    assert trace.report is not None
    return trace.report


__all__ = ["Source", "Table", "Trace", "parse_report", "read_source", "run"]
