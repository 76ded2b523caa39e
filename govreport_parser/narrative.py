"""Figures stated in the report's prose, their checks against the tables, and section keywords."""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.model import Figure, Number, Report, Section, SourceSpan, Table
from govreport_parser.packaged import packaged_json

if TYPE_CHECKING:
    import pandas as pd

GENERIC = "generic"
FIGURES_RESOURCE = "figures.json"
JIEBA_DICT_RESOURCE = "jieba_dict.txt"
# Longest subject kept on a Figure: the longest real "what is counted" phrases in samples/ run to ~35 characters
# (收到公民、或其他社会组织当面提交或以信函、传真和网页申请等形式的依申请公开); longer text is a whole clause.
MAX_SUBJECT_CHARS = 40
# Text after the unit consulted when the words before the number name nothing (共有3件行政复议案件): a noun phrase
# following a count is short; 30 characters covers the longest seen (公众通过“…依申请公开栏目”提交的申请).
MAX_TAIL_CHARS = 30
# Lines with a pipe are table rows (pipe-rows, cell-per-line with ' |'); prose never uses the ASCII pipe.
TABLE_LINE_MARK = "|"

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
_CN_NUMERAL = "[零〇一二两三四五六七八九十百千]+(?:万[零〇一二两三四五六七八九十百千]+)?"


@dataclass(frozen=True, slots=True)
class _KindRule:
    id: str
    require: tuple[re.Pattern[str], ...]
    exclude: re.Pattern[str] | None
    units: frozenset[str]
    zero: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _CheckRule:
    kind: str
    targets: tuple[tuple[str, ...], ...]
    table_unit: str | None
    context: re.Pattern[str] | None
    sections: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Lexicon:
    number: re.Pattern[str]
    money_units: Mapping[str, int]
    multipliers: Mapping[str, int]
    cn_units: frozenset[str]
    lone_one_units: frozenset[str]
    sentence_end: re.Pattern[str]
    soft_delimiters: frozenset[str]
    clause_delimiters: frozenset[str]
    clause_delimiter_re: re.Pattern[str]
    strip_leading: re.Pattern[str]
    strip_trailing: re.Pattern[str]
    list_marker: re.Pattern[str]
    distributive: re.Pattern[str]
    negation_hint: re.Pattern[str]
    clause_split: re.Pattern[str]
    kinds: tuple[_KindRule, ...]
    kinds_by_unit: Mapping[str, tuple[_KindRule, ...]]
    """The rules a number with this unit can match, in rule order (a rule without units takes any)."""
    joint: tuple[frozenset[str], ...]
    checks: tuple[_CheckRule, ...]
    stop_words: frozenset[str]
    place_fragment: re.Pattern[str] | None


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so 超过 wins over 超 and 万元 over 元.
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _units(units: Sequence[str], blockers: Mapping[str, str]) -> str:
    # A unit that starts a longer word is not a unit: 3部门 (departments), 六部分 (parts), 个人 (personal).
    ordered = sorted(units, key=len, reverse=True)
    return "|".join(re.escape(u) + (f"(?!{blockers[u]})" if u in blockers else "") for u in ordered)


