"""Normalize labels and cell values so that scraped variants compare equal to the vocabulary."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal, NamedTuple

from govreport_parser.packaged import packaged_json

# Brackets for document numbers and quotes collapse to one form each; NFKC already folded （） to ().
_CHAR_MAP = str.maketrans(
    {
        "﹙": "(",
        "﹚": ")",
        "﹝": "〔",
        "﹞": "〕",
        "[": "〔",
        "]": "〕",
        "【": "〔",
        "】": "〕",
        "“": '"',
        "”": '"',
        "＂": '"',
        "‘": '"',
        "’": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "．": ".",
        "﹒": ".",
        "－": "-",
        "—": "-",
        "–": "-",
        "\u00a0": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)

PINYIN_RE = re.compile(r"(?<=[\u3400-\u9fff])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})\)")
# Hubei 2020 pages append the template's fill-in instructions to labels: '(指2019年事项数)'.
FILL_INSTRUCTION_RE = re.compile(r"\((?:指|含|设区的市|行政机关制定)[^()]*\)$")
ITEM_NUMBER_RE = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]+)\s*[、.]|\(\s*(?P<paren>[一二三四五六七八九十\d]+)\s*\)|(?P<num>\d+)\s*[.、])\s*"
)
_WHITESPACE_RE = re.compile(r"\s+")
_TRAILING_PUNCT = "：:。.,，、;；|"
_LEADING_NOISE = "|:：;；,，。 \t"
# Phrases a traditional mirror got wrong, mapped back after t2s (data/markers.json, FORMAT.md §6).
PHRASE_FIXES: tuple[tuple[str, str], ...] = tuple(
    (wrong, right) for wrong, right in packaged_json("markers.json")["phrase_fixes"]
)


# str.translate looks up every character of the text in the map (~40 ns each, 0.15 ms for a 4,000-character report);
# a regex finds the few characters the map changes and rewrites only those.
_MAPPED_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in _CHAR_MAP) + "]")


# Full-width punctuation common in reports, each with its compatibility decomposition. NFKC of a text is unchanged when
# a character is replaced by its decomposition first (NFKC decomposes it anyway), and without these the text usually
# passes NFKC's quick check: unicodedata then returns at once instead of normalizing every character (~70 ns each).
_WIDE_PUNCTUATION = tuple((char, unicodedata.normalize("NFKD", char)) for char in "，（）：；！？\u3000")


def fold(text: str) -> str:
    """Given any text, return it NFKC-folded with brackets, quotes and dashes unified (length may shrink)."""
    if unicodedata.is_normalized("NFKC", text):
        folded = text
    else:
        for wide, narrow in _WIDE_PUNCTUATION:
            text = text.replace(wide, narrow)
        folded = unicodedata.normalize("NFKC", text)
    if _MAPPED_RE.search(folded) is None:
        return folded
    return _MAPPED_RE.sub(_mapped, folded)


def _mapped(match: re.Match[str]) -> str:
    return str(_CHAR_MAP[ord(match.group())])


class LabelKey(NamedTuple):
    """A label reduced for comparison, and the item number that was split off it."""

    key: str
    ordinal: str | None


@lru_cache(maxsize=16384)
def label_key(raw: str) -> LabelKey:
    """Given a raw label, return its comparison key: folded, no pinyin, no item number, no whitespace."""
    text = PINYIN_RE.sub("", fold(raw)).strip().lstrip(_LEADING_NOISE)
    ordinal = None
    # Item numbers may be doubled ('(一)1.…'); strip them all and keep the first as the position hint.
    while match := ITEM_NUMBER_RE.match(text):
        if ordinal is None:
            ordinal = match.group("cn") or match.group("paren") or match.group("num")
        text = text[match.end() :].lstrip(_LEADING_NOISE)
    text = _WHITESPACE_RE.sub("", text)
    text = FILL_INSTRUCTION_RE.sub("", text)
    for wrong, right in PHRASE_FIXES:
        text = text.replace(wrong, right)
    # Removing whitespace can bring a combining mark next to a base letter: fold again so the key is a fixpoint.
    return LabelKey(unicodedata.normalize("NFKC", text).strip(_TRAILING_PUNCT), ordinal)


ValueKind = Literal["number", "blank", "placeholder", "text"]

_VALUES = packaged_json("values.json")
PLACEHOLDER_TOKENS = frozenset(_VALUES["placeholders"])
# Longest first, so that '人次' is stripped whole rather than as '次'.
_UNIT_RE = re.compile("(?:" + "|".join(map(re.escape, sorted(_VALUES["units"], key=len, reverse=True))) + ")$")
_NUMBER_RE = re.compile(r"^(?P<sign>[+-]|增|减)?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")


class ParsedValue(NamedTuple):
    """What a cell text means as a value."""

    kind: ValueKind
    number: int | Decimal | None
    unit_stripped: bool
    signed: bool


_SPLIT_DIGITS_RE = re.compile(r"\d\s+\d")


def parse_value(raw: str) -> ParsedValue:
    """Given a cell text, return whether it is a number (and which), blank, placeholder or text."""
    folded = fold(raw).strip()
    if _SPLIT_DIGITS_RE.search(folded):
        return ParsedValue("text", None, False, False)  # '4 0 0' is several cells, never one number
    text = _WHITESPACE_RE.sub("", folded)
    if not text or text == "|":
        return ParsedValue("blank", None, False, False)
    if text in PLACEHOLDER_TOKENS or raw.strip() in PLACEHOLDER_TOKENS:
        return ParsedValue("placeholder", None, False, False)
    unit_stripped = False
    stripped = _UNIT_RE.sub("", text)
    if stripped != text and stripped:
        unit_stripped = True
        text = stripped
    match = _NUMBER_RE.match(text)
    if not match:
        return ParsedValue("text", None, False, False)
    digits = match.group("digits").replace(",", "")
    frac = match.group("frac")
    sign = match.group("sign")
    negative = sign in ("-", "减")
    number: int | Decimal
    if frac is not None and frac.strip("0"):
        try:
            number = Decimal(f"{digits}.{frac}")
        except InvalidOperation:  # pragma: no cover - regex guarantees digits
            return ParsedValue("text", None, False, False)
    else:
        number = int(digits)
    if negative:
        number = -number
    return ParsedValue("number", number, unit_stripped, sign is not None)
