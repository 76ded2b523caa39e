"""Remove noise from report text and split it into the lines every later stage refers to."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import CleanText
from govreport_parser.model import SourceSpan
from govreport_parser.normalize import PHRASE_FIXES, PINYIN_RE
from govreport_parser.options import ParseOptions
from govreport_parser.packaged import packaged_json

if TYPE_CHECKING:
    from govreport_parser.vocabulary import Vocabulary

# Share of CJK characters that are traditional-only before a text counts as traditional. Traditional mirror pages in
# samples/ score 0.12-0.25 on the marker list, simplified pages 0.000-0.002 (a stray 於 or 係 in a name).
TRADITIONAL_RATIO = 0.03
# A line this long may hold a whole report flattened onto one line (github/006, pages/122, pages/175 are 700-3700
# characters); normal prose paragraphs with an inline '一、' list item are shorter and never split.
LONG_LINE = 300
# Running titles of a PDF repeat on every page; three copies next to page numbers is the least seen in PDF text.
RUNNING_TITLE_MIN_REPEATS = 3
# How far (in lines) a running title sits from the page-number line it belongs to.
RUNNING_TITLE_DISTANCE = 3
# Pinyin spam is only removed when a toned syllable proves it, or when it is this frequent: a single '(app)' after a
# Chinese word is ordinary text.
PINYIN_MIN_UNTONED = 3
# Characters that may be written right after an inline section heading only when the heading is really an item of a
# list in prose ('主要内容包括一、总体情况，二、…').
_LIST_PUNCT = "，,、；;"
# ... or written right before it ('内容包括：一、总体情况').
_LIST_LEAD = "：:，,、；;"

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_MOJIBAKE_RE = re.compile(r"\?{2,}")
# PINYIN_RE without its look-behind: a necessary condition the regex engine scans for by its literal '(' (PINYIN_RE's
# leading look-behind makes it test every position). Should PINYIN_RE change shape, this is PINYIN_RE itself.
_PINYIN_CORE_RE = re.compile(PINYIN_RE.pattern.removeprefix(r"(?<=[\u3400-\u9fff])"))
_NOT_CJK_RE = re.compile(r"[^\u4e00-\u9fff]+")
# The first item of a line split like `_is_link_or_place_list` splits it.
_FIRST_ITEM_RE = re.compile(r"[\s|｜、,，]*([^\s|｜、,，]+)")
_TONED_RE = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
_URL_RE = re.compile(r"^(?:(?:https?://)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/\S*)?)$")
# A numeral not preceded by another numeral (the look-behind sits after the first numeral so that the regex engine can
# skip ahead to numeral characters instead of testing every position).
_INLINE_NUMERAL_RE = re.compile(r"[一二三四五六七八九十](?<![一二三四五六七八九十]{2})[一二三四五六七八九十]?\s*、\s*")
# Captions that start a table inside a long line (data/markers.json), and the words every one of them contains.
_ANCHOR_RE = re.compile("|".join(packaged_json("markers.json")["table_anchor"]))
_ANCHOR_WORDS: tuple[str, ...] = tuple(packaged_json("markers.json")["table_anchor_words"])
_TITLE_PREFIX_RE = re.compile(r"\s*.{0,60}?(?:信息公开|政务公开)[^。，,;；]{0,12}?(?:年度报告|年报)")
_SUBSECTION_START_RE = re.compile(r"[(（]\s*一\s*[)）]")
_SUBSECTION_INLINE_RE = re.compile(r"(?<=[。；;！？!?：:\s])\s*[(（]\s*[一二三四五六七八九十]{1,2}\s*[)）]")


@dataclass(frozen=True, slots=True, kw_only=True)
class NoisePatterns:
    """The compiled noise data of `data/noise.json`."""

    traditional_markers: frozenset[str]
    chrome_line: re.Pattern[str]
    chrome_patterns: tuple[re.Pattern[str], ...]
    spam: re.Pattern[str]
    place_item: re.Pattern[str]
    place_list_min_items: int
    furniture: tuple[re.Pattern[str], ...]
    footer: tuple[re.Pattern[str], ...]
    chrome_any: re.Pattern[str]
    """`chrome_patterns` as one alternation: it matches where any of them matches."""
    furniture_any: re.Pattern[str]
    """`furniture` as one alternation."""
    spam_tokens: tuple[re.Pattern[str], ...]
    """Searches that find every spam token (in no particular order): a text none of them finds holds no spam.
    Tokens led by a plain character share one alternation, which the regex engine scans by first character."""
    marker_re: re.Pattern[str]
    """One traditional marker (of the CJK block that `traditional_ratio` counts)."""


@lru_cache(maxsize=1)
def load_noise() -> NoisePatterns:
    """Return the compiled noise patterns (loaded once from the packaged `data/noise.json`)."""
    data: dict[str, Any] = packaged_json("noise.json")
    separators = data["chrome_separators"]
    tokens = "|".join(f"(?:{token})" for token in sorted(data["chrome_tokens"], key=len, reverse=True))
    spam_token = "|".join(f"(?:{token})" for token in data["spam_tokens"])
    connector = data["spam_connectors"]
    plain_led = [token for token in data["spam_tokens"] if _plain_led(token)]
    other = [token for token in data["spam_tokens"] if not _plain_led(token)]
    markers = sorted(char for char in data["traditional_markers"] if "\u4e00" <= char <= "\u9fff")
    return NoisePatterns(
        traditional_markers=frozenset(data["traditional_markers"]),
        chrome_line=re.compile(rf"(?:{separators})*(?:(?:{tokens})(?:{separators})*)+"),
        chrome_patterns=tuple(re.compile(pattern) for pattern in data["chrome_lines"]),
        spam=re.compile(rf"(?:{spam_token})(?:{connector}(?:{spam_token}))*[@:：]*"),
        place_item=re.compile(data["place_item"]),
        place_list_min_items=int(data["place_list_min_items"]),
        furniture=tuple(re.compile(pattern) for pattern in data["furniture_lines"]),
        footer=tuple(re.compile(pattern) for pattern in data["footer_lines"]),
        chrome_any=_any_of(data["chrome_lines"]),
        furniture_any=_any_of(data["furniture_lines"]),
        spam_tokens=tuple(re.compile(token) for token in ([_alternation(plain_led)] if plain_led else []) + other),
        marker_re=re.compile("[" + "".join(re.escape(char) for char in markers) + "]" if markers else "(?!)"),
    )


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(_alternation(patterns) if patterns else "(?!)")


def _plain_led(token: str) -> bool:
    """Given a spam token pattern, return True when it starts with a character matched literally and exactly once."""
    return bool(token) and re.escape(token[0]) == token[0] and token[1:2] not in ("?", "*", "+", "{")


def text_to_lines(text: str, options: ParseOptions, sink: DiagnosticSink) -> CleanText:
    """Given decoded report text, return its lines with noise removed and one-line reports split at headings."""
    noise = load_noise()
    # Nothing up to the traditional conversion can span a line break, so it runs once on the whole text.
    text = _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _remove_mojibake(text, sink)
    text = _remove_pinyin(text, sink)
    lines = text.split("\n")
    converted = False
    if options.convert_traditional:
        lines, converted = _convert_traditional(text, lines, sink)
        if converted:
            text = "\n".join(lines)
    lines = _remove_spam(lines, noise, sink, any_spam=any(token.search(text) for token in noise.spam_tokens))
    lines = _remove_chrome(lines, noise, sink)
    lines = _remove_furniture(lines, noise, sink)
    lines = _split_long_lines(lines, options)
    return CleanText(lines=tuple(lines), converted_traditional=converted)


def is_chrome_line(line: str) -> bool:
    """Given one line, return True when it is nothing but site widgets (print, font size, login, breadcrumbs)."""
    noise = load_noise()
    stripped = line.strip()
    if not stripped:
        return False
    return noise.chrome_line.fullmatch(stripped) is not None or noise.chrome_any.match(stripped) is not None


def traditional_ratio(text: str) -> float:
    """Given text, return the share of its CJK characters that only exist in traditional script."""
    found = len(load_noise().marker_re.findall(text))
    if not found:
        return 0.0
    return found / len(_NOT_CJK_RE.sub("", text))


def _remove_mojibake(text: str, sink: DiagnosticSink) -> str:
    # Mirrors re-encode U+3000 and nbsp as '?': runs of them stand for spaces, never for text.
    if "??" not in text:  # a substring test is several times faster than the regex scan
        return text
    text, count = _MOJIBAKE_RE.subn(" ", text)
    if count:
        sink.emit("C006", f"{count} run(s) of '?' standing for lost spaces were replaced by spaces", count=count)
    return text


def _remove_pinyin(text: str, sink: DiagnosticSink) -> str:
    if _PINYIN_CORE_RE.search(text) is None:
        return text
    matches = [m.group(0) for m in PINYIN_RE.finditer(text)]
    if not matches:
        return text
    if not any(_TONED_RE.search(m) for m in matches) and len(matches) < PINYIN_MIN_UNTONED:
        return text
    sink.emit(
        "C003",
        f"{len(matches)} inline pinyin annotation(s) such as {matches[0]!r} were removed",
        count=len(matches),
        examples=tuple(matches[:3]),
    )
    return PINYIN_RE.sub("", text)


def _convert_traditional(text: str, lines: list[str], sink: DiagnosticSink) -> tuple[list[str], bool]:
    """Given the text and its lines, return the lines converted to simplified script when the text is traditional."""
    ratio = traditional_ratio(text)
    if ratio < TRADITIONAL_RATIO:
        return lines, False
    converter = _t2s()
    converted = converter.convert(text).split("\n")
    if len(converted) != len(lines):  # pragma: no cover - OpenCC never joins lines, but line numbers must hold
        converted = [converter.convert(line) for line in lines]
    fixed = []
    for line in converted:
        for wrong, right in PHRASE_FIXES:
            line = line.replace(wrong, right)
        fixed.append(line)
    sink.emit(
        "C002",
        f"traditional script detected ({ratio:.0%} of CJK characters) and converted to simplified",
        ratio=round(ratio, 3),
    )
    return fixed, True


@lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def _remove_spam(lines: list[str], noise: NoisePatterns, sink: DiagnosticSink, *, any_spam: bool = True) -> list[str]:
    """Given lines, return them without spam tokens and link or place lists (`any_spam` False: no token anywhere)."""
    removed: list[str] = []
    out: list[str] = []
    for line in lines:
        found = [match.group(0) for match in noise.spam.finditer(line)] if any_spam else []
        if found:
            removed.extend(found)
            line = noise.spam.sub("", line)
            if not line.strip():
                continue
        elif _is_link_or_place_list(line, noise):
            removed.append(line.strip()[:40])
            continue
        out.append(line)
    if removed:
        sink.emit(
            "C004",
            f"{len(removed)} piece(s) of injected spam such as {removed[0]!r} were removed",
            count=len(removed),
            examples=tuple(dict.fromkeys(removed))[:3],
        )
    return out


def _is_link_or_place_list(line: str, noise: NoisePatterns) -> bool:
    # Every item must be a link, or every item a place: a first item that is neither decides without the split.
    first = _FIRST_ITEM_RE.match(line)
    if first is None or not (_URL_RE.match(first.group(1)) or noise.place_item.match(first.group(1))):
        return False
    items = [item for item in re.split(r"[\s|｜、,，]+", line.strip()) if item]
    if len(items) >= 2 and all(_URL_RE.match(item) for item in items):
        return True
    return len(items) >= noise.place_list_min_items and all(noise.place_item.match(item) for item in items)


def _remove_chrome(lines: list[str], noise: NoisePatterns, sink: DiagnosticSink) -> list[str]:
    chrome = [is_chrome_line(line) for line in lines]
    removed = [line.strip() for line, is_chrome in zip(lines, chrome, strict=True) if is_chrome]
    if not removed:
        return lines
    sink.emit(
        "C001",
        f"{len(removed)} line(s) of site chrome such as {removed[0]!r} were removed",
        count=len(removed),
        examples=tuple(dict.fromkeys(removed))[:3],
    )
    return [line for line, is_chrome in zip(lines, chrome, strict=True) if not is_chrome]


def _remove_furniture(lines: list[str], noise: NoisePatterns, sink: DiagnosticSink) -> list[str]:
    furniture = {index for index, line in enumerate(lines) if noise.furniture_any.match(line.strip()) and line.strip()}
    if not furniture:
        return lines
    # A running title is a line repeated on several pages, each copy close to a page number; its first copy is the
    # real title and stays.
    counts = Counter(line.strip() for line in lines if len(line.strip()) >= 6 and "|" not in line)
    near = {
        index
        for index, line in enumerate(lines)
        if counts.get(line.strip(), 0) >= RUNNING_TITLE_MIN_REPEATS
        and any(abs(index - page) <= RUNNING_TITLE_DISTANCE for page in furniture)
    }
    seen: set[str] = set()
    running = set()
    for index in sorted(near):
        key = lines[index].strip()
        if key in seen or index != _first_index(lines, key):
            running.add(index)
        seen.add(key)
    drop = furniture | running
    sink.emit(
        "C005",
        f"{len(drop)} line(s) of PDF page furniture such as {lines[min(drop)].strip()!r} were removed",
        span=SourceSpan(),
        count=len(drop),
        page_numbers=len(furniture),
        running_titles=len(running),
    )
    return [line for index, line in enumerate(lines) if index not in drop]


def _first_index(lines: list[str], key: str) -> int:
    return next(index for index, line in enumerate(lines) if line.strip() == key)


def _split_long_lines(lines: list[str], options: ParseOptions) -> list[str]:
    if not any(len(line) >= LONG_LINE for line in lines):
        return lines
    from govreport_parser.segment import match_heading
    from govreport_parser.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(options.vocabulary_path)
    out: list[str] = []
    for line in lines:
        if len(line) < LONG_LINE:
            out.append(line)
            continue
        out.extend(_split_one(line, vocabulary, match_heading))
    return out


def _split_one(line: str, vocabulary: Vocabulary, match_heading: Any) -> list[str]:
    """Given one very long line, return it cut before inline headings and table anchors."""
    cuts: dict[int, str] = {}
    # The title, sometimes printed twice, glued to the body ('…年度报告…年度报告2019年,…').
    position = 0
    for _ in range(3):
        title = _TITLE_PREFIX_RE.match(line, position)
        if title is None or title.end() >= len(line):
            break
        cuts[title.end()] = "title"
        position = title.end()
    for numeral in _INLINE_NUMERAL_RE.finditer(line) if "、" in line else ():
        start = numeral.start()
        if start == 0:
            continue
        match = match_heading(line[start:], vocabulary, inline=True)
        previous = line[:start].rstrip()[-1:]
        if match is None or (match.rest[:1] and match.rest[0] in _LIST_PUNCT) or previous in _LIST_LEAD:
            continue
        cuts[start] = "heading"
        rest_at = len(line) - len(match.rest)
        if _SUBSECTION_START_RE.match(match.rest):
            # '二、主动公开政府信息情况（一）主动公开…': the first subsection glued to its section heading.
            cuts[rest_at] = "subsection"
        if match.section_id == "review_litigation" and match.rest.lstrip().startswith("行政复议"):
            cuts[len(line) - len(match.rest.lstrip())] = "anchor"
    # What every anchor contains: a cheap test before the regex scan.
    anchored = any(word in line for word in _ANCHOR_WORDS)
    for anchor in _ANCHOR_RE.finditer(line) if anchored else ():
        before = line[max(0, anchor.start() - 2) : anchor.start()]
        after = line[anchor.end() : anchor.end() + 2]
        # '依据《条例》第二十条第(一)项规定' cites the article in prose; a table block caption stands alone.
        if before.endswith(("》", "例")) or after.startswith(("规定", "的", "之", "所")):
            continue
        cuts[anchor.start()] = "anchor"
    # Subsections '(一)…' start after a sentence end, but only in prose: inside a table they are row labels.
    in_table = False
    parenthesized = "(" in line or "（" in line  # what every inline subsection contains
    ordered = sorted(cuts.items())
    boundaries = [0, *[p for p, _ in ordered], len(line)]
    kinds = ["start", *[k for _, k in ordered]]
    for (begin, end), kind in zip(itertools.pairwise(boundaries), kinds, strict=False):
        if kind == "anchor":
            in_table = True
        elif kind == "heading":
            in_table = _ANCHOR_RE.match(line, begin) is not None
        if in_table or not parenthesized:
            continue
        for sub in _SUBSECTION_INLINE_RE.finditer(line, begin, end):
            position = sub.start() + len(sub.group(0)) - len(sub.group(0).lstrip())
            if position > begin:
                cuts.setdefault(position, "subsection")
    positions = sorted(p for p in cuts if 0 < p < len(line))
    pieces = [line[a:b] for a, b in zip([0, *positions], [*positions, len(line)], strict=True)]
    return [piece.rstrip() if index < len(pieces) - 1 else piece for index, piece in enumerate(pieces) if piece.strip()]
