from __future__ import annotations

import re
from pathlib import Path

import pytest

import govreport_parser
from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import CleanText, Segmented
from govreport_parser.segment import lines_to_segments, match_heading
from govreport_parser.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "fixtures" / "samples"
ALL_SAMPLES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".txt", ".html"))
GOV_ORDER = [
    "overview",
    "active_disclosure",
    "applications",
    "review_litigation",
    "problems_improvements",
    "other_matters",
]


def segment(text: str) -> tuple[Segmented, list[str]]:
    sink = DiagnosticSink()
    result = lines_to_segments(CleanText(lines=tuple(text.split("\n"))), load_vocabulary(), sink)
    return result, [d.code for d in sink.diagnostics]


def ids(result: Segmented) -> list[str | None]:
    return [s.id for s in result.sections]


@pytest.fixture(scope="module")
def seed() -> govreport_parser.Report:
    return govreport_parser.parse(SAMPLES / "seed" / "xihuachi-2022.txt")


def test_seed_sections_in_order(seed: govreport_parser.Report) -> None:
    assert [s.id for s in seed.sections if s.id] == GOV_ORDER
    assert seed.sections[0].id is None  # the title line is the preamble


def test_seed_overview_subsections(seed: govreport_parser.Report) -> None:
    overview = seed.section("overview") if hasattr(seed, "section") else seed.sections[1]
    assert overview is not None
    subs = overview.subsections
    assert [s.ordinal for s in subs] == ["一", "二", "三", "四", "五"]
    assert [s.heading for s in subs] == [
        "主动公开情况",
        "依申请公开情况",
        "政府信息管理情况",
        "平台建设情况",
        "监督保障",
    ]
    assert subs[0].text.startswith("(一)主动公开情况。2022年")
    assert subs[1].span.line_start == subs[1].span.line_end == 5


def test_seed_other_matters_ends_with_fee_sentence(seed: govreport_parser.Report) -> None:
    other = next(s for s in seed.sections if s.id == "other_matters")
    assert other.text.endswith("本年度没有产生信息公开处理费。")
    assert "登录" not in other.text and "注册" not in other.text


def test_seed_has_no_outline_diagnostics(seed: govreport_parser.Report) -> None:
    assert not [d.code for d in seed.diagnostics if d.code.startswith("S")]


@pytest.mark.parametrize(
    ("line", "section_id", "heading", "rest"),
    [
        ("一、总体情况", "overview", "一、总体情况", ""),
        ("总体情况", "overview", "总体情况", ""),
        ("  总体情况  ", "overview", "总体情况", ""),
        (
            "四、政府信息公开行政法复议、行政诉讼情况",
            "review_litigation",
            "四、政府信息公开行政法复议、行政诉讼情况",
            "",
        ),
        ("二、主动公开政府信息的情况", "active_disclosure", "二、主动公开政府信息的情况", ""),
        ("一、总体情况 2019年,我县…", "overview", "一、总体情况", "2019年,我县…"),
        ("五、存在的主要问题及改进情况：一是…", "problems_improvements", "五、存在的主要问题及改进情况", "一是…"),
        ("第一部分 总体情况", "overview", "第一部分 总体情况", ""),
        ("表三 收到和处理政府信息公开申请情况", "applications", "表三 收到和处理政府信息公开申请情况", ""),
        ("一、 概述", "overview", "一、 概述", ""),
        ("三、政府信息依申请公开工作情况", "application_disclosure", "三、政府信息依申请公开工作情况", ""),
        ("六、其他需要报告的事项 |", "other_matters", "六、其他需要报告的事项", ""),
        ("一、政府信息公开工作的总体情况", "overview", "一、政府信息公开工作的总体情况", ""),
    ],
)
def test_match_heading(line: str, section_id: str, heading: str, rest: str) -> None:
    match = match_heading(line, load_vocabulary())
    assert match is not None
    assert (match.section_id, match.heading, match.rest) == (section_id, heading, rest)


