"""Find the title and the sections of the report among its lines."""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import CleanText, SectionDraft, Segmented
from govreport_parser.model import SourceSpan, Subsection
from govreport_parser.normalize import fold
from govreport_parser.packaged import packaged_json
from govreport_parser.vocabulary import FUZZY_THRESHOLD, VERSION_IDS, Vocabulary

# A heading written without a numeral must stand alone on a short line; 30 folded characters is longer than every
# heading label of format.json (the longest is 27) yet shorter than any sentence that merely names a section.
BARE_HEADING_MAX = 30
# A numbered line this short that matches no section is reported as an unknown heading (S007); list items in prose
# ('一、加强组织领导，…') are longer or carry sentence punctuation.
UNKNOWN_HEADING_MAX = 25
# Fuzzy matching compares windows this much shorter or longer than a label, so a dropped or added character
# ('行政法复议', '政府信息的情况') still lines up.
FUZZY_WINDOW = 2
# Keys shorter than this are matched exactly only: one changed character in '概述' is a different word.
FUZZY_MIN_KEY = 4
# A subsection heading longer than this is a run-in paragraph; its heading is cut at the first comma.
SUBSECTION_HEADING_MAX = 30
# A '5、'/'6、' heading may end an outline of '一、' headings only after this many of them (see `_fills_gap`).
LAST_GAP_AFTER = 4
# A last line this short without any sentence punctuation is a signature (agency name), not a cut-off sentence.
SIGNATURE_MAX = 20

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ORDINAL_RE = re.compile(
    r"^\s*(?:"
    r"(?P<cn>[一二三四五六七八九十]{1,3})\s*[、.．,，](?:(?!\d)|(?=(?:19|20)\d{2}\s*年))"
    r"|第(?P<part>[一二三四五六七八九十]{1,3})部分\s*[:：、.．]?"
    r"|[(（]\s*(?P<paren>[一二三四五六七八九十]{1,3})\s*[)）]\s*[、.．]?"
    r"|(?P<num>\d{1,2})\s*[.．、](?!\d)"
    r"|表\s*(?P<table>[二三四])(?![十])\s*[:：、.．]?"
    r")\s*"
)
_SUBSECTION_RE = re.compile(
    r"^\s*(?:[(（]\s*(?P<paren>[一二三四五六七八九十]{1,3})\s*[)）]|(?P<num>\d{1,2})\s*[.．、](?!\d))\s*[、.．]?\s*"
)
_MARKERS = packaged_json("markers.json")
# A line of a table: it starts with a caption or header word of tables 二/三/四 (data/markers.json).
_TABLE_LINE_RE = re.compile(_MARKERS["table_line"])
# Every character that folds to nothing (whitespace, zero-width space, BOM); any other character folds to at least one.
_VANISHING_RE = re.compile(r"[\s\u200b\ufeff]")
# What a line starts with when it may be numbered like a section ('一、', '第一部分', '表二').
_SECTION_NUMERAL_RE = re.compile(r"\s*[一二三四五六七八九十第表]")
# What `_TABLE_LINE_RE` needs to match text without a pipe.
_TABLE_WORD_RE = re.compile("|".join(map(re.escape, _MARKERS["table_words"])))
_TABLE_ID_OF = {"二": "table2", "三": "table3", "四": "table4"}
_HEADING_TRAIL = " \t:：。.．|"
_SENTENCE_END = '。！？!?；;.…)）》」』”"：:'
_TITLE_RE = re.compile(r"(?:信息公开|政务公开).{0,12}?(?:年度报告|年报|工作报告|报告)")
_TITLE_META_RE = re.compile(r"^\s*(?:标题|文件名称|题名)\s*[:：|]?\s*\|?\s*")
# Metadata fields ('栏目: 政府信息公开年报', '索 引 号 | …') name the page, not the report.
_FIELD_RE = re.compile(r"^[\u4e00-\u9fff\s]{1,8}[:：|]")
_TITLE_BAD_START = ("根据", "按照", "依据", "本报告", "本年度报告", "现", "为", "编制说明", "本政府", "关于")
_SCRAMBLED_REST = frozenset("工作年度报告")
_CLAUSE_RE = re.compile(r"[。：:；;]")
_COMMA_RE = re.compile(r"[，,\s]")
_DATE_END_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_CLOSING_IDS = frozenset({"problems_improvements", "other_matters"})
_LEGACY_ONLY = frozenset(
    {
        "application_disclosure",
        "fees_and_waivers",
        "consultation",
        "response_interpretation",
        "institution_funding_training",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class HeadingMatch:
    """A line (or the start of a text) recognised as a section heading."""

    section_id: str
    ordinal: str | None
    """The numeral as printed (`二`, `1`), or None for a bare heading."""
    style: str | None
    """`cn` (一、), `part` (第一部分), `paren` ((一)), `num` (1.), `table` (表二) or None."""
    heading: str
    """The heading as printed, numeral included, without run-in text."""
    rest: str
    """Run-in text after the heading on the same line."""
    method: str
    """`exact`, `suffix` or `fuzzy`."""
    score: float = 1.0


class _FuzzyKey(NamedTuple):
    key: str
    section_id: str
    chars: frozenset[str]
    repeats: int
    """How many characters of the key repeat one before it."""
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class _HeadingIndex:
    keys: tuple[tuple[str, str], ...]
    """(folded key, section id), longest key first."""
    table_sections: dict[str, str]
    order: dict[str, tuple[str, ...]]
    by_first: dict[str, tuple[tuple[str, str], ...]]
    """`keys` grouped by their first character (same order): only those can be a prefix of a text."""
    by_last: dict[str, tuple[tuple[str, str], ...]]
    """`keys` of two or more characters grouped by their last character (same order), for suffixes."""
    fuzzy_groups: tuple[tuple[int, int, int, tuple[_FuzzyKey, ...]], ...]
    """Keys long enough for fuzzy matching, in `keys` order, grouped by length: (length, shortest window, how many
    characters a window must share with such a key to reach FUZZY_THRESHOLD, keys)."""
    key_chars: frozenset[str]
    """Every character of every key."""
    norm_limit: int
    """How many folded characters of a line decide its heading: longer text only tells that it is long."""


@lru_cache(maxsize=8)
def _index(vocabulary: Vocabulary) -> _HeadingIndex:
    ids_of: dict[str, str] = {}
    order: dict[str, tuple[str, ...]] = {}
    # Later versions win a key they share with an earlier one: their ids are the ones a modern reader expects.
    for version in reversed(VERSION_IDS):
        specs = next(v for v in vocabulary.data["format_versions"] if v["id"] == version)["sections"]
        order[version] = tuple(spec["id"] for spec in specs)
        for spec in specs:
            for label in (spec["label"], *spec.get("variants", ()), *spec.get("unverified_variants", ())):
                label = label.split(" (", 1)[0]
                key = _norm(_ORDINAL_RE.sub("", label, count=1))[0]
                if key:
                    ids_of[key] = spec["id"]
    table_sections = {spec.table: spec.id for spec in vocabulary.sections["gov_2021"] if spec.table}
    keys = tuple(sorted(ids_of.items(), key=lambda item: (-len(item[0]), item[0])))
    by_first: dict[str, list[tuple[str, str]]] = {}
    by_last: dict[str, list[tuple[str, str]]] = {}
    for key, section_id in keys:
        by_first.setdefault(key[0], []).append((key, section_id))
        if len(key) >= 2:
            by_last.setdefault(key[-1], []).append((key, section_id))
    groups: dict[int, list[_FuzzyKey]] = {}
    for key, section_id in keys:
        if len(key) >= FUZZY_MIN_KEY:
            fuzzy_key = _FuzzyKey(key, section_id, frozenset(key), len(key) - len(set(key)), dict(Counter(key)))
            groups.setdefault(len(key), []).append(fuzzy_key)
    fuzzy_groups = tuple(
        (length, max(1, length - FUZZY_WINDOW), _shared_needed(length), tuple(group))
        for length, group in groups.items()
    )
    longest = max((len(key) for key, _ in keys), default=0)
    return _HeadingIndex(
        keys=keys,
        table_sections=table_sections,
        order=order,
        by_first={first: tuple(group) for first, group in by_first.items()},
        by_last={last: tuple(group) for last, group in by_last.items()},
        fuzzy_groups=fuzzy_groups,
        key_chars=frozenset(itertools.chain.from_iterable(ids_of)),
        norm_limit=max(longest + FUZZY_WINDOW, BARE_HEADING_MAX, UNKNOWN_HEADING_MAX) + 1,
    )


def _shared_needed(length: int) -> int:
    """Given a key length, return the fewest shared characters that let its shortest window reach the threshold."""
    low = max(1, length - FUZZY_WINDOW)
    # Computed as difflib computes quick_ratio, so the float comparison is the same one.
    return next(shared for shared in itertools.count() if 2.0 * shared / (low + length) >= FUZZY_THRESHOLD)


class _FoldTable(dict[int, str]):
    """Code point → that character folded alone, whitespace dropped; filled on first use (a `str.translate` table).

    Not a dataclass: it is a memo dict whose `__missing__` computes the entry.
    """

    def __missing__(self, code: int) -> str:
        folded = "".join(char for char in fold(chr(code)) if not char.isspace())
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def _norm(text: str) -> tuple[str, list[int]]:
    """Given raw text, return it folded without whitespace, and for each folded character its raw index."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for folded in _FOLD_TABLE[ord(char)]:
            chars.append(folded)
            where.append(index)
    return "".join(chars), where


def _norm_text(text: str) -> str:
    """Given raw text, return `_norm(text)[0]` (one C-level pass instead of a loop per character)."""
    return text.translate(_FOLD_TABLE)


def _norm_head(text: str, limit: int) -> tuple[str, bool]:
    """Given raw text, return at least `limit` characters of `_norm(text)[0]` (all when shorter) and whether all."""
    size = limit
    while True:
        head = text[:size].translate(_FOLD_TABLE)
        if size >= len(text):
            return head, True
        if len(head) >= limit:
            return head, False
        # Whitespace folds to nothing: read further until enough characters are left.
        size *= 4


def _raw_end(text: str, count: int) -> int:
    """Given raw text and a number of folded characters, return the raw index just after the last of them."""
    produced = 0
    for index, char in enumerate(text):
        produced += len(_FOLD_TABLE[ord(char)])
        if produced >= count:
            return index + 1
    return len(text)  # pragma: no cover - callers never ask for more characters than the text folds to


_YEAR_PREFIX_RE = re.compile(r"\s*(?:19|20)\d{2}\s*年度?\s*(?=\D)")


def match_heading(text: str, vocabulary: Vocabulary, *, inline: bool = False) -> HeadingMatch | None:
    """Given a line (or, with `inline`, text that starts where a heading may start), return its section heading."""
    start = _heading_start(text, inline=inline)
    if start is None:
        return None
    return _match_start(start[0], start[1], vocabulary, inline=inline)


def _heading_start(text: str, *, inline: bool) -> tuple[str, re.Match[str] | None] | None:
    """Given a line, return the text a heading is looked for in and its numeral, or None when it cannot be one."""
    stripped = text.strip()
    if not stripped:
        return None
    body = stripped.rstrip("| ").strip() if not inline else stripped
    if not inline and "|" in body:
        return None
    return body, _ORDINAL_RE.match(body)


def _style(ordinal_match: re.Match[str]) -> str:
    return next(name for name in ("cn", "part", "paren", "num", "table") if ordinal_match.group(name))


def _match_start(
    body: str, ordinal_match: re.Match[str] | None, vocabulary: Vocabulary, *, inline: bool
) -> HeadingMatch | None:
    """Given `_heading_start` of a line, return its section heading (the rest of `match_heading`)."""
    style: str | None = None
    ordinal: str | None = None
    if ordinal_match:
        style = _style(ordinal_match)
        ordinal = ordinal_match.group(style)
    elif inline:
        # An inline heading needs its numeral: a bare label inside running text is prose.
        return None
    prefix_len = ordinal_match.end() if ordinal_match else 0
    rest_raw = body[prefix_len:]
    year = _YEAR_PREFIX_RE.match(rest_raw) if style is not None else None
    if year:
        # '一、2023年度总体情况': a numbered heading may name the year before the section title.
        prefix_len += year.end()
        rest_raw = body[prefix_len:]
    long_bare = style is None and len(rest_raw) > BARE_HEADING_MAX
    if long_bare and _VANISHING_RE.search(rest_raw, 0, BARE_HEADING_MAX + 1) is None:
        # Its first BARE_HEADING_MAX + 1 characters all fold to something: too long for a bare heading (most prose).
        return None
    index = _index(vocabulary)
    # Only the first `norm_limit` folded characters can decide the heading; the rest of a long line only makes it
    # long, so it is never folded (a one-line report is asked this at every inline numeral).
    norm, complete = _norm_head(rest_raw, index.norm_limit)
    if style == "table":
        section_id = index.table_sections.get(_TABLE_ID_OF[ordinal or ""])
        if section_id is None:
            return None
        found = _prefix(norm, index)
        cut = _raw_end(rest_raw, len(found[0])) if found else _clause_end(rest_raw)
        return _build(body, prefix_len + cut, section_id, ordinal, style, "exact", 1.0)
    if not norm:
        return None
    found = _prefix(norm, index)
    if found is not None:
        key, section_id = found
        # A cut-off norm is longer than BARE_HEADING_MAX, so it fails the bare-heading test as the whole one would.
        after = norm[len(key) :].lstrip(_HEADING_TRAIL)
        if style is None and (after or len(norm) > BARE_HEADING_MAX or inline):
            return None
        return _build(body, prefix_len + _raw_end(rest_raw, len(key)), section_id, ordinal, style, "exact", 1.0)
    if style is None:
        return None
    if not complete and not norm[UNKNOWN_HEADING_MAX:].strip(_HEADING_TRAIL):
        # Only heading punctuation past UNKNOWN_HEADING_MAX: the suffix rule needs the whole line to know its length.
        norm = _norm_text(rest_raw)
    fuzzy = _fuzzy(norm, index)
    if fuzzy is not None:
        length, section_id, score, method = fuzzy
        return _build(body, prefix_len + _raw_end(rest_raw, length), section_id, ordinal, style, method, score)
    return None


def _build(
    body: str, cut: int, section_id: str, ordinal: str | None, style: str | None, method: str, score: float
) -> HeadingMatch:
    heading = body[:cut].rstrip()
    rest = body[cut:]
    # A heading closed by '：' or '。' keeps the mark out of both parts.
    trimmed = rest.lstrip(" \t:：。.．")
    return HeadingMatch(
        section_id=section_id,
        ordinal=ordinal,
        style=style,
        heading=heading.rstrip(" |"),
        rest=trimmed.rstrip("| "),  # empty exactly when the text after the heading is only pipes and spaces
        method=method,
        score=score,
    )


def _prefix(norm: str, index: _HeadingIndex) -> tuple[str, str] | None:
    for key, section_id in index.by_first.get(norm[:1], ()):
        if norm.startswith(key):
            return key, section_id
    return None


def _fuzzy(norm: str, index: _HeadingIndex) -> tuple[int, str, float, str] | None:
    whole = norm.rstrip(_HEADING_TRAIL)
    best: dict[str, tuple[float, int]] = {}
    top = 0.0
    matcher: difflib.SequenceMatcher[str] | None = None
    # Every window (a prefix of the line, up to the key length + FUZZY_WINDOW) is scored against every key exactly as
    # difflib's real_quick_ratio / quick_ratio / ratio chain scores it, but cheaper: quick_ratio counts the characters
    # a window shares with the key (with multiplicity), and two upper bounds of that count skip most keys outright -
    # the window characters found in any key (per key length), then the key's distinct shared characters plus the
    # repeats of either side. The windows of a surviving key get their counts in one pass, and only a window that
    # passes both quick ratios reaches difflib's ratio().
    size = len(norm)
    in_keys = (0, *itertools.accumulate(map(index.key_chars.__contains__, norm[: index.norm_limit])))
    window_chars: dict[int, tuple[frozenset[str], int]] = {}
    for length, low, needed, group in index.fuzzy_groups:
        high = length + FUZZY_WINDOW if length + FUZZY_WINDOW < size else size
        if high < low or in_keys[high] < needed:
            continue
        chars_repeats = window_chars.get(high)
        if chars_repeats is None:
            chars = frozenset(norm[:high])
            chars_repeats = window_chars[high] = (chars, high - len(chars))
        for fuzzy_key in group:
            if len(fuzzy_key.chars & chars_repeats[0]) + min(fuzzy_key.repeats, chars_repeats[1]) < needed:
                continue
            available = fuzzy_key.counts.copy()
            shared = 0
            for window, char in enumerate(norm[:high], start=1):
                left = available.get(char, 0)
                if left > 0:
                    available[char] = left - 1
                    shared += 1
                if window < low:
                    continue
                total = window + length
                # The same float expressions as difflib's real_quick_ratio and quick_ratio.
                shorter = window if window < length else length
                quick = 2.0 * shared / total
                if 2.0 * shorter / total < FUZZY_THRESHOLD or quick < FUZZY_THRESHOLD:
                    continue
                # ratio() <= quick_ratio: a window that cannot beat its section's best, or reach the best score of
                # any section, cannot change the outcome (ties with the best are still scored).
                if quick <= best.get(fuzzy_key.section_id, (0.0, 0))[0] or quick < top:
                    continue
                if matcher is None:
                    matcher = difflib.SequenceMatcher(autojunk=False)
                matcher.set_seq2(fuzzy_key.key)
                matcher.set_seq1(norm[:window])
                score = matcher.ratio()
                if score >= FUZZY_THRESHOLD and score > best.get(fuzzy_key.section_id, (0.0, 0))[0]:
                    best[fuzzy_key.section_id] = (score, window)
                    top = max(top, score)
    if best:
        ranked = sorted(best.items(), key=lambda item: -item[1][0])
        section_id, (score, length) = ranked[0]
        if len(ranked) == 1 or ranked[1][1][0] < score:
            return length, section_id, round(score, 3), "fuzzy"
    # '政府信息公开工作的总体情况', '总体概述': a short numbered heading that ends with a known label.
    if len(whole) <= UNKNOWN_HEADING_MAX:
        for key, section_id in index.by_last.get(whole[-1:], ()):
            if whole.endswith(key):
                return len(whole), section_id, 1.0, "suffix"
    return None


def _clause_end(text: str) -> int:
    match = _CLAUSE_RE.search(text)
    return match.start() if match else len(text)


def lines_to_segments(clean: CleanText, vocabulary: Vocabulary, sink: DiagnosticSink) -> Segmented:
    """Given cleaned lines, return the outline: title, sections with subsections, and the last report line."""
    lines = clean.lines
    index = _index(vocabulary)
    found = _find_headings(lines, vocabulary, index, sink)
    first_heading = found[0][0] if found else len(lines) + 1
    title, title_line = _find_title(lines, first_heading)
    if title is None:
        sink.emit("S001", "no report title was found", span=SourceSpan(line_start=1, line_end=min(len(lines), 1)))
    report_end = _report_end(lines, found[-1][0] if found else 0, sink)
    drafts: list[SectionDraft] = []
    if first_heading > 1 and any(line.strip() for line in lines[: first_heading - 1]):
        drafts.append(
            SectionDraft(id=None, heading="", line_start=1, line_end=min(first_heading - 1, report_end), body_start=1)
        )
    for position, (number, match) in enumerate(found):
        end = found[position + 1][0] - 1 if position + 1 < len(found) else report_end
        end = max(end, number)
        section_id = match.section_id if match.section_id else None
        drafts.append(
            SectionDraft(
                id=section_id,
                heading=match.heading,
                line_start=number,
                line_end=end,
                body_start=number if match.rest else number + 1,
                subsections=_subsections(lines, number + 1, end) if section_id else (),
            )
        )
    if not any(draft.id for draft in drafts):
        sink.emit(
            "S002",
            "no section heading of any report format was found",
            span=SourceSpan(line_start=1, line_end=len(lines)),
        )
    else:
        _check_outline(drafts, found, lines, report_end, index, sink)
    return Segmented(title=title, title_line=title_line, sections=tuple(drafts), report_end=report_end)


def _find_headings(
    lines: tuple[str, ...], vocabulary: Vocabulary, index: _HeadingIndex, sink: DiagnosticSink
) -> list[tuple[int, HeadingMatch]]:
    candidates: list[tuple[int, HeadingMatch]] = []
    unknown: list[tuple[int, str, str]] = []
    # Lines numbered like sections ('一、', '第一部分', '表二') are matched first. When one of them is a section, no
    # '(一)'/'1.' line is kept as a section (`strong` below), so such a line outside a table needs no matching: matched
    # or not it leaves `in_table` False, unless it holds a table caption word or a pipe.
    early = {
        number: match_heading(line, vocabulary)
        for number, line in enumerate(lines, start=1)
        if _SECTION_NUMERAL_RE.match(line)
    }
    numbered_sections = any(m is not None and m.style in ("cn", "part", "table") for m in early.values())
    # '一、' headings by line, for the one heading a writer numbered '1、' among them ('1、总体情况', '二、…').
    outline = [(number, _cn_value(m.ordinal or "")) for number, m in early.items() if m is not None and m.style == "cn"]
    in_table = False
    for number, line in enumerate(lines, start=1):
        if number in early:
            match = early[number]
        else:
            start = _heading_start(line, inline=False)
            if start is None:
                match = None
            else:
                body, ordinal_match = start
                if (
                    numbered_sections
                    and not in_table
                    and ordinal_match is not None
                    and _style(ordinal_match) in ("paren", "num")
                    and "|" not in line
                    and _TABLE_WORD_RE.search(line) is None
                    and not _fills_gap(
                        number, _cn_value(ordinal_match.group(_style(ordinal_match))), _style(ordinal_match), outline
                    )
                ):
                    continue
                match = _match_start(body, ordinal_match, vocabulary, inline=False)
        if match is not None and not (
            in_table
            and match.style in ("paren", "num")
            and not _fills_gap(number, _cn_value(match.ordinal or ""), match.style or "", outline)
        ):
            candidates.append((number, match))
            in_table = bool(match.rest) and _TABLE_LINE_RE.match(match.rest) is not None
            continue
        if _TABLE_LINE_RE.match(line) or "|" in line:
            in_table = True
            continue
        if not in_table:
            ordinal = _ORDINAL_RE.match(line)
            if ordinal and ordinal.group("cn"):
                norm, complete = _norm_head(line[ordinal.end() :], UNKNOWN_HEADING_MAX + 1)
                if complete and 0 < len(norm) <= UNKNOWN_HEADING_MAX and not any(p in norm for p in "。，,；;"):
                    unknown.append((number, ordinal.group("cn"), line.strip()))
    # Numbered '(一)'/'1.' headings are sections only in documents whose sections are not numbered '一、'.
    strong = any(match.style in ("cn", "part", "table") for _, match in candidates)
    # Without '一、' headings, '(一)'/'1.' lines are the outline only when it starts with the overview as number one;
    # otherwise they are subsections under a bare '总体情况' (pages/126) or of a headless excerpt (pages/270).
    numbered = [match for _, match in candidates if match.style in ("paren", "num")]
    if numbered and not (numbered[0].section_id == "overview" and _cn_value(numbered[0].ordinal or "") == 1):
        strong = True
    kept: list[tuple[int, HeadingMatch]] = []
    seen: list[str] = []
    fillers = _gap_fillers(candidates, outline) if strong else set()
    for number, match in candidates:
        if strong and match.style in ("paren", "num"):
            if number not in fillers:
                continue
            # A section the writer numbered '1、' where its neighbours say '一、'/'三、': a section all the same.
            match = dataclasses.replace(match, style="cn")
        if match.style is None and (match.section_id in seen or _before(match.section_id, seen, index)):
            continue
        kept.append((number, match))
        seen.append(match.section_id)
    return _add_unknown(kept, unknown, sink)


def _gap_fillers(candidates: list[tuple[int, HeadingMatch]], outline: list[tuple[int, int]]) -> set[int]:
    """Return the lines of '1、'/'(一)' headings that each stand for the one section missing from the '一、' outline.

    A gap has one filler or none: where several lines could fill it (a '2、' heading and a '(二)' subsection of the
    section before), the one numbered like a section ('2、') is taken, and if that does not settle it, none is.
    """
    outline_ids = {match.section_id for _, match in candidates if match.style == "cn"}
    gaps: dict[int, list[tuple[int, HeadingMatch]]] = {}
    for number, match in candidates:
        if match.style not in ("paren", "num") or not match.section_id or match.section_id in outline_ids:
            continue
        if _fills_gap(number, _cn_value(match.ordinal or ""), match.style, outline):
            gap = max((n for n, _ in outline if n < number), default=0)
            gaps.setdefault(gap, []).append((number, match))
    fillers = set()
    for group in gaps.values():
        numbered = [number for number, match in group if match.style == "num"]
        if len(numbered) == 1:
            fillers.add(numbered[0])
        elif len(group) == 1:
            fillers.add(group[0][0])
    return fillers


def _fills_gap(number: int, value: int, style: str, outline: list[tuple[int, int]]) -> bool:
    """Whether a heading numbered `value` on line `number` is the one missing from the '一、' outline around it.

    It must follow the '一、' heading numbered one less (or come before all of them, as number one) and be followed
    by the one numbered one more; a '1.'/'(二)' list inside a section continues no outline and stays a subsection.
    A '5、'/'6、' after '一、' to '四、' at least may also end the outline (an excerpt that stops at '一、' followed by
    '(二)…' subsections must not grow a section).
    """
    before = [v for n, v in outline if n < number]
    following = [v for n, v in outline if n > number]
    if (before[-1] if before else 0) != value - 1:
        return False
    if following:
        return following[0] == value + 1
    return style == "num" and len(before) >= LAST_GAP_AFTER


def _before(section_id: str, seen: list[str], index: _HeadingIndex) -> bool:
    """Given a bare heading's id, return True when it would come before a section already seen (then it is prose)."""
    if not seen:
        return False
    order = index.order["legacy_pre2019"] if section_id in _LEGACY_ONLY else index.order["gov_2021"]
    if section_id not in order or seen[-1] not in order:
        return False
    return order.index(section_id) < order.index(seen[-1])


def _add_unknown(
    kept: list[tuple[int, HeadingMatch]], unknown: list[tuple[int, str, str]], sink: DiagnosticSink
) -> list[tuple[int, HeadingMatch]]:
    """Given matched headings and unmatched short numbered lines, return both where the lines continue the numbering."""
    out = list(kept)
    for number, numeral, text in unknown:
        previous = [m for n, m in out if n < number and m.style == "cn"]
        if not previous or _cn_value(numeral) != _cn_value(previous[-1].ordinal or "") + 1:
            continue
        following = [m for n, m in out if n > number and m.style == "cn"]
        if following and _cn_value(following[0].ordinal or "") != _cn_value(numeral) + 1:
            continue
        sink.emit(
            "S007",
            f"line {number} {text!r} looks like a section heading but matches no section of the format",
            span=SourceSpan(line_start=number, line_end=number),
            heading=text,
        )
        out.append(
            (
                number,
                HeadingMatch(
                    section_id="", ordinal=numeral, style="cn", heading=text, rest="", method="none", score=0.0
                ),
            )
        )
    return sorted(out, key=lambda item: item[0])


def _cn_value(numeral: str) -> int:
    """Given a Chinese numeral up to 九十九 (or digits), return its value (0 when unreadable)."""
    if numeral.isdigit():
        return int(numeral)
    if not numeral:
        return 0
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(numeral, 0)


def _find_title(lines: tuple[str, ...], first_heading: int) -> tuple[str | None, int | None]:
    """Given the lines and the first heading line, return the title and its line (looked for before the heading)."""
    limit = min(first_heading - 1, len(lines)) if first_heading <= len(lines) else min(len(lines), 40)
    fallback: tuple[str, int] | None = None
    for number in range(1, limit + 1):
        raw = lines[number - 1].strip()
        if not raw or len(raw) > 120:
            continue
        meta = _TITLE_META_RE.match(raw)
        text = raw[meta.end() :].strip(" |") if meta else raw
        if not meta and _FIELD_RE.match(raw):
            continue
        if not _looks_like_title(text):
            continue
        text = _complete_title(lines, number, text)
        if meta:
            fallback = fallback or (text, number)
            continue
        return text, number
    return fallback if fallback else (None, None)


def _looks_like_title(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    if not compact or len(compact) > 80 or compact.startswith(_TITLE_BAD_START) or any(c in compact for c in "。|"):
        return False
    if _TITLE_RE.search(compact):
        return True
    # Scrambled titles keep their characters but not their order ('…信息公开工作告年度报').
    head, found, tail = compact.partition("信息公开")
    return bool(found) and bool(tail) and set(tail) <= _SCRAMBLED_REST and "报" in tail and bool(head)


def _complete_title(lines: tuple[str, ...], number: int, text: str) -> str:
    """Given a title line, return it joined with the agency name printed on the line above it (PDF title pages)."""
    if not re.match(r"^\s*(?:19|20)\d{2}\s*年", text) or number < 2:
        return text
    for previous in range(number - 1, max(0, number - 3), -1):
        above = lines[previous - 1].strip()
        if not above:
            continue
        if len(above) <= 20 and not re.search(r"[\d:：。,，|]", above):
            return above + text
        break
    return text


def _report_end(lines: tuple[str, ...], last_heading: int, sink: DiagnosticSink) -> int:
    """Given the lines and the last heading line, return the last line of the report (site footers excluded)."""
    from govreport_parser.clean import is_chrome_line, load_noise

    footer = load_noise().footer
    end = len(lines)
    for number in range(max(last_heading + 1, 1), len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and any(pattern.search(stripped) for pattern in footer):
            end = number - 1
            break
    while end > max(last_heading, 0) and (not lines[end - 1].strip() or is_chrome_line(lines[end - 1])):
        end -= 1
    dropped = [line.strip() for line in lines[end:] if line.strip()]
    if dropped:
        sink.emit(
            "C001",
            f"{len(dropped)} line(s) of site chrome after the report such as {dropped[0]!r} were excluded",
            span=SourceSpan(line_start=end + 1, line_end=len(lines)),
            count=len(dropped),
        )
    return max(end, 0)


def _subsections(lines: tuple[str, ...], start: int, end: int) -> tuple[Subsection, ...]:
    """Given a section's body lines, return its numbered subsections （一）（二）… (or 1. 2. when it has no （一）)."""
    candidates: list[tuple[int, str, str, int]] = []
    prose_end = end
    for number in range(start, end + 1):
        line = lines[number - 1]
        if "|" in line or _TABLE_LINE_RE.match(line):
            prose_end = number - 1
            break
        match = _SUBSECTION_RE.match(line)
        if match:
            style = "paren" if match.group("paren") else "num"
            value = match.group(style)
            candidates.append((number, style, value, match.end()))
    if not candidates:
        return ()
    style = "paren" if any(c[1] == "paren" for c in candidates) else "num"
    accepted: list[tuple[int, str, int]] = []
    expected = 1
    for number, cand_style, value, offset in candidates:
        if cand_style == style and _cn_value(value) == expected:
            accepted.append((number, value, offset))
            expected += 1
    out = []
    for position, (number, value, offset) in enumerate(accepted):
        last = accepted[position + 1][0] - 1 if position + 1 < len(accepted) else prose_end
        body = [lines[n - 1].strip() for n in range(number, last + 1) if lines[n - 1].strip()]
        out.append(
            Subsection(
                ordinal=value,
                heading=_subsection_heading(lines[number - 1][offset:]),
                text="\n".join(body),
                span=SourceSpan(line_start=number, line_end=max(number, last)),
            )
        )
    return tuple(out)


def _subsection_heading(text: str) -> str:
    text = text.strip()
    clause = _CLAUSE_RE.split(text, maxsplit=1)[0].strip()
    if len(clause) > SUBSECTION_HEADING_MAX:
        clause = _COMMA_RE.split(clause, maxsplit=1)[0]
    return clause.strip(" .．、")


def _check_outline(
    drafts: list[SectionDraft],
    found: list[tuple[int, HeadingMatch]],
    lines: tuple[str, ...],
    report_end: int,
    index: _HeadingIndex,
    sink: DiagnosticSink,
) -> None:
    ids = [draft.id for draft in drafts if draft.id]
    legacy = any(section_id in _LEGACY_ONLY for section_id in ids)
    order = index.order["legacy_pre2019" if legacy else "gov_2021"]
    ranks = [order.index(section_id) for section_id in ids if section_id in order]
    if any(later < earlier for earlier, later in itertools.pairwise(ranks)):
        sink.emit("S004", f"sections appear out of the format's order: {', '.join(ids)}", order=tuple(ids))
    table_style = {number for number, match in found if match.style == "table"}
    seen: set[str] = set()
    for draft in drafts:
        if not draft.id:
            continue
        if draft.id in seen and draft.line_start not in table_style:
            sink.emit(
                "S005",
                f"section {draft.id} has a second heading at line {draft.line_start} ({draft.heading!r})",
                span=SourceSpan(line_start=draft.line_start, line_end=draft.line_end, section=draft.id),
            )
        seen.add(draft.id)
    truncated = _truncated(drafts, lines, report_end, sink)
    if legacy:
        return
    last_rank = max(ranks) if ranks else -1
    for rank, section_id in enumerate(order):
        if section_id in seen or (truncated and rank > last_rank):
            continue
        sink.emit("S003", f"section {section_id} of the format is missing", section=section_id)


def _truncated(drafts: list[SectionDraft], lines: tuple[str, ...], report_end: int, sink: DiagnosticSink) -> bool:
    """Given the outline, return True (after emitting S006) when the document stops before the report does."""
    named = [draft for draft in drafts if draft.id]
    last_line = next((lines[n - 1].strip() for n in range(report_end, 0, -1) if lines[n - 1].strip()), "")
    reason = None
    if named and named[-1].id not in _CLOSING_IDS:
        reason = f"the last section is {named[-1].id}, not a closing section"
    elif last_line and not _closes(last_line):
        reason = f"the text ends mid-sentence ({last_line[-20:]!r})"
    if reason is None:
        return False
    sink.emit(
        "S006",
        f"the document appears truncated: {reason}",
        span=SourceSpan(line_start=report_end, line_end=report_end, section=named[-1].id if named else None),
    )
    return True


def _closes(line: str) -> bool:
    """Given the last line of a report, return True when the report can end there."""
    if line[-1] in _SENTENCE_END or _DATE_END_RE.search(line):
        return True
    return len(line) <= SIGNATURE_MAX and not any(mark in line for mark in "。，,；;")
