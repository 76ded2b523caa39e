"""Report metadata: title, agency, year, administrative level and format version."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import CleanText, Segmented
from govreport_parser.model import Level, ReportMeta, SourceSpan
from govreport_parser.normalize import fold
from govreport_parser.packaged import packaged_json
from govreport_parser.vocabulary import Vocabulary

# Reports exist since the 2008 条例; a year outside this range in a title is a typo or a document number.
FIRST_REPORT_YEAR = 2007
# How many lines of the report head (after the preamble) may hold the '现公布…年度报告' sentence or the period.
HEAD_LINES = 12
# Characters of report text scanned when the year is only known from how often the prose names it.
YEAR_SCAN_CHARS = 3000
# Longest agency name accepted (国家税务总局珠海市香洲区税务局 has 15 characters; sentences are longer).
AGENCY_MAX = 30
# A line standing alone above the report that is this short and ends like an agency is the agency's name.
AGENCY_LINE_MAX = 20
# Expected format version by report year (format.json `version_detection.note`).
TRIAL_FIRST_YEAR = 2019
CURRENT_FIRST_YEAR = 2021

_YEAR = r"((?:19|20)\d{2})"
_TITLE_PARTS_RE = re.compile(
    rf"^(?P<pre>.*?){_YEAR}\s*年度?(?P<mid>.*?)(?:政府)?(?:信息公开|政务公开|信息)(?:工作)?(?:年度)?(?:工作)?(?:报告|年报|告|工作)"
)
_PERIOD_RES = (
    re.compile(rf"自\s*{_YEAR}\s*年?\s*0?1\s*月?\s*0?1\s*日"),
    re.compile(rf"{_YEAR}\s*年?\s*1\s*月\s*1\s*日\s*(?:起\s*)?至"),
    re.compile(rf"{_YEAR}\s*年\s*12\s*月\s*31\s*日"),
)
_ANNOUNCE_RE = re.compile(
    r"(?:现(?:予以)?公布|现将|特向社会公(?:开|布)|现发布|公布)\s*(?P<name>[^，,。《》()（）\s]{0,30}?)\s*"
    rf"{_YEAR}\s*年度?\s*(?P<after>[^，,。《》()（）\s]{{0,30}}?)(?:政府)?信息公开"
)
_AGENCY_FIELD_RE = re.compile(r"(?:发布机构|发文机关|发布单位|信息来源单位)\s*[:：|]?\s*\|?\s*(?P<value>[^|:：\s]*)")
_FIELD_STOP_RE = re.compile(r"(?:发文日期|发布日期|成文日期|文号|索引号|生成日期|公开方式|主题分类)")
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_LABELS = (
    ("发布时间", 0),
    ("发布日期", 0),
    ("发文日期", 1),
    ("信息提供日期", 1),
    ("时间", 2),
    ("日期", 2),
    ("更新日期", 3),
    ("成文日期", 3),
)
_HOST_RE = re.compile(r"(?:https?://)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PAREN_RE = re.compile(r"[(（][^()（）]*[)）]")
_SHORT_GOV_RE = re.compile(r"(镇|乡|县|区|市|旗|苏木)政府$")
_CJK_RE = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Regions:
    """The geography data of `data/regions.json`."""

    provinces: tuple[tuple[str, tuple[str, ...]], ...]
    municipalities: frozenset[str]
    prefecture_cities: frozenset[str]
    """The 地级市, present and former: any other X市 that is not a municipality is a 县级市 (county level)."""
    government_suffixes: tuple[str, ...]
    department_suffixes: tuple[str, ...]
    department_markers: tuple[str, ...]
    level_by_unit: tuple[tuple[str, Level], ...]
    completion: tuple[tuple[str, str], ...]
    stopwords: tuple[str, ...]


@lru_cache(maxsize=1)
def load_regions() -> Regions:
    """Return the packaged geography data (loaded once)."""
    data: dict[str, Any] = packaged_json("regions.json")
    return Regions(
        provinces=tuple((name, tuple(short)) for name, short in data["provinces"].items()),
        municipalities=frozenset(data["municipalities"]),
        prefecture_cities=frozenset(
            [name for names in data["prefecture_cities"].values() for name in names] + data["former_prefecture_cities"]
        ),
        government_suffixes=tuple(data["government_suffixes"]),
        department_suffixes=tuple(sorted(data["department_suffixes"], key=len, reverse=True)),
        department_markers=tuple(data["department_markers"]),
        level_by_unit=tuple((unit, level) for unit, level in data["level_by_unit"]),
        completion=tuple((unit, suffix) for unit, suffix in data["completion"]),
        stopwords=tuple(data["agency_stopwords"]),
    )


def detect_version(clean: CleanText, vocabulary: Vocabulary, year: int | None, sink: DiagnosticSink) -> str | None:
    """Given the cleaned text, return the format version its table vocabulary points to (the year decides a tie)."""
    # str.split() drops exactly what r"\s+" matches, without the regex machinery.
    text = "".join(fold("\n".join(clean.lines)).split())
    found = {
        version: tuple(marker for marker in markers if marker and marker in text)
        for version, markers in vocabulary.version_markers.items()
    }
    expected = expected_version(year)
    current, trial = len(found.get("gov_2021", ())), len(found.get("gov_2019_trial", ()))
    chosen: str | None = None
    if current or trial:
        if current != trial:
            chosen = "gov_2021" if current > trial else "gov_2019_trial"
        else:
            chosen = expected if expected in ("gov_2021", "gov_2019_trial") else "gov_2021"
    elif len(found.get("legacy_pre2019", ())) >= 2:
        # Legacy markers are prose words ('概述'); one alone also occurs in modern reports.
        chosen = "legacy_pre2019"
    if chosen is None:
        sink.emit(
            "M004",
            f"no table vocabulary decides the format version; {expected or 'nothing'} follows from the year {year}",
            year=year,
            expected=expected,
        )
        return expected
    if expected is not None and chosen != expected:
        sink.emit(
            "M003",
            f"the table vocabulary says {chosen} but a {year} report is expected to use {expected}",
            year=year,
            expected=expected,
            actual=chosen,
            markers=found.get(chosen, ()),
        )
    return chosen


def expected_version(year: int | None) -> str | None:
    """Given a report year, return the format version that year should use (None for an unknown year)."""
    if year is None:
        return None
    if year < TRIAL_FIRST_YEAR:
        return "legacy_pre2019"
    return "gov_2019_trial" if year < CURRENT_FIRST_YEAR else "gov_2021"


def segments_to_meta(
    clean: CleanText, segmented: Segmented, vocabulary: Vocabulary, sink: DiagnosticSink
) -> ReportMeta:
    """Given the outline, return title, agency, year, level, places and publication date."""
    lines = clean.lines
    first_section = next((s.line_start for s in segmented.sections if s.id is not None), len(lines) + 1)
    head = [line.strip() for line in lines[: first_section - 1]]
    body_head = [line.strip() for line in lines[first_section - 1 : first_section - 1 + HEAD_LINES]]
    title = segmented.title
    title_agency, title_year = _from_title(title) if title else (None, None)
    announced = _announced(head + body_head)
    agency = _choose_agency(title_agency, announced, head)
    year = title_year or _period_year(head + body_head) or (announced[1] if announced else None)
    year = year or _frequent_year(lines, first_section)
    if year is None:
        sink.emit("M001", "the report year could not be determined", span=SourceSpan(line_start=1, line_end=len(lines)))
    if agency is None:
        sink.emit("M002", "the reporting agency could not be determined", span=SourceSpan(line_start=1))
    province, city, county = places(agency or "")
    return ReportMeta(
        title=title,
        agency=agency,
        year=year,
        level=level_of(agency) if agency else "unknown",
        province=province,
        city=city,
        county=county,
        published=_published(head or [line.strip() for line in lines[:HEAD_LINES]]),
    )


def _from_title(title: str) -> tuple[str | None, int | None]:
    compact = re.sub(r"\s+", "", fold(title))
    compact = _HOST_RE.sub("", compact)
    match = _TITLE_PARTS_RE.match(compact)
    if match is None:
        return _clean_agency(compact.split("政府信息公开")[0]) if "政府信息公开" in compact else None, None
    year = _year(match.group(2))
    name = match.group("pre") or match.group("mid")
    return _clean_agency(name), year


def _year(text: str) -> int | None:
    value = int(text)
    return value if FIRST_REPORT_YEAR <= value <= date.today().year + 1 else None


def _clean_agency(raw: str | None) -> str | None:
    """Given a candidate name, return it as an agency name, or None when it is not one."""
    if not raw:
        return None
    regions = load_regions()
    name = _HOST_RE.sub("", re.sub(r"\s+", "", raw))
    name = _PAREN_RE.sub("", name).strip("|:：,，、 ")
    name = name.removeprefix("关于")
    if not name or not _CJK_RE.match(name) or len(name) > AGENCY_MAX or name.startswith(regions.stopwords):
        return None
    if name.startswith(("我", "本")) or len(name) < 2:
        return None
    # '特向社会公布2021年度街道信息…' names only the kind of body, not which one.
    if len(name) <= 2 and any(name.endswith(unit) for unit, _ in regions.level_by_unit):
        return None
    name = _SHORT_GOV_RE.sub(r"\1人民政府", name)
    return name


def _complete(name: str) -> str:
    """Given an agency name that is only a place ('凤凰镇'), return the name of its government ('凤凰镇人民政府')."""
    regions = load_regions()
    if name.endswith(regions.government_suffixes) or _department_suffix(name) is not None:
        return name
    if any(marker in name for marker in regions.department_markers):
        return name
    for unit, suffix in regions.completion:
        if name.endswith(unit):
            return name + suffix
    return name


def _department_suffix(name: str) -> str | None:
    for suffix in load_regions().department_suffixes:
        if name.endswith(suffix):
            return suffix
    return None


def _choose_agency(
    title_agency: str | None, announced: tuple[str | None, int | None] | None, head: list[str]
) -> str | None:
    field = _agency_field(head)
    alone = _agency_line(head)
    prose = announced[0] if announced else None
    if title_agency:
        # A title naming only a place is completed by a metadata field that extends it ('平潭综合实验区管委会办公室').
        for longer in (field, alone, prose):
            if longer and longer.startswith(title_agency) and len(longer) > len(title_agency):
                return longer
        return _complete(title_agency)
    for candidate in (prose, alone, field):
        if candidate:
            return _complete(candidate)
    return None


def _announced(lines: list[str]) -> tuple[str | None, int | None] | None:
    """Given the head lines, return (agency, year) from a '现公布X2020年度政府信息公开工作年度报告' sentence."""
    for line in lines:
        for match in _ANNOUNCE_RE.finditer(fold(line)):
            name = _clean_agency(match.group("name")) or _clean_agency(match.group("after"))
            return name, _year(match.group(2))
    return None


def _agency_field(head: list[str]) -> str | None:
    for index, line in enumerate(head):
        match = _AGENCY_FIELD_RE.search(fold(line))
        if match is None:
            continue
        value = _FIELD_STOP_RE.split(match.group("value"))[0]
        if not value:
            # '• 发布机构:' with the value on a following line (pages/191).
            value = next((v for v in head[index + 1 : index + 3] if v), "")
        name = _clean_agency(value)
        if name:
            return name
    return None


def _agency_line(head: list[str]) -> str | None:
    for line in head:
        short = 2 <= len(line) <= AGENCY_LINE_MAX and _CJK_RE.match(line) is not None
        if short and (_department_suffix(line) or line.endswith(load_regions().government_suffixes)):
            return _clean_agency(line)
    return None


def _period_year(lines: list[str]) -> int | None:
    text = "\n".join(fold(line) for line in lines)
    for pattern in _PERIOD_RES:
        match = pattern.search(text)
        if match:
            return _year(match.group(1))
    return None


def _frequent_year(lines: tuple[str, ...], first_section: int) -> int | None:
    text = "\n".join(lines[first_section - 1 :])[:YEAR_SCAN_CHARS]
    years = Counter(y for y in (_year(m.group(1)) for m in re.finditer(rf"{_YEAR}\s*年", text)) if y)
    return years.most_common(1)[0][0] if years else None


def _published(head: list[str]) -> str | None:
    best: tuple[int, str] | None = None
    for index, line in enumerate(head):
        text = fold(line)
        for label, rank in _DATE_LABELS:
            position = text.find(label)
            if position < 0:
                continue
            after = text[position + len(label) :]
            match = _DATE_RE.match(after.lstrip(" :：|"))
            if match is None and not after.strip(" :：|") and index + 1 < len(head):
                # '成文日期:' with the date on the next non-empty line.
                following = next((fold(v) for v in head[index + 1 : index + 3] if v), "")
                match = _DATE_RE.match(following)
            if match and (best is None or rank < best[0]):
                best = (rank, _iso(match))
            break
        else:
            # '2021-01-21 11:00 来源:桃源县信访局': a date leading the source line.
            match = _DATE_RE.match(text)
            if match and "来源" in text and (best is None or best[0] > 2):
                best = (2, _iso(match))
    return best[1] if best and best[1] else None


def _iso(match: re.Match[str]) -> str:
    year, month, day = (int(group) for group in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def level_of(agency: str) -> Level:
    """Given an agency name, return its administrative level from how the name ends."""
    regions = load_regions()
    # '重庆市市场监督管理局机关' reports for the organ itself; its level is the organ's.
    name = _PAREN_RE.sub("", agency).removesuffix("机关")
    for suffix in regions.government_suffixes:
        if name.endswith(suffix):
            place = name[: -len(suffix)]
            if suffix.endswith("办事处"):
                return "township"
            return _level_of_place(place, regions) if place else "unknown"
    if _department_suffix(name) is not None or any(marker in name for marker in regions.department_markers):
        return "department"
    return _level_of_place(name, regions)


def _level_of_place(place: str, regions: Regions) -> Level:
    if place in regions.municipalities or any(place in (name, *shorts) for name, shorts in regions.provinces):
        return "province"  # before the endings: '广西壮族自治区' ends in 区 like a district
    city = _without_province(place, regions)
    if city.endswith("市") and _CITY_NAME_RE.fullmatch(city):
        # '昆山市' is a 县级市 (county level), '苏州市' a 地级市: only the list tells them apart.
        return "city" if city in regions.prefecture_cities else "county"
    for unit, level in regions.level_by_unit:
        if place.endswith(unit):
            return level
    return "unknown"


# A bare city name: two to five Han characters and 市 ('昆山市', '乌鲁木齐市'), nothing below it ('苏州市吴中区').
_CITY_NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,5}市")


def _without_province(place: str, regions: Regions) -> str:
    """Given a place name, return it without a leading province name ('江苏省苏州市' → '苏州市')."""
    for name, shorts in regions.provinces:
        for form in (name, *shorts):
            if place.startswith(form) and len(place) > len(form) and not _names_city(place, form, name):
                return place[len(form) :]
    return place


def _names_city(text: str, form: str, province: str) -> bool:
    """Whether the province short form `form` at the start of `text` is really a city's name ('吉林市', not 吉林省)."""
    return form != province and text[len(form) : len(form) + 1] == "市"