@pytest.mark.parametrize(
    "line",
    [
        "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等部分。",
        "主动公开政府信息情况良好,全年公开信息100条。",
        "一、本年新收政府信息公开申请数量 | 0 | 0 |",
        "一、本年新收政府信息公开申请数量",
        "四、结转下年度继续办理",
        "三、本年度办理结果",
        "一、加强组织领导",
        "",
    ],
)
def test_not_headings(line: str) -> None:
    assert match_heading(line, load_vocabulary()) is None


def test_paren_headings_are_subsections_under_numbered_sections() -> None:
    text = "\n".join(
        [
            "某局2021年政府信息公开工作年度报告",
            "一、总体情况",
            "(一)主动公开政府信息情况",
            "公开100条。",
            "(二)收到和处理政府信息公开申请情况",
            "未收到。",
            "二、主动公开政府信息情况",
            "第二十条第(一)项 | |||",
            "六、其他需要报告的事项",
            "无。",
        ]
    )
    result, codes = segment(text)
    assert ids(result) == [None, "overview", "active_disclosure", "other_matters"]
    overview = result.sections[1]
    assert [s.heading for s in overview.subsections] == ["主动公开政府信息情况", "收到和处理政府信息公开申请情况"]
    assert codes.count("S003") == 3
    assert "S006" not in codes


def test_bare_heading_and_digit_subsections() -> None:
    text = "\n".join(
        [
            "总体情况",
            "1.主动公开。公开10条。",
            "2.依申请公开。无。",
            "二、主动公开政府信息情况",
            "五、存在的主要问题及改进情况",
            "不足。",
            "六、其他需要报告的事项",
            "无。",
        ]
    )
    result, codes = segment(text)
    assert ids(result) == ["overview", "active_disclosure", "problems_improvements", "other_matters"]
    assert [(s.ordinal, s.heading) for s in result.sections[0].subsections] == [("1", "主动公开"), ("2", "依申请公开")]
    assert codes == ["S001", "S003", "S003"]


def test_run_in_heading_body_starts_on_heading_line() -> None:
    result, _ = segment("一、总体情况 2022年,我镇认真落实。\n(一)主动公开。共10条。\n六、其他需要报告的事项 无。")
    overview, other = result.sections
    assert overview.body_start == overview.line_start == 1
    assert other.heading == "六、其他需要报告的事项"
    assert len(overview.subsections) == 1


def test_out_of_order_duplicate_and_unknown_sections() -> None:
    text = "\n".join(
        [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、附加说明",
            "四、政府信息公开行政复议、行政诉讼情况",
            "二、主动公开政府信息情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
            "无。",
        ]
    )
    result, codes = segment(text)
    assert ids(result) == [
        "overview",
        "active_disclosure",
        None,
        "review_litigation",
        "active_disclosure",
        "problems_improvements",
        "other_matters",
    ]
    assert result.sections[2].heading == "三、附加说明"
    assert {"S004", "S005", "S007"} <= set(codes)
    assert "S003" in codes  # applications


def test_truncated_document() -> None:
    _result, codes = segment("一、总体情况\n2022年,我镇认真\n二、主动公开政府信息情况\n第二十条第(一)项 | |||")
    assert "S006" in codes
    assert "S003" not in codes  # sections after the cut are not reported missing


def test_truncated_mid_sentence_in_closing_section() -> None:
    _, codes = segment(
        "一、总体情况\n好。\n五、存在的主要问题及改进情况\n一是信息公开的内容还不够全面,二是公开的形式有待"
    )
    assert "S006" in codes


def test_signature_and_date_close_a_report() -> None:
    _, codes = segment("一、总体情况\n好。\n六、其他需要报告的事项\n无。\n某某镇人民政府\n2018年12月31日")
    assert "S006" not in codes


def test_nothing_like_a_report() -> None:
    result, codes = segment("今天天气很好。\n我们去公园。")
    assert "S002" in codes and "S001" in codes
    assert ids(result) == [None]


