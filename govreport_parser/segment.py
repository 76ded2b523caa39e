"""Find the title and the sections of the report among its lines."""

from __future__ import annotations

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import CleanText, SectionDraft, Segmented
from govreport_parser.vocabulary import Vocabulary


def lines_to_segments(clean: CleanText, vocabulary: Vocabulary, sink: DiagnosticSink) -> Segmented:
    """Given cleaned lines, return the outline (placeholder: exact heading lines of gov_2021 only)."""
    lines = clean.lines
    starts: list[tuple[int, str | None, str]] = [(1, None, "")]
    for number, line in enumerate(lines, start=1):
        match = vocabulary.match_section(line, "gov_2021", fuzzy=False) if len(line) < 40 else None
        if match is not None and match.id is not None:
            starts.append((number, match.id, line.strip()))
    sections = []
    for index, (start, section_id, heading) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(lines)
        if section_id is None and end < start:
            continue
        sections.append(
            SectionDraft(
                id=section_id,
                heading=heading,
                line_start=start,
                line_end=end,
                body_start=start + 1 if section_id else start,
            )
        )
    title = lines[0].strip() if lines and lines[0].strip() else None
    return Segmented(title=title, title_line=1 if title else None, sections=tuple(sections), report_end=len(lines))
