"""Turn the caller's source (str or bytes) into text and decide whether it is HTML."""

from __future__ import annotations

import codecs
import re

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import DecodedInput
from govreport_parser.model import InputFormat
from govreport_parser.options import ParseOptions

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# GB2312 and GBK are subsets of GB18030; pages that declare them routinely contain GBK-only or GB18030-only
# characters (人名用字, 生僻地名), so the superset decodes them without losing anything.
CODEC_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "hz": "gb18030",
    "iso8859_1": "cp1252",  # WHATWG: pages labelled latin-1 are decoded as windows-1252
    "ascii": "utf-8",  # a page labelled ASCII that holds Chinese is almost always UTF-8
    "big5": "big5hkscs",
}

# Browsers look for the declaration in the first 1024 bytes; saved pages often push it further down behind a long
# comment or collector wrapper (020.html: 1.3 KB), so we look a little further.
DECLARATION_WINDOW = 8192
META_CHARSET = re.compile(
    rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{2,40})""",
    re.IGNORECASE,
)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.\-]{2,40})""", re.IGNORECASE)

# Binary sniffing looks at the head of the input only: enough for any file signature and any real page preamble.
SNIFF_WINDOW = 8192
# Share of C0 control bytes (NUL and friends, not tab/newline/formfeed/ESC) above which the bytes are not text. Real
# pages and text exports in the samples have none; random or compressed data has about 9 %.
BINARY_CONTROL_SHARE = 0.01
# Share of U+FFFD after the best decoding above which the input is binary rather than text with a few bad bytes.
BINARY_REPLACEMENT_SHARE = 0.10
# A declared codec is kept despite errors when fewer than this share of characters are bad: a few corrupt bytes in
# a real GBK page should not make us throw away a correct declaration.
DECLARED_ERROR_SHARE = 0.001
# Stray bad bytes tolerated in otherwise valid UTF-8, per non-ASCII character: GBK read as UTF-8 fails on nearly every
# Chinese character (share ~1), a damaged UTF-8 file on a handful.
UTF8_STRAY_SHARE = 0.01
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))

# HTML sniffing: a document start, or enough real tags. Three tags is the fewest seen in an HTML fragment saved
# without <html>/<body> (a title <p>, a date <p>, one paragraph); text reports contain no ASCII tags at all, only
# Chinese in angle brackets like '<中华人民共和国…>'.
HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
HTML_TAG = re.compile(
    r"</?(?:p|div|span|table|tbody|thead|tr|td|th|br|font|li|ul|ol|h[1-6]|body|html|head|meta|strong|b|a|img|section"
    r"|article|center|o:p)\b[^<>]{0,500}>",
    re.IGNORECASE,
)
HTML_MIN_TAGS = 3
HTML_SNIFF_CHARS = 65536


def input_to_text(data: str | bytes, options: ParseOptions, sink: DiagnosticSink) -> DecodedInput:
    """Given str or bytes, return the decoded text, the codec used and whether it is HTML or text."""
    encoding: str | None = None
    utf8: bytes | None = None
    if isinstance(data, bytes):
        text, encoding, exact = bytes_to_text(data, options, sink)
        if encoding == "utf-8" and exact is not None:
            utf8 = exact
    else:
        text = data
        if len(text) > options.max_bytes:
            sink.emit("D004", f"input of {len(text)} characters truncated to {options.max_bytes}", size=len(text))
            text = text[: options.max_bytes]
        if not text.strip():
            sink.emit("D003", "the input is empty")
    if options.input_format != "auto":
        input_format: InputFormat = "html" if options.input_format == "html" else "text"
    else:
        input_format = "html" if looks_like_html(text) else "text"
    return DecodedInput(text=text, input_format=input_format, encoding=encoding, utf8=utf8)


def looks_like_html(text: str) -> bool:
    """Given decoded text, return True when its content (not any file name) says it is HTML."""
    head = text[:HTML_SNIFF_CHARS]
    if HTML_START.match(head):
        return True
    tags = HTML_TAG.finditer(head)
    return sum(1 for _, _tag in zip(range(HTML_MIN_TAGS), tags, strict=False)) >= HTML_MIN_TAGS