def test_trailing_footer_excluded_from_report_end() -> None:
    text = (
        "一、总体情况\n好。\n六、其他需要报告的事项\n无。\n\n上一篇:某某通知\n下一篇:某某公告\n版权所有:某某县人民政府"
    )
    result, codes = segment(text)
    assert result.report_end == 4
    assert result.sections[-1].line_end == 4
    assert "C001" in codes


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("标题: 平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区2023年度政府信息公开工作年度报告"),
        ("昌图县七家子镇2023年政府信息公开 工作告年度报", "昌图县七家子镇2023年政府信息公开 工作告年度报"),
        ("2019年度政府信息公开年度报告", "2019年度政府信息公开年度报告"),
    ],
)
def test_titles(line: str, title: str) -> None:
    result, _ = segment(f"{line}\n一、总体情况\n好。")
    assert result.title == title and result.title_line == 1


def test_title_split_over_two_lines() -> None:
    result, _ = segment("         洪泽区人民政府\n  2023 年政府信息公开工作年度报告\n一、总体情况")
    assert result.title == "洪泽区人民政府2023 年政府信息公开工作年度报告"
    assert result.title_line == 2


def test_metadata_fields_are_not_titles() -> None:
    result, _ = segment(
        "栏目: 政府信息公开年报\n根据《条例》,现公布本机关2022年政府信息公开工作年度报告。\n一、总体情况"
    )
    assert result.title is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("github/003.txt", GOV_ORDER),
        ("github/006.txt", GOV_ORDER),
        ("github/012.txt", GOV_ORDER),
        ("github/010.txt", ["overview", "active_disclosure", "application_disclosure", "problems_improvements"]),
        ("pages/094.txt", ["active_disclosure", "application_disclosure", "fees_and_waivers", "review_litigation"]),
        ("pages/126.txt", ["overview"]),
        ("pages/141.txt", ["overview", "active_disclosure"]),
        ("pages/163.txt", ["overview", "active_disclosure"]),
        ("pages/176.txt", ["overview", "active_disclosure", "applications"]),
        ("pages/241.txt", GOV_ORDER[:5]),
        ("pages/175.txt", ["overview", "active_disclosure"]),
        ("pages/225.txt", ["overview"]),
    ],
)
def test_sample_outlines(name: str, expected: list[str]) -> None:
    report = govreport_parser.parse(SAMPLES / name)
    assert [s.id for s in report.sections if s.id] == expected


def test_subsections_in_samples() -> None:
    report = govreport_parser.parse(SAMPLES / "pages" / "126.txt")
    assert [s.ordinal for s in report.sections[1].subsections][:2] == ["一", "二"]
    report = govreport_parser.parse(SAMPLES / "pages" / "321.txt")
    assert [s.heading for s in report.sections[1].subsections] == ["主动公开", "依申请公开", "政府信息管理", "平台建设"]


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_every_sample_parses_and_finds_its_headings(path: Path) -> None:
    report = govreport_parser.parse(path)
    assert not [d for d in report.diagnostics if d.code == "P001"]
    text = path.read_text(encoding="utf-8")
    has_heading = re.search(r"(?:^|\s|。)一、\s*(?:总体情况|總體情況|概述|概 述|主要工作概述)", text) is not None
    if has_heading:
        assert any(s.id == "overview" for s in report.sections)
    if path.suffix == ".txt" and "二、主动公开政府信息情况" in text:
        assert any(s.id == "active_disclosure" for s in report.sections)


def test_every_character_that_folds_to_nothing_is_vanishing() -> None:
    # match_heading rejects a long bare line when none of its first characters can vanish; that is only sound while
    # _VANISHING_RE covers every character whose fold is empty.
    from govreport_parser.segment import _FOLD_TABLE, _VANISHING_RE

    empty = [code for code in range(0x110000) if not 0xD800 <= code < 0xE000 and _FOLD_TABLE[code] == ""]
    assert len(empty) >= 30  # whitespace, zero-width space and BOM
    assert [hex(code) for code in empty if not _VANISHING_RE.match(chr(code))] == []


