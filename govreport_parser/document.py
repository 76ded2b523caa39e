"""Intermediate values passed between pipeline stages (internal; shown by `debug_parse`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from govreport_parser.model import Grid, InputFormat, Subsection


@dataclass(frozen=True, slots=True, kw_only=True)
class DecodedInput:
    """Stage `decode`: the source as text, and how it was read."""

    text: str
    input_format: InputFormat
    encoding: str | None = None
    """Codec used for bytes (None when the source was already `str`)."""
    utf8: bytes | None = field(default=None, repr=False, compare=False)
    """The source bytes when they are exactly `text` in UTF-8, so the HTML parser need not encode the text again."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlDocument:
    """Stage `html`: the main content of a page rendered as text lines.

    Tables are rendered as pipe rows (`cell | cell |`), a spanned position as an empty cell, so the text path reads
    them exactly as it reads scraped pipe rows; `grids` keeps every table with spans expanded.
    """

    title: str | None
    text: str
    grids: tuple[Grid, ...] = ()
    """Expanded tables; `span.line_start`/`line_end` are the lines of `text` holding their pipe rendering."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanText:
    """Stage `clean`: report lines with noise removed; line numbers here are what every `SourceSpan` refers to."""

    lines: tuple[str, ...]
    converted_traditional: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionDraft:
    """Stage `segment`: one section before its tables are read."""

    id: str | None
    """Canonical section id, or None (preamble / unmatched part)."""
    heading: str
    """Heading as printed ('' for the preamble)."""
    line_start: int
    """1-based line of the heading (or first line of the preamble)."""
    line_end: int
    """Last line, inclusive."""
    body_start: int
    """First body line after the heading line (== line_start + 1 normally)."""
    subsections: tuple[Subsection, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Segmented:
    """Stage `segment`: the report's outline."""

    title: str | None
    """Title line, if one was found."""
    title_line: int | None
    sections: tuple[SectionDraft, ...]
    """Sections in source order; the preamble (text before the first heading) has id None."""
    report_end: int
    """Last line that belongs to the report; lines after it are site chrome."""