def places(agency: str) -> tuple[str | None, str | None, str | None]:
    """Given an agency name, return the province, city and county it names (None where it names none).

    A 县级市 ('昆山市') is a county: its city (the 地级市 above it) is None unless the name gives it.
    """
    regions = load_regions()
    rest = agency
    province = None
    for name, shorts in regions.provinces:
        for form in (name, *shorts):
            if rest.startswith(form) and not _names_city(rest, form, name):
                province, rest = name, rest[len(form) :]
                break
        if province:
            break
    city = None
    match = re.match(r"^([\u4e00-\u9fff]{2,4}?)(市|自治州|州|盟|地区)", rest)
    if match and not re.search(r"[区县镇乡]", match.group(1)) and province not in regions.municipalities:
        if match.group(2) == "市" and match.group(0) not in regions.prefecture_cities:
            return province, None, match.group(0)
        city, rest = match.group(0), rest[match.end() :]
    county = None
    match = re.match(r"^([\u4e00-\u9fff]{1,4}?)(自治县|县|区|旗)", rest)
    if match and not re.search(r"[镇乡市]", match.group(1)):
        county = match.group(0)
    else:
        match = re.match(r"^([\u4e00-\u9fff]{2,4}?)市", rest)
        if (
            city
            and match
            and not re.search(r"[区县镇乡]", match.group(1))
            and match.group(0) not in regions.prefecture_cities
        ):
            county = match.group(0)  # '苏州市昆山市…': a 县级市 under its 地级市
    return province, city, county