def _fuzzy_by_difflib(norm: str, index: object) -> tuple[int, str, float, str] | None:
    """The heading fuzzy match as first written: difflib over every key and window, no bounds."""
    import difflib

    from govreport_parser.segment import FUZZY_MIN_KEY, FUZZY_WINDOW, UNKNOWN_HEADING_MAX
    from govreport_parser.vocabulary import FUZZY_THRESHOLD

    keys = index.keys  # type: ignore[attr-defined]
    best: dict[str, tuple[float, int]] = {}
    matcher = difflib.SequenceMatcher(autojunk=False)
    for key, section_id in keys:
        if len(key) < FUZZY_MIN_KEY:
            continue
        matcher.set_seq2(key)
        for length in range(max(1, len(key) - FUZZY_WINDOW), min(len(norm), len(key) + FUZZY_WINDOW) + 1):
            matcher.set_seq1(norm[:length])
            if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
                continue
            score = matcher.ratio()
            if score >= FUZZY_THRESHOLD and score > best.get(section_id, (0.0, 0))[0]:
                best[section_id] = (score, length)
    if best:
        ranked = sorted(best.items(), key=lambda item: -item[1][0])
        section_id, (score, length) = ranked[0]
        if len(ranked) == 1 or ranked[1][1][0] < score:
            return length, section_id, round(score, 3), "fuzzy"
    whole = norm.rstrip(" \t:：。.．|")
    if len(whole) <= UNKNOWN_HEADING_MAX:
        for key, section_id in keys:
            if whole.endswith(key) and len(key) >= 2:
                return len(whole), section_id, 1.0, "suffix"
    return None


def test_fuzzy_bounds_never_change_a_result() -> None:
    # The fast fuzzy matcher skips keys by character-count bounds; on damaged labels, prose and near misses it must
    # return exactly what plain difflib returns.
    import random

    from govreport_parser.segment import _fuzzy, _index, _norm_text

    index = _index(load_vocabulary())
    rng = random.Random(20240601)
    labels = [key for key, _ in index.keys]
    alphabet = "".join(sorted(set("".join(labels)))) + "的和及与。,:年月日"
    texts = [
        "政府信息管理情况。成立了由镇党委书记、镇长为组长,分管领导为副",
        "主动公开方面平潭综合实验区切实落实国务院办公厅、省政府办公厅关",
        "政府信息公开行政法复议、行政诉讼情况",
        "加强组织领导",
        "其他",
    ]
    for _ in range(1500):
        chars = list(rng.choice(labels))
        for _ in range(rng.choice([0, 1, 2, 3, 5])):
            position = rng.randrange(len(chars) + 1)
            if rng.random() < 0.4 and chars:
                del chars[min(position, len(chars) - 1)]
            else:
                chars.insert(position, rng.choice(alphabet))
        texts.append("".join(chars) + rng.choice(["", "。", "::", "情况", "。本年度我单位认真贯彻落实条例"]))
    results = [(_fuzzy(_norm_text(text), index), _fuzzy_by_difflib(_norm_text(text), index)) for text in texts]
    assert [text for text, (fast, slow) in zip(texts, results, strict=True) if fast != slow] == []
    assert sum(1 for fast, _ in results if fast and fast[3] == "fuzzy") > 300  # the bounds were really exercised


@pytest.mark.parametrize(
    ("printed", "renumbered"),
    [
        ("一、总体情况", "1、总体情况"),
        ("一、总体情况", "（一）总体情况"),
        # Section 一 of the seed has a '（二）' subsection: the '2、' line, numbered like a section, fills the gap.
        ("二、主动公开政府信息情况", "2、主动公开政府信息情况"),
        # Right after table 二's last row.
        ("三、收到和处理政府信息公开申请情况", "3.收到和处理政府信息公开申请情况"),
        ("六、其他需要报告的事项", "6、其他需要报告的事项"),
    ],
)
def test_one_section_numbered_like_a_list_item_keeps_its_place(printed: str, renumbered: str) -> None:
    text = (SAMPLES / "seed" / "xihuachi-2022.txt").read_text(encoding="utf-8").replace(printed, renumbered, 1)
    result, codes = segment(text)
    assert ids(result)[1:] == GOV_ORDER
    assert "S003" not in codes


def test_list_items_after_the_only_numbered_section_stay_subsections() -> None:
    text = "\n".join(
        ["某县2022年政府信息公开工作年度报告", "一、总体情况", "本年度工作如下。", "（二）依申请公开", "收到申请3件。"]
    )
    result, _ = segment(text)
    assert ids(result) == [None, "overview"]