def _compile_any(patterns: Sequence[str]) -> re.Pattern[str] | None:
    parts = [p for p in patterns if p]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Given the packaged figures.json, return it compiled (once per process)."""
    data: dict[str, Any] = packaged_json(FIGURES_RESOURCE)
    num = data["number"]
    # A count starts with a digit, a Chinese numeral or an approximation word: the lookahead lets the regex engine
    # skip every other position at once (4x faster on report prose; the matches are the same, without the
    # whitespace before a bare number).
    starts = "".join(sorted({p[0] for p in num["approx_prefixes"]} | set("0123456789零〇一二两三四五六七八九十百千")))
    number = re.compile(
        rf"(?=[{re.escape(starts)}])"
        rf"(?P<pre>{_alternation(num['approx_prefixes'])})?\s*"
        # An ordinal (第3次, 第二十条) or a code (0523-86839755, v2.0) is not a count.
        rf"(?:(?<![0-9A-Za-z.\-/:#_~第])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        rf"|(?<![第每零〇一二两三四五六七八九十百千万])(?P<cn>{_CN_NUMERAL}))"
        rf"\s*(?P<mult>[{''.join(num['multipliers'])}](?![元]))?"
        rf"(?P<suf>{_alternation(num['approx_suffixes'])})?\s*"
        rf"(?P<unit>{_units(num['units'], num.get('unit_blockers', {}))})"
        rf"(?P<after>{_alternation(num['approx_after_unit'])})?"
    )
    kinds = tuple(
        _KindRule(
            id=kind["id"],
            require=tuple(re.compile(p) for p in kind["require"]),
            exclude=_compile_any(kind.get("exclude", ())),
            units=frozenset(kind.get("units", ())),
            zero=tuple(re.compile(p) for p in kind.get("zero", ())),
        )
        for kind in data["kinds"]
    )
    checks = tuple(
        _CheckRule(
            kind=check["kind"],
            targets=tuple(tuple(target) for target in check["targets"]),
            table_unit=check.get("table_unit"),
            context=re.compile(check["context"]) if check.get("context") else None,
            sections=frozenset(check.get("sections", ())),
        )
        for check in data["checks"]
    )
    keywords: dict[str, Any] = data.get("keywords", {})
    sentence_chars = re.escape(data["sentence_delimiters"])
    clause_chars = data["clause_delimiters"] + data["sentence_delimiters"]
    return _Lexicon(
        number=number,
        money_units=dict(num["money_units"]),
        multipliers=dict(num["multipliers"]),
        cn_units=frozenset(num["cn_units"]),
        lone_one_units=frozenset(num["lone_one_units"]),
        # An ASCII full stop ends a sentence unless it is a decimal point (事项. vs 43.788万元).
        sentence_end=re.compile(rf"[{sentence_chars}]|\.(?!\d)"),
        soft_delimiters=frozenset(data["soft_sentence_delimiters"]),
        clause_delimiters=frozenset(clause_chars),
        clause_delimiter_re=re.compile("[" + re.escape("".join(sorted(set(clause_chars)))) + "]"),
        strip_leading=re.compile(rf"^(?:{_alternation(data['subject_strip_leading'])})+"),
        strip_trailing=re.compile(rf"(?:{_alternation(data['subject_strip_trailing'])})+$"),
        list_marker=re.compile(_alternation(data["list_markers"])),
        distributive=re.compile(_alternation(data["distributive"])),
        negation_hint=re.compile(_alternation(data["negation_hint"])),
        clause_split=re.compile(rf"[^{re.escape(clause_chars)}]+"),
        kinds=kinds,
        kinds_by_unit={
            unit: tuple(rule for rule in kinds if not rule.units or unit in rule.units)
            for unit in {*num["units"], *(unit for rule in kinds for unit in rule.units)}
        },
        joint=tuple(frozenset(pair) for pair in data.get("joint", ())),
        checks=checks,
        stop_words=frozenset(keywords.get("stop_words", ())),
        place_fragment=(
            re.compile(rf"^.{{1,{int(keywords['place_max_chars']) - 1}}}(?:{_alternation(keywords['place_endings'])})$")
            if keywords.get("place_endings")
            else None
        ),
    )


def cn_to_int(text: str) -> int | None:
    """Given Chinese numerals (三, 十二, 一百二十, 二〇二二), return their value, or None if they are not a number."""
    if not text:
        return None
    if len(text) > 1 and all(ch in _CN_DIGITS for ch in text):
        # Digit-by-digit spelling (二〇二二) is positional, not 二+〇+二+二.
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            section += (digit or (1 if ch == "十" else 0)) * _CN_SMALL_UNITS[ch]
            digit = 0
        elif ch in _CN_LARGE_UNITS:
            total += (section + digit) * _CN_LARGE_UNITS[ch]
            section = digit = 0
        else:
            return None
    return total + section + digit


@dataclass(slots=True)
class _Found:
    """A figure while its sentence is still being read (kinds can change when a 其中 list is recognised)."""

    kind: str
    value: Number | None
    unit: str | None
    subject: str
    approximate: bool
    start: int
    end: int
    depth: int
    line_index: int
    sentence: str


def _number_value(match: re.Match[str], lexicon: _Lexicon) -> Number | None:
    unit = match.group("unit")
    raw_num = match.group("num")
    value: Number
    if raw_num is not None:
        digits = raw_num.replace(",", "")
        try:
            value = Decimal(digits) if "." in digits else int(digits)
        except InvalidOperation:  # pragma: no cover - the regex only lets digits through
            return None
    else:
        cn = match.group("cn")
        if cn in ("一", "两") and unit not in lexicon.lone_one_units:
            return None
        if unit not in lexicon.cn_units:
            return None
        parsed = cn_to_int(cn)
        if parsed is None:
            return None
        value = parsed
    mult = match.group("mult")
    if mult:
        value = value * lexicon.multipliers[mult]
    if isinstance(value, Decimal) and value == value.to_integral_value() and unit not in lexicon.money_units:
        value = int(value)
    return value


def _clean_subject(text: str, lexicon: _Lexicon) -> str:
    text = lexicon.strip_trailing.sub("", lexicon.strip_leading.sub("", text.strip()))
    return text.strip()


def _classify(text: str, unit: str | None, lexicon: _Lexicon) -> list[str]:
    """Given the words a number counts and its unit, return the matching kind ids (first rule wins, or a joint pair)."""
    hits: list[str] = []
    if unit is None:
        rules = lexicon.kinds
    else:
        found = lexicon.kinds_by_unit.get(unit)
        rules = found if found is not None else tuple(r for r in lexicon.kinds if not r.units or unit in r.units)
    # Plain loops rather than all() over a generator: this runs for every rule and every number in the prose.
    for rule in rules:
        for pattern in rule.require:
            if pattern.search(text) is None:
                break
        else:
            if rule.exclude is None or rule.exclude.search(text) is None:
                hits.append(rule.id)
    if not hits:
        return []
    first = hits[0]
    for pair in lexicon.joint:
        if first in pair and pair <= set(hits):
            return sorted(pair, key=lambda kind: hits.index(kind))
    return [first]


def _paren_depth(text: str, position: int) -> int:
    prefix = text[:position]
    return prefix.count("(") - prefix.count(")")


def _line_figures(line: str, line_index: int, lexicon: _Lexicon) -> list[list[_Found]]:
    """Given one prose line, return its figures grouped by sentence, in order (no sentences when it states none)."""
    matches = list(lexicon.number.finditer(line))
    negated = lexicon.negation_hint.search(line) is not None
    if not matches and not negated:
        # Most prose lines state no number at all: splitting them into sentences and clauses would find nothing.
        return []
    sentence_bounds: list[int] = [m.end() for m in lexicon.sentence_end.finditer(line)]
    delimiter_positions = [m.start() for m in lexicon.clause_delimiter_re.finditer(line)]
    sentences: list[list[_Found]] = [[] for _ in range(len(sentence_bounds) + 1)]
    starts = [0, *sentence_bounds]
    previous_end = 0
    previous_sentence = -1
    for match in matches:
        value = _number_value(match, lexicon)
        if value is None:
            continue
        start, end = match.start(), match.end()
        sentence_no = bisect_right(sentence_bounds, start)
        sentence_start = starts[sentence_no]
        sentence_end = sentence_bounds[sentence_no] if sentence_no < len(sentence_bounds) else len(line)
        clause_no = bisect_right(delimiter_positions, start - 1)
        clause_start = delimiter_positions[clause_no - 1] + 1 if clause_no else 0
        subject_start = max(clause_start, sentence_start, previous_end if previous_sentence == sentence_no else 0)
        raw_subject = line[subject_start:start]
        subject = _clean_subject(raw_subject, lexicon)
        next_delim = bisect_right(delimiter_positions, end - 1)
        tail_end = delimiter_positions[next_delim] if next_delim < len(delimiter_positions) else len(line)
        tail = line[end : min(tail_end, end + MAX_TAIL_CHARS)].strip()
        unit = match.group("unit")
        kinds = _classify(subject, unit, lexicon)
        if not kinds and tail and not lexicon.number.search(tail):
            kinds = _classify(subject + tail, unit, lexicon)
        if len(kinds) > 1 and value != 0 and not lexicon.distributive.search(raw_subject):
            # 行政复议和行政诉讼3件 without 均/各 is a sum of both, not a count of either.
            kinds = [GENERIC]
        approximate = bool(match.group("pre") or match.group("suf") or match.group("after"))
        sentence = line[sentence_start:sentence_end].strip()
        shown = (subject or _clean_subject(tail, lexicon))[-MAX_SUBJECT_CHARS:]
        for kind in kinds or [GENERIC]:
            sentences[sentence_no].append(
                _Found(
                    kind=kind,
                    value=value,
                    unit=unit,
                    subject=shown,
                    approximate=approximate,
                    start=start,
                    end=end,
                    depth=_paren_depth(line, start),
                    line_index=line_index,
                    sentence=sentence,
                )
            )
        previous_end, previous_sentence = end, sentence_no
    if negated:
        _add_zero_figures(line, line_index, starts, sentence_bounds, sentences, lexicon)
    return sentences


def _add_zero_figures(
    line: str,
    line_index: int,
    starts: list[int],
    sentence_bounds: list[int],
    sentences: list[list[_Found]],
    lexicon: _Lexicon,
) -> None:
    """Add the zeros a negated clause states (未收到政府信息公开申请 = 0 applications) to `sentences`."""
    for clause in lexicon.clause_split.finditer(line):
        text = clause.group()
        if not lexicon.negation_hint.search(text):
            continue
        sentence_no = bisect_right(sentence_bounds, clause.start())
        stated = {f.kind for f in sentences[sentence_no] if clause.start() <= f.start < clause.end()}
        for rule in lexicon.kinds:
            if not rule.zero or rule.id in stated:
                continue
            hit = next((m for p in rule.zero if (m := p.search(text))), None)
            if hit is None or (rule.exclude is not None and rule.exclude.search(text)):
                continue
            sentence_end = sentence_bounds[sentence_no] if sentence_no < len(sentence_bounds) else len(line)
            sentences[sentence_no].append(
                _Found(
                    kind=rule.id,
                    value=0,
                    unit=None,
                    subject=text[hit.start() :].strip(" ,，:：")[:MAX_SUBJECT_CHARS],
                    approximate=False,
                    start=clause.start() + hit.start(),
                    end=clause.start() + hit.end(),
                    depth=_paren_depth(line, clause.start()),
                    line_index=line_index,
                    sentence=line[starts[sentence_no] : sentence_end].strip(),
                )
            )
    for found in sentences:
        found.sort(key=lambda f: f.start)


def _itemized_lists(
    paragraph: list[list[_Found]], line: str, lexicon: _Lexicon
) -> list[tuple[_Found, list[_Found], list[_Found]]]:
    """Given a paragraph's figures by sentence, return (stated total, items listed after 其中, same list run on).

    The run-on list follows the items across semicolons (其中规章11条…;省政府工作报告2条…。): writers use ； both to end
    a statement and to group a long list, so both readings are returned and the check accepts either.
    """
    triples: list[tuple[_Found, list[_Found], list[_Found]]] = []
    if lexicon.list_marker.search(line) is None:
        return triples  # every list starts at a marker (其中); most lines have none
    sentence_bounds = [m.end() for m in lexicon.sentence_end.finditer(line)]
    starts = [0, *sentence_bounds]
    for number, found in enumerate(paragraph):
        sentence_start = starts[number]
        sentence_end = sentence_bounds[number] if number < len(sentence_bounds) else len(line)
        markers = [m.start() + sentence_start for m in lexicon.list_marker.finditer(line[sentence_start:sentence_end])]
        for index, marker in enumerate(markers):
            before = [f for f in found if f.end <= marker and f.unit is not None]
            if before:
                total = before[-1]
            elif number > 0 and not line[sentence_start:marker].strip(" ,，:：") and paragraph[number - 1]:
                candidates = [f for f in paragraph[number - 1] if f.unit is not None]
                if not candidates:
                    continue
                total = candidates[-1]
            else:
                continue
            limit = markers[index + 1] if index + 1 < len(markers) else sentence_end
            depth = _paren_depth(line, marker)
            items = [f for f in found if marker < f.start < limit and f.depth == depth and f.unit == total.unit]
            run_on = list(items)
            follow, region_end = number, limit
            while (
                limit == sentence_end
                and follow < len(sentence_bounds)
                and line[sentence_bounds[follow] - 1] in lexicon.soft_delimiters
                and follow + 1 < len(paragraph)
            ):
                follow += 1
                next_start = starts[follow]
                next_end = sentence_bounds[follow] if follow < len(sentence_bounds) else len(line)
                if lexicon.list_marker.search(line, next_start, next_end):
                    break
                run_on.extend(f for f in paragraph[follow] if f.depth == depth and f.unit == total.unit)
                region_end = next_end
            if _has_bare_number(line, marker, region_end, paragraph[number : follow + 1]):
                # 其中主动公开425条,依申请公开46条,不予公开信息数1402。: an item without its unit cannot be summed.
                run_on = items = []
            triples.append((total, items, run_on))
    return triples


_BARE_NUMBER = re.compile(r"(?<![\d.第])\d+(?:\.\d+)?(?![\d.]|\s*[年月日号时%])")


def _has_bare_number(line: str, start: int, end: int, sentences: list[list[_Found]]) -> bool:
    """Given a list region of a line, return whether it holds a number that no figure took (a unit left out)."""
    taken = [(f.start, f.end) for sentence in sentences for f in sentence]
    return any(not any(a <= match.start() < b for a, b in taken) for match in _BARE_NUMBER.finditer(line, start, end))


def _section_line_numbers(section: Section, text_lines: list[str], lines: Sequence[str] | None) -> list[int | None]:
    """Given a section and its prose lines, return the (best estimate of the) source line of each."""
    first = section.span.line_start
    last = section.span.line_end
    if first is None:
        return [None] * len(text_lines)
    if lines is not None:
        # Exact: walk the cleaned lines in order, as the section text was built from them. A heading run in on one
        # line with its text (whole report on one line) leaves only part of the line in the section: match contained.
        numbers: list[int | None] = []
        cursor = first - 1
        stop = min(len(lines), last if last is not None else len(lines))
        for text_line in text_lines:
            wanted = text_line.strip()
            probe = cursor
            while probe < stop and wanted not in lines[probe]:
                probe += 1
            if probe < stop:
                numbers.append(probe + 1)
                cursor = probe
            else:
                numbers.append(None)
        if None not in numbers:
            return numbers
        guesses = _section_line_numbers(section, text_lines, None)
        return [exact if exact is not None else guess for exact, guess in zip(numbers, guesses, strict=True)]
    # Estimate: body lines follow the heading one per line; subsections re-anchor the count where their spans say.
    base = first + (1 if section.heading else 0)
    anchors: dict[int, int] = {}
    positions = {line.strip(): i for i, line in reversed(list(enumerate(text_lines)))}
    for sub in section.subsections:
        head = sub.text.strip().split("\n", 1)[0].strip()
        if sub.span.line_start is not None and head in positions:
            anchors[positions[head]] = sub.span.line_start
    estimates: list[int | None] = []
    anchor_index, anchor_line = 0, base
    for i in range(len(text_lines)):
        if i in anchors:
            anchor_index, anchor_line = i, anchors[i]
        estimate = anchor_line + (i - anchor_index)
        estimates.append(min(estimate, last) if last is not None else estimate)
    return estimates


def sections_to_figures(
    sections: Sequence[Section], sink: DiagnosticSink, *, lines: Sequence[str] | None = None
) -> tuple[Figure, ...]:
    """Given the report sections, return the quantities their prose states; emit N002 for 其中 lists off the total.

    `lines` (the cleaned lines) makes `Figure.span` exact; without it line numbers are estimated from the section spans.
    """
    lexicon = _lexicon()
    figures: list[Figure] = []
    for section in sections:
        if not section.text:
            continue
        text_lines = section.text.split("\n")
        line_numbers: list[int | None] | None = None
        for line_index, line in enumerate(text_lines):
            if TABLE_LINE_MARK in line or not line.strip():
                continue
            paragraph = _line_figures(line, line_index, lexicon)
            if not any(paragraph):
                continue
            if line_numbers is None:
                line_numbers = _section_line_numbers(section, text_lines, lines)
            line_no = line_numbers[line_index]
            span = SourceSpan(line_start=line_no, line_end=line_no, section=section.id)
            for total, items, run_on in _itemized_lists(paragraph, line, lexicon):
                _check_itemized(total, items, run_on, span, sink)
                for item in run_on:
                    if item.kind == total.kind:
                        # A breakdown item (其中政务信息229条) is part of the total, not another total of that kind.
                        item.kind = GENERIC
            for found in (f for sentence in paragraph for f in sentence):
                figures.append(
                    Figure(
                        kind=found.kind,
                        value=found.value,
                        unit=found.unit,
                        subject=found.subject,
                        approximate=found.approximate,
                        sentence=found.sentence,
                        section=section.id,
                        span=span,
                    )
                )
    return tuple(figures)


def _check_itemized(
    total: _Found, items: list[_Found], run_on: list[_Found], span: SourceSpan, sink: DiagnosticSink
) -> None:
    # One item is a highlight (其中线上公开15条), not a breakdown; approximate wording cannot be summed.
    readings = [r for r in (items, run_on) if len(r) >= 2]
    if not readings or total.approximate or total.value is None:
        return
    if any(item.approximate for reading in readings for item in reading):
        return
    sums = [sum((item.value for item in reading if item.value is not None), start=0) for reading in readings]
    if any(listed == total.value for listed in sums):
        return
    values = [item.value for item in readings[0] if item.value is not None]
    listed: Number = sums[0]
    shown = "+".join(str(v) for v in values)
    sink.emit(
        "N002",
        f"the prose states {total.value}{total.unit} ({total.subject}) but the items listed after 其中 add up to "
        f"{shown} = {listed}{total.unit}",
        span=span,
        kind=total.kind,
        total=_scalar(total.value),
        items=tuple(_scalar(v) for v in values),
        listed_sum=_scalar(listed),
        unit=total.unit,
        sentence=total.sentence,
    )


def _scalar(value: Number | None) -> int | float | None:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _table_value(tables: Mapping[str, Table], key: str) -> Number | None:
    table_id, row, column = key.split("/", 2)
    table = tables.get(table_id)
    return None if table is None else table.value(row, column)


def _in_table_unit(figure: Figure, table_unit: str | None, lexicon: _Lexicon) -> Decimal | None:
    if figure.value is None:
        return None
    value = Decimal(figure.value)
    if table_unit is None:
        return value
    if figure.unit is None:
        return value  # a stated zero has no unit and is zero in any
    have = lexicon.money_units.get(figure.unit)
    want = lexicon.money_units.get(table_unit)
    if have is None or want is None:
        return None
    return value * have / want


def _tolerance(value: Number) -> Decimal:
    # Half a unit of the table's last printed digit: 0.04万元 stands for 350-449元, 0 for anything under 5000元.
    return Decimal(5) / (Decimal(10) ** (_places(value) + 1))


def _in_scope(figure: Figure, check: _CheckRule) -> bool:
    # A 司法局 reporting all its 行政复议 cases is not talking about 表四: only sentences about disclosure count.
    if check.context is None and not check.sections:
        return True
    if figure.section in check.sections:
        return True
    return check.context is not None and check.context.search(figure.sentence) is not None


def check_figures(figures: Sequence[Figure], tables: Mapping[str, Table], sink: DiagnosticSink) -> None:
    """Given the prose figures and the tables, emit N001 when no prose figure of a kind agrees with its table cells."""
    lexicon = _lexicon()
    by_kind: dict[str, list[Figure]] = {}
    for figure in figures:
        by_kind.setdefault(figure.kind, []).append(figure)
    for check in lexicon.checks:
        candidates = [
            f for f in by_kind.get(check.kind, ()) if not f.approximate and f.value is not None and _in_scope(f, check)
        ]
        if not candidates:
            continue
        targets: list[tuple[tuple[str, ...], Number, Number]] = []
        for keys in check.targets:
            values = [_table_value(tables, key) for key in keys]
            if all(v is not None for v in values):
                present = [v for v in values if v is not None]
                total: Number = sum(present, start=0)
                # Money cells are rounded to their printed digits; counts must agree exactly.
                tolerance = _tolerance(max(present, key=_places)) if check.table_unit else Decimal(0)
                targets.append((keys, total, tolerance))
        if not targets:
            continue
        agreed = False
        for figure in candidates:
            amount = _in_table_unit(figure, check.table_unit, lexicon)
            if amount is None:
                continue
            if any(abs(amount - Decimal(total)) <= tolerance for _, total, tolerance in targets):
                agreed = True
                break
        comparable = [f for f in candidates if _in_table_unit(f, check.table_unit, lexicon) is not None]
        if agreed or not comparable:
            continue
        figure = comparable[0]
        keys, total, _ = targets[0]
        stated = f"{figure.value}{figure.unit or ''}" if figure.unit else f"{figure.value} ({figure.subject})"
        sink.emit(
            "N001",
            f"the prose says {stated} for {check.kind} («{figure.sentence[:80]}») but {' + '.join(keys)} = {total}"
            + (f" {check.table_unit}" if check.table_unit else ""),
            span=SourceSpan(
                line_start=figure.span.line_start,
                line_end=figure.span.line_end,
                section=figure.section,
                table=keys[0].split("/", 1)[0],
                row=keys[0].split("/")[1] if len(keys) == 1 else None,
                column=keys[0].split("/")[2] if len(keys) == 1 else None,
            ),
            kind=check.kind,
            prose_value=_scalar(figure.value),
            prose_unit=figure.unit,
            sentence=figure.sentence,
            table_keys=keys,
            table_value=_scalar(total),
            table_unit=check.table_unit,
        )


def _places(value: Number) -> int:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return 0


_JIEBA_LOCK = threading.Lock()
_JIEBA_READY = False


def _ensure_jieba() -> None:
    """Load jieba's dictionary and the packaged domain words, once per process."""
    global _JIEBA_READY
    if _JIEBA_READY:
        return
    with _JIEBA_LOCK:
        if _JIEBA_READY:
            return
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        with resources.as_file(resources.files("govreport_parser").joinpath("data", JIEBA_DICT_RESOURCE)) as path:
            jieba.load_userdict(str(path))
        _JIEBA_READY = True


