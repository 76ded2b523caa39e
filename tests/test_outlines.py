"""Non-standard outlines: renumbered narrative sections, tables introduced as 表二/表三/表四, sections missing."""

from __future__ import annotations

import govreport_parser as gp

SHANGHAI_STYLE = """某区人民政府2023年政府信息公开工作年度报告
一、总体情况
本年度主动公开信息120条。
二、主动公开政府信息方面
加强公开。
三、依申请公开方面
收到申请5件。
四、存在的主要问题及改进情况
问题不少。
五、其他需要报告的事项
无。
表二：主动公开政府信息情况
第二十条第(一)项 | |||
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 1 | 0 | 3 |
表三：收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |
表四：政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼 |
0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
"""


def test_tables_after_renumbered_narrative_are_read_under_their_own_headings() -> None:
    report = gp.parse(SHANGHAI_STYLE)
    assert report.value("table2/regulations/currently_valid") == 3
    assert report.value("table3/new_received/total") == 5
    assert report.value("table4/review/corrected") == 1
    placed = {table: s.id for s in report.sections for table in s.tables}
    assert placed == {"table2": "active_disclosure", "table3": "applications", "table4": "review_litigation"}
    codes = {d.code for d in report.diagnostics}
    assert "T002" not in codes and "T001" not in codes
    assert "S004" in codes  # the outline is out of the format's order, and says so


def test_table_in_the_wrong_section_is_kept_and_flagged() -> None:
    text = """一、总体情况
本年度无。
二、主动公开政府信息情况
本年度主动公开信息20条。
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
一、本年新收政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |
五、存在的主要问题及改进情况
无。
六、其他需要报告的事项
无。
"""
    report = gp.parse(text)
    assert report.value("table3/new_received/total") == 2
    wrong = [d for d in report.diagnostics if d.code == "T002"]
    assert wrong and wrong[0].context["actual_section"] == "review_litigation"
    assert any(d.code == "T001" and d.span.table == "table2" for d in report.diagnostics)


def test_numbered_heading_may_name_the_year_first() -> None:
    text = "\n".join(
        [
            "某县人民政府2023年政府信息公开工作年度报告",
            "一、2023年度总体情况",
            "本年度工作。",
            "二、2023年主动公开政府信息情况",
            "内容。",
        ]
    )
    report = gp.parse(text)
    assert [s.id for s in report.sections if s.id] == ["overview", "active_disclosure"]
    # A sentence that starts with the year is prose, not a heading.
    prose = gp.parse(
        "某县人民政府2023年政府信息公开工作年度报告\n一、2023年,我镇坚持公开。\n三、收到和处理政府信息公开申请情况\n无。"
    )
    assert [s.id for s in prose.sections if s.id] == ["applications"]