def bytes_to_text(data: bytes, options: ParseOptions, sink: DiagnosticSink) -> tuple[str, str | None, bytes | None]:
    """Given raw bytes, return their text, the codec used and the bytes that text is exactly decoded from.

    The codec comes from a BOM, then a declaration, then detection. The bytes are None when a BOM was cut off or some
    bytes were replaced, so that they are the source of the text byte for byte whenever they are given.
    """
    truncated = len(data) > options.max_bytes
    if truncated:
        sink.emit("D004", f"input of {len(data)} bytes truncated to {options.max_bytes}", size=len(data))
        data = data[: options.max_bytes]
    if not data.strip():
        sink.emit("D003", "the input is empty")
        return "", None, None
    bom_codec = _bom(data)
    if bom_codec is not None:
        codec, bom_length = bom_codec
        return _decode(data[bom_length:], codec, sink, truncated=truncated), codec, None
    if options.encoding:
        codec = _canonical(options.encoding) or options.encoding
        return _decode(data, codec, sink, truncated=truncated), codec, None
    utf16 = _bomless_utf16(data)
    if utf16 is None and _looks_binary(data):
        sink.emit("D005", "the input looks binary (control bytes), not like text or HTML")
        return "", None, None
    if utf16 is not None:
        return _decode(data, utf16, sink, truncated=truncated), utf16, None
    declared = _declared(data)
    if declared is not None:
        text, errors = _try(data, declared, truncated=truncated)
        if errors <= max(1, len(text) * DECLARED_ERROR_SHARE):
            _report_errors(errors, declared, sink)
            return text, declared, None if errors else data
    text, errors = _try(data, "utf-8", truncated=truncated)
    if not errors:
        return text, "utf-8", data
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if errors <= max(1, non_ascii * UTF8_STRAY_SHARE):
        # Multi-byte UTF-8 sequences almost never occur by chance in other encodings: text that is valid UTF-8 but
        # for a stray byte or two is UTF-8 with damage, not a legacy codec.
        _report_errors(errors, "utf-8", sink)
        return text, "utf-8", None
    codec = _detect(data)
    text, errors = _try(data, codec, truncated=truncated)
    if errors:
        fallback, fallback_errors = _try(data, "gb18030", truncated=truncated)
        if fallback_errors < errors:
            codec, text, errors = "gb18030", fallback, fallback_errors
    if errors > len(text) * BINARY_REPLACEMENT_SHARE:
        sink.emit("D005", f"the input looks binary: {errors} undecodable sequences", encoding=codec)
        return "", None, None
    note = f"declared {declared} did not fit; " if declared else ""
    sink.emit("D002", f"{note}encoding detected from the bytes: {codec}", encoding=codec)
    _report_errors(errors, codec, sink)
    return text, codec, None if errors else data


def _bom(data: bytes) -> tuple[str, int] | None:
    for mark, codec in BOMS:
        if data.startswith(mark):
            return codec, len(mark)
    return None


def _canonical(label: str) -> str | None:
    """Return the Python codec for an encoding label (GB family widened to gb18030), or None if unknown."""
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return CODEC_ALIASES.get(name.replace("-", "_"), CODEC_ALIASES.get(name, name))


def _declared(data: bytes) -> str | None:
    head = data[:DECLARATION_WINDOW]
    match = XML_ENCODING.match(head) or META_CHARSET.search(head)
    if match is None:
        return None
    codec = _canonical(match.group(1).decode("ascii", "replace"))
    # A page cannot really be UTF-16 if its declaration was readable as ASCII bytes.
    if codec is None or codec.startswith(("utf_16", "utf-16", "utf_32", "utf-32")):
        return None
    return codec


def _bomless_utf16(data: bytes) -> str | None:
    """Return utf-16-le/be when every other byte of the head is NUL (ASCII-heavy UTF-16 without BOM)."""
    head = data[:SNIFF_WINDOW]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    # Markup and digits make UTF-16 text mostly ASCII: half of its bytes are NUL on one side only.
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    head = data[:SNIFF_WINDOW]
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    return controls > len(head) * BINARY_CONTROL_SHARE


def _detect(data: bytes) -> str:
    """Return the codec charset-normalizer finds most plausible, gb18030 when it has no answer."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return "gb18030"
    return _canonical(best.encoding) or "gb18030"


def _try(data: bytes, codec: str, *, truncated: bool) -> tuple[str, int]:
    """Return the text decoded with `codec` (bad bytes replaced) and how many replacements were made."""
    try:
        return data.decode(codec), 0
    except UnicodeDecodeError:
        pass
    except LookupError:
        return "", len(data)
    text = data.decode(codec, errors="replace")
    if truncated:
        # Cutting at max_bytes may split the last multi-byte character; that is not a decoding error.
        text = text.rstrip("\ufffd")
    return text, text.count("\ufffd")


def _decode(data: bytes, codec: str, sink: DiagnosticSink, *, truncated: bool) -> str:
    text, errors = _try(data, codec, truncated=truncated)
    if not text and errors:
        sink.emit("D001", f"unknown encoding {codec!r}; decoded as UTF-8", encoding=codec)
        text, errors = _try(data, "utf-8", truncated=truncated)
    _report_errors(errors, codec, sink)
    return text


def _report_errors(errors: int, codec: str, sink: DiagnosticSink) -> None:
    if errors:
        sink.emit(
            "D001", f"{errors} undecodable byte sequence(s) replaced by U+FFFD ({codec})", encoding=codec, count=errors
        )