_NUMERIC_TAG = re.compile(r"^[\d.%年月日号零〇一二两三四五六七八九十百千万亿]+$")


def section_keywords(text: str, n: int) -> list[str]:
    """Given section text, return its top `n` keywords by jieba TF-IDF, boilerplate and numbers left out."""
    if n <= 0 or not text.strip():
        return []
    _ensure_jieba()
    import jieba.analyse

    lexicon = _lexicon()
    keywords: list[str] = []
    for tag in jieba.analyse.extract_tags(text, topK=None):
        if tag in lexicon.stop_words or _NUMERIC_TAG.match(tag):
            continue
        if lexicon.place_fragment is not None and lexicon.place_fragment.match(tag):
            continue
        keywords.append(str(tag))
        if len(keywords) == n:
            break
    return keywords


FIGURE_COLUMNS = (
    "source",
    "agency",
    "year",
    "kind",
    "value",
    "unit",
    "subject",
    "approximate",
    "section",
    "line",
    "sentence",
)


def figures_frame(reports: Report | Iterable[Report]) -> pd.DataFrame:
    """Given one or many reports, return their figures as a frame, one row per figure, with the report's source."""
    import pandas as pd

    items = [reports] if isinstance(reports, Report) else list(reports)
    rows: list[dict[str, Any]] = []
    for index, report in enumerate(items):
        source = report.meta.source if report.meta.source is not None else f"#{index}"
        for figure in report.figures:
            rows.append(
                {
                    "source": source,
                    "agency": report.meta.agency,
                    "year": report.meta.year,
                    "kind": figure.kind,
                    "value": None if figure.value is None else float(figure.value),
                    "unit": figure.unit,
                    "subject": figure.subject,
                    "approximate": figure.approximate,
                    "section": figure.section,
                    "line": figure.span.line_start,
                    "sentence": figure.sentence,
                }
            )
    frame = pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))
    return frame.astype(
        {
            "source": "string",
            "agency": "string",
            "year": "Int64",
            "kind": "string",
            "value": "Float64",
            "unit": "string",
            "subject": "string",
            "approximate": "bool",
            "section": "string",
            "line": "Int64",
            "sentence": "string",
        }
    )


__all__ = ["check_figures", "cn_to_int", "figures_frame", "section_keywords", "sections_to_figures"]
