"""Figures from the prose, their checks against the tables, keywords and the figures frame."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.model import Cell, Figure, Report, ReportMeta, Section, SourceSpan, Table
from govreport_parser.narrative import (
    check_figures,
    cn_to_int,
    figures_frame,
    section_keywords,
    sections_to_figures,
)

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
SEED = SAMPLES / "seed" / "xihuachi-2022.txt"


def _section(text: str, section_id: str | None = None, first_line: int = 1) -> Section:
    lines = text.split("\n")
    return Section(
        id=section_id,
        heading="",
        text="\n".join(line for line in lines if line.strip()).strip(),
        span=SourceSpan(line_start=first_line, line_end=first_line + len(lines) - 1, section=section_id),
    )


def _figures(text: str, section_id: str | None = None) -> tuple[tuple[Figure, ...], DiagnosticSink]:
    sink = DiagnosticSink()
    return sections_to_figures([_section(text, section_id)], sink, lines=text.split("\n")), sink


def _file_figures(relative: str) -> tuple[tuple[Figure, ...], DiagnosticSink]:
    return _figures((SAMPLES / relative).read_text(encoding="utf-8"))


def _one(figures: tuple[Figure, ...], kind: str, value: int | Decimal | None = None) -> Figure:
    found = [f for f in figures if f.kind == kind and (value is None or f.value == value)]
    assert found, f"no {kind}={value} in {[(f.kind, f.value, f.subject) for f in figures]}"
    return found[0]


# --- the seed report -------------------------------------------------------------------------------------------------


def test_seed_proactive_total_and_items() -> None:
    figures, _ = _file_figures("seed/xihuachi-2022.txt")
    total = _one(figures, "proactive_items", 176)
    assert (total.unit, total.approximate, total.subject) == ("条", False, "全年共主动公开基本信息")
    assert total.span.line_start == 4
    items = [(f.subject, f.value) for f in figures if f.sentence.startswith("其中")]
    assert items == [
        ("政府职能机构、文件公开", 2),
        ("通知公告", 83),
        ("决算预算", 5),
        ("人事信息", 9),
        ("招考信息公开", 15),
        ("预警信息", 54),
        ("村务公开", 6),
        ("政策解读", 1),
    ]
    # Breakdown items keep no total-kind of their own.
    assert [f.kind for f in figures if f.sentence.startswith("其中")][:7] == ["generic"] * 7


def test_seed_stated_zeros() -> None:
    figures, _ = _file_figures("seed/xihuachi-2022.txt")
    received = _one(figures, "applications_received", 0)
    assert received.unit is None and received.approximate is False
    assert received.subject == "未收到政府信息公开申请"
    assert received.span.line_start == 5
    fee = _one(figures, "fees_collected", 0)
    assert fee.span.line_start == 48
    assert "处理费" in fee.subject


def test_seed_itemized_list_does_not_add_up() -> None:
    _, sink = _file_figures("seed/xihuachi-2022.txt")
    n002 = [d for d in sink.diagnostics if d.code == "N002"]
    assert len(n002) == 1
    context = n002[0].context
    assert (context["total"], context["listed_sum"]) == (176, 175)
    assert context["items"] == (2, 83, 5, 9, 15, 54, 6, 1)
    assert n002[0].severity == "info"
    assert "176" in n002[0].message and "175" in n002[0].message


def test_seed_parse_end_to_end_keeps_jieba_unloaded() -> None:
    code = (
        "import sys, govreport_parser as g\n"
        f"r = g.parse(open({str(SEED)!r}, encoding='utf-8').read())\n"
        "assert 'jieba' not in sys.modules, 'jieba loaded by parse()'\n"
        "print(sorted({f.kind for f in r.figures}))\n"
        "print([d.code for d in r.diagnostics if d.code.startswith('N')])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    kinds, codes = result.stdout.strip().splitlines()
    assert "proactive_items" in kinds and "applications_received" in kinds
    assert "N002" in codes


def test_parse_gives_exact_lines_on_blank_line_layout() -> None:
    # pages/094 keeps a blank line between paragraphs; spans must still point at the sentence's own line.
    import govreport_parser

    report = govreport_parser.parse(SAMPLES / "pages" / "094.txt")
    found = {(f.kind, f.value, f.span.line_start) for f in report.figures if f.kind != "generic"}
    assert {("applications_received", 0, 15), ("fees_collected", 0, 19)} <= found


def test_parse_reads_traditional_prose_after_conversion() -> None:
    # pages/032 is a traditional-script mirror: 2021年受理依申請公開件9件 once converted.
    import govreport_parser

    report = govreport_parser.parse(SAMPLES / "pages" / "032.txt")
    assert ("applications_received", 9, "件") in {(f.kind, f.value, f.unit) for f in report.figures}


# --- real samples, hand-checked --------------------------------------------------------------------------------------

SAMPLE_FIGURES = [
    # file, kind, value, unit, approximate — each read off the sentence in the sample
    ("pages/007.txt", "proactive_items", 292, "条", False),  # 我镇信息主动公开292条
    ("pages/014.txt", "proactive_items", 12190, "条", True),  # 主动公开各类政府信息12190余条
    ("pages/014.txt", "policy_interpretations", 10, "次", False),  # 政策解读10次
    ("pages/014.txt", "generic", 2600, "条", True),  # 通过微博、微信发送消息2600余条
    ("pages/017.txt", "applications_received", 3, "件", False),  # 收到…依申请公开3件
    ("pages/018.txt", "applications_received", 0, None, False),  # 未受理依申请公开
    ("pages/018.txt", "review_cases", 0, None, False),  # 未发生因依申请公开而引发的行政诉讼、行政复议
    ("pages/018.txt", "litigation_cases", 0, None, False),
    ("pages/039.txt", "proactive_items", 15, "条", True),  # 法定主动公开内容15余条
    ("pages/064.txt", "review_cases", 0, "次", False),  # 行政复议0次
    ("pages/064.txt", "litigation_cases", 0, "次", False),  # 行政诉讼0次
    ("pages/068.txt", "applications_received", 5, "件", False),  # 我局收到政府信息公开申请5件
    ("pages/068.txt", "applications_completed", 5, "件", False),  # 办结5件
    ("pages/087.txt", "proactive_items", 634, "条", False),  # 发布各类环境信息共计634条
    ("pages/087.txt", "generic", 300, "件", True),  # 其他各类平台转办件约300件
    ("pages/087.txt", "generic", 100, "%", False),  # 信访件办结率100%
    ("pages/094.txt", "applications_received", 0, None, False),  # 没有接到…申请
    ("pages/094.txt", "fees_collected", 0, None, False),  # 政府信息公开没有收费
    ("pages/096.txt", "proactive_items", 100, "条", True),  # 发布各类信息100余条
    ("pages/191.txt", "applications_received", 17, "例", False),  # 共受理依申请政府信息公开事项17例
    ("pages/191.txt", "review_cases", 0, None, False),  # 未发生政府信息公开行政复议、诉讼问题
    ("pages/191.txt", "litigation_cases", 0, None, False),
    ("pages/247.txt", "applications_received", 0, "宗", False),  # 共收到信息公开申请0宗
    ("pages/247.txt", "review_cases", 0, "宗", False),  # 行政复议案件0宗
    ("pages/247.txt", "litigation_cases", 0, "宗", False),  # 行政诉讼案件0宗
    ("pages/270.txt", "applications_received", 1466, "件", False),  # 全年共收到公开申请1466件
    ("pages/270.txt", "applications_carried_over", 16, "件", False),  # (上年度结转16件
    ("pages/270.txt", "applications_carried_forward", 9, "件", False),  # 结转下年度9件
    ("pages/270.txt", "press_conferences", 28, "次", False),  # 举办新闻发布会28次
    ("pages/222.txt", "generic", Decimal("3.54"), "万元", False),  # 采购总金额3.54万元
    ("pages/321.txt", "applications_received", 0, None, False),  # 未接收到政府信息公开申请
    ("github/003.txt", "applications_received", 21, "件", False),  # 受理政府信息公开申请 21 件 (PDF spaces)
    ("github/003.txt", "fees_collected", 0, "元", False),  # 收取政府信息公开信息处理费 0 元
]


@pytest.mark.parametrize(("relative", "kind", "value", "unit", "approximate"), SAMPLE_FIGURES)
def test_sample_figure(relative: str, kind: str, value: int | Decimal, unit: str | None, approximate: bool) -> None:
    figures, _ = _file_figures(relative)
    figure = _one(figures, kind, value)
    assert (figure.unit, figure.approximate) == (unit, approximate)
    assert figure.span.line_start is not None
    assert figure.sentence in (SAMPLES / relative).read_text(encoding="utf-8").split("\n")[figure.span.line_start - 1]


def test_sample_list_split_by_semicolons_adds_up() -> None:
    # 345条，其中规章11条、行政规范性文件8条、其他文件102条;省政府工作报告2条(中英文各1条)… = 345 across the semicolon.
    _, sink = _file_figures("pages/270.txt")
    assert [d for d in sink.diagnostics if d.code == "N002"] == []


@pytest.mark.parametrize(
    ("relative", "total", "listed"),
    [("pages/278.txt", 465, 464), ("pages/280.txt", 244, 65), ("pages/060.txt", 72, 71), ("pages/235.txt", 153, 99)],
)
def test_sample_list_that_does_not_add_up(relative: str, total: int, listed: int) -> None:
    _, sink = _file_figures(relative)
    sums = [(d.context["total"], d.context["listed_sum"]) for d in sink.diagnostics if d.code == "N002"]
    assert (total, listed) in sums


def test_sample_item_without_unit_is_not_summed() -> None:
    # 1873条,其中主动公开政府信息425条,作为依申请公开信息数46条,不予公开信息数1402。 — 1402 has no unit.
    _, sink = _file_figures("github/010.txt")
    assert all(d.context["total"] != 1873 for d in sink.diagnostics if d.code == "N002")


def test_list_runs_on_across_semicolons() -> None:
    text = "全年共发布信息20条,其中:政策解读信息9条;人事信息7条;财政信息4条。全年受理网络问政182件。"
    figures, sink = _figures(text)
    assert [d for d in sink.diagnostics if d.code == "N002"] == []
    assert [f.value for f in figures if f.unit == "条"] == [20, 9, 7, 4]
    _, sink = _figures(text.replace("4条", "5条"))
    (n002,) = [d for d in sink.diagnostics if d.code == "N002"]
    assert n002.context["listed_sum"] == 21 and n002.context["items"] == (9, 7, 5)


def test_sample_approximate_items_are_not_summed() -> None:
    # 处理信访件5187件,其中…217件,…4670件,以及其他各类平台转办件约300件: an approximate item proves nothing.
    _, sink = _file_figures("pages/087.txt")
    assert all(d.context["total"] != 5187 for d in sink.diagnostics if d.code == "N002")


# --- wording ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("十二", 12),
        ("一百二十", 120),
        ("一百零五", 105),
        ("两千", 2000),
        ("三万五千", 35000),
        ("二〇二二", 2022),
    ],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "approximate"),
    [
        ("本年度共收到政府信息公开申请三件。", "applications_received", 3, "件", False),
        ("全年主动公开政府信息一百二十条。", "proactive_items", 120, "条", False),
        ("全年主动公开政府信息近200条。", "proactive_items", 200, "条", True),
        ("全年主动公开政府信息约1.2万余条。", "proactive_items", 12000, "条", True),
        ("全年主动公开政府信息100多条。", "proactive_items", 100, "条", True),
        ("共有3件行政复议案件。", "review_cases", 3, "件", False),
        ("上年结转2件,结转下年度1件。", "applications_carried_over", 2, "件", False),
        ("上年结转2件,结转下年度1件。", "applications_carried_forward", 1, "件", False),
        ("收取信息处理费380元。", "fees_collected", 380, "元", False),
        ("行政事业性收费0.5万元。", "administrative_fees", Decimal("0.5"), "万元", False),
        ("本年度无上年结转申请。", "applications_carried_over", 0, None, False),
        ("未收取任何费用。", "fees_collected", 0, None, False),
    ],
)
def test_wording(text: str, kind: str, value: int | Decimal, unit: str | None, approximate: bool) -> None:
    figures, _ = _figures(text)
    figure = _one(figures, kind, value)
    assert (figure.unit, figure.approximate) == (unit, approximate)


def test_joint_review_and_litigation() -> None:
    both, _ = _figures("行政复议、行政诉讼均为0件。")
    assert sorted(f.kind for f in both) == ["litigation_cases", "review_cases"]
    summed, _ = _figures("行政复议和行政诉讼3件。")
    assert [f.kind for f in summed] == ["generic"]


@pytest.mark.parametrize(
    "text",
    [
        "根据《条例》第二十条第(一)项规定。",
        "2022年12月31日。",
        "增强四个意识,做到两个维护。",
        "每月通报一次。",
        "联合3部门开展检查。",
    ],
)
def test_not_figures(text: str) -> None:
    figures, _ = _figures(text)
    assert figures == ()


def test_table_lines_are_skipped() -> None:
    figures, _ = _figures("规章 | 3件 | 0 |\n收到申请2件。")
    assert [(f.kind, f.value) for f in figures] == [("applications_received", 2)]


def test_line_numbers_are_estimated_without_lines() -> None:
    section = Section(
        id="overview",
        heading="一、总体情况",
        text="第一段。\n收到政府信息公开申请75件。",
        span=SourceSpan(line_start=10, line_end=12, section="overview"),
    )
    (figure,) = sections_to_figures([section], DiagnosticSink())
    assert (figure.kind, figure.span.line_start, figure.section) == ("applications_received", 12, "overview")


# --- checks against the tables ---------------------------------------------------------------------------------------


def _table(table_id: str, values: dict[tuple[str, str], int | Decimal]) -> Table:
    return Table(
        id=table_id,
        cells=tuple(
            Cell(table=table_id, row=row, column=column, value=value, status="value", raw=str(value))
            for (row, column), value in values.items()
        ),
    )


def _n001(text: str, tables: dict[str, Table], section_id: str | None = None) -> list[str]:
    sink = DiagnosticSink()
    figures = sections_to_figures([_section(text, section_id)], sink)
    check_figures(figures, tables, sink)
    return [d.message for d in sink.diagnostics if d.code == "N001"]


TABLE3 = {"table3": _table("table3", {("new_received", "total"): 70, ("carried_over", "total"): 5})}


def test_check_received_agrees_with_new_or_new_plus_carried() -> None:
    assert _n001("收到政府信息公开申请70件。", TABLE3) == []
    assert _n001("共收到政府信息公开申请75件。", TABLE3) == []


def test_check_received_disagrees() -> None:
    (message,) = _n001("收到政府信息公开申请80件。", TABLE3)
    assert "80件" in message and "table3/new_received/total = 70" in message


def test_check_no_application_vs_nonzero_table() -> None:
    (message,) = _n001("本年度未收到政府信息公开申请。", TABLE3)
    assert "未收到政府信息公开申请" in message and "= 70" in message


def test_check_approximate_is_never_flagged() -> None:
    assert _n001("收到政府信息公开申请近80件。", TABLE3) == []


def test_check_review_and_litigation() -> None:
    table4 = {
        "table4": _table(
            "table4",
            {("review", "total"): 2, ("litigation_direct", "total"): 1, ("litigation_after_review", "total"): 1},
        )
    }
    assert _n001("因政府信息公开被申请行政复议2件,行政诉讼2件。", table4) == []
    messages = _n001("未发生因政府信息公开引起的行政复议和行政诉讼。", table4)
    assert len(messages) == 2
    # A 司法局 counting all its reconsiderations is not talking about 表四.
    assert _n001("全年办理行政复议案件120件。", table4, "overview") == []
    assert len(_n001("全年办理行政复议案件120件。", table4, "review_litigation")) == 1


def test_check_fees_only_same_thing_and_units() -> None:
    table2 = {"table2": _table("table2", {("administrative_fees", "fee_amount_10k_yuan"): Decimal("0.50")})}
    assert _n001("行政事业性收费5000元。", table2) == []
    assert _n001("行政事业性收费0.5万元。", table2) == []
    assert len(_n001("行政事业性收费6000元。", table2)) == 1
    # 信息处理费 is not 行政事业性收费: never compared with 表二.
    assert _n001("收取信息处理费380元。", table2) == []


def test_check_without_tables_is_silent() -> None:
    assert _n001("收到政府信息公开申请80件。", {}) == []


# --- robustness ------------------------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("收到申请件条余近约多万元其中,，。;；()（）|0123456789一二三十百千两零行政复议诉讼未无没有处理费主动公开 \n.")
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_ALPHABET, max_size=200).map("".join)))
def test_extraction_never_raises(text: str) -> None:
    sink = DiagnosticSink()
    section = Section(id=None, heading="h", text=text, span=SourceSpan(line_start=1, line_end=2))
    figures = sections_to_figures([section], sink)
    check_figures(figures, TABLE3, sink)
    assert all(isinstance(f, Figure) for f in figures)


# --- keywords and frames ---------------------------------------------------------------------------------------------


def test_section_keywords() -> None:
    text = (
        "我镇严格落实信息处理费管理办法,全年未收取信息处理费。加强政务新媒体管理,规范微信公众号运营,"
        "开展政务新媒体检查,关停僵尸账号。政府信息公开工作领导小组定期研究政务新媒体工作。"
    )
    keywords = section_keywords(text, 5)
    assert len(keywords) == 5
    assert "政务新媒体" in keywords
    assert not {"我镇", "政府信息公开", "工作"} & set(keywords)
    assert section_keywords("", 5) == [] and section_keywords(text, 0) == []


def test_figures_frame_many_reports() -> None:
    figure = Figure(
        kind="applications_received", value=3, unit="件", subject="收到申请", approximate=False, sentence="s"
    )
    money = Figure(
        kind="fees_collected", value=Decimal("0.5"), unit="万元", subject="收费", approximate=False, sentence="t"
    )
    reports = [
        Report(meta=ReportMeta(source="a.txt", year=2022), figures=(figure, money)),
        Report(meta=ReportMeta(source="b.txt"), figures=(figure,)),
    ]
    frame = figures_frame(reports)
    assert list(frame["source"]) == ["a.txt", "a.txt", "b.txt"]
    assert list(frame["value"]) == [3.0, 0.5, 3.0]
    assert frame["year"].iloc[0] == 2022 and frame["year"].isna().iloc[2]
    single = figures_frame(reports[0])
    assert len(single) == 2 and list(single["kind"]) == ["applications_received", "fees_collected"]
    assert len(figures_frame([])) == 0
