"""Find the report in an HTML page and render it as text lines, tables as pipe rows."""

from __future__ import annotations

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import HtmlDocument


def html_to_document(html: str, sink: DiagnosticSink) -> HtmlDocument:
    """Given page HTML, return its main content as text (placeholder implementation)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(strip=True) if soup.title else None
    return HtmlDocument(title=title, text=soup.get_text("\n"))
