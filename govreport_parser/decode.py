"""Turn the caller's source (str or bytes) into text and decide whether it is HTML."""

from __future__ import annotations

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import DecodedInput
from govreport_parser.options import ParseOptions


def input_to_text(data: str | bytes, options: ParseOptions, sink: DiagnosticSink) -> DecodedInput:
    """Given str or bytes, return the decoded text and its input format (placeholder: UTF-8, sniff '<html')."""
    if isinstance(data, bytes):
        text = data.decode(options.encoding or "utf-8", errors="replace")
        encoding: str | None = options.encoding or "utf-8"
    else:
        text, encoding = data, None
    looks_html = "<html" in text[:2000].lower() or "<table" in text.lower()
    fmt = options.input_format if options.input_format != "auto" else ("html" if looks_html else "text")
    return DecodedInput(text=text, input_format="html" if fmt == "html" else "text", encoding=encoding)
