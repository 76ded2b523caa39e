from __future__ import annotations

from pathlib import Path

import pytest

from govreport_parser.clean import is_chrome_line, text_to_lines, traditional_ratio
from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.options import ParseOptions

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"


def clean(text: str, **options: object) -> tuple[tuple[str, ...], list[str], bool]:
    sink = DiagnosticSink()
    result = text_to_lines(text, ParseOptions.resolve(None, **options), sink)
    return result.lines, [d.code for d in sink.diagnostics], result.converted_traditional


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_newlines_control_chars_and_blank_lines_are_kept_in_place() -> None:
    lines, codes, _ = clean("a\r\nb\rc\x00d\x0c\n\n  \n\tx\n")
    assert lines == ("a", "b", "cd", "", "  ", "\tx", "")
    assert codes == []


def test_whitespace_only_cells_survive() -> None:
    lines, _, _ = clean(sample("pages/194.txt"))
    assert any(line and not line.strip() for line in lines)


@pytest.mark.parametrize("name", ["pages/019.txt", "pages/027.txt", "pages/032.txt", "pages/062.txt"])
def test_traditional_pages_are_converted_line_for_line(name: str) -> None:
    text = sample(name)
    lines, codes, converted = clean(text)
    assert converted and "C002" in codes
    assert len(lines) == len(text.split("\n"))
    assert "政府信息公开" in "".join(lines)
    assert "公開" not in "".join(lines)
    assert traditional_ratio("\n".join(lines)) < 0.01


def test_traditional_conversion_keeps_line_count_and_can_be_disabled() -> None:
    text = "一、總體情況\n規範性檔案\n第二十條第(一)項"
    lines, _, converted = clean(text)
    assert converted
    assert lines == ("一、总体情况", "规范性文件", "第二十条第(一)项")
    kept, codes, converted = clean(text, convert_traditional=False)
    assert kept == tuple(text.split("\n")) and not converted and "C002" not in codes


def test_simplified_text_is_not_converted() -> None:
    _lines, codes, converted = clean(sample("seed/xihuachi-2022.txt"))
    assert not converted and "C002" not in codes


def test_inline_pinyin_removed() -> None:
    lines, codes, _ = clean("拖市鎮(zhèn)2020年政府信息公開工作年度報(bào)告\n根據(jù)")
    assert lines == ("拖市镇2020年政府信息公开工作年度报告", "根据")
    assert "C003" in codes


def test_single_untoned_parenthesis_is_not_pinyin() -> None:
    lines, codes, _ = clean("下载手机客户端(app)查询")
    assert lines == ("下载手机客户端(app)查询",)
    assert "C003" not in codes


def test_pinyin_sample_062() -> None:
    lines, codes, _ = clean(sample("pages/062.txt"))
    assert lines[0] == "拖市镇2020年政府信息公开工作年度报告"
    assert "C003" in codes and "C006" in codes
    assert lines[1].strip() == "一、总体情况"


@pytest.mark.parametrize(
    ("name", "spam"),
    [("pages/162.txt", "uedbet"), ("pages/279.txt", "沙巴体育"), ("pages/299.txt", "365体育")],
)
def test_spam_samples(name: str, spam: str) -> None:
    lines, codes, _ = clean(sample(name))
    assert "C004" in codes
    assert spam not in "\n".join(lines)


def test_spam_inline_keeps_the_rest_of_the_line() -> None:
    lines, codes, _ = clean("按照省、市uedbet体育_uedbet官网@:做好2023年工作\n365体育官网\n体育局工作")
    assert lines == ("按照省、市做好2023年工作", "体育局工作")
    assert codes == ["C004"]


def test_place_name_and_link_lists_are_spam() -> None:
    text = "正文。\n东城区 西城区 朝阳区 海淀区 丰台区 石景山区 门头沟区\nwww.a.com www.b.cn\n结束。"
    lines, codes, _ = clean(text)
    assert lines == ("正文。", "结束。")
    assert "C004" in codes


@pytest.mark.parametrize(
    "line",
    [
        "朗读",
        "字体:[大 中 小]",
        "【打印】【关闭】",
        "关怀版 无障碍 无障碍",
        "账号+密码登录",
        "还没有账号?",
        "立即注册",
        "登录 |  注册 ",
        "您现在所在的位置: 网站首页 > 政府信息公开 > 政府信息公开年报",
        "首页 >> 政府信息公开平台 >> 2021年年报",
        "访问量:",
        "浏览次数:-",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "发布时间:2025-01-14 08:18 来源:义安区老洲乡 字体:[ ]",
        "一、总体情况",
        "中村乡2020年政府信息公开工作年度报告",
        "0",
        "",
    ],
)
def test_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


@pytest.mark.parametrize(
    ("name", "gone"),
    [
        ("pages/018.txt", "朗读"),
        ("pages/035.txt", "您现在所在的位置"),
        ("pages/053.txt", "当前位置"),
        ("pages/076.txt", None),
        ("pages/102.txt", "关怀版"),
        ("pages/191.txt", "分享:"),
    ],
)
def test_chrome_samples(name: str, gone: str | None) -> None:
    lines, codes, _ = clean(sample(name))
    if gone is not None:
        assert "C001" in codes
        assert not any(line.strip().startswith(gone) for line in lines)
    # metadata that meta.py reads stays
    assert any("发布" in line or "索引号" in line or "标题" in line for line in lines) or name == "pages/018.txt"


def test_seed_login_links_removed() -> None:
    lines, codes, _ = clean(sample("seed/xihuachi-2022.txt"))
    assert lines[-1].endswith("本年度没有产生信息公开处理费。")
    assert "C001" in codes


def test_pdf_furniture_github_003() -> None:
    raw = sample("github/003.txt")
    lines, codes, _ = clean(raw)
    assert "C005" in codes
    assert not any(line.strip() in {"-1-", "-2-", "-3-", "-4-", "-5-"} for line in lines)
    assert len(lines) == len(raw.split("\n")) - 5


@pytest.mark.parametrize("furniture", ["Page 9 - 政府信息公开", "P. 9", "- 3 -", "第 3 页 共 9 页", "第3页"])
def test_furniture_patterns(furniture: str) -> None:
    lines, codes, _ = clean(f"正文一。\n{furniture}\n正文二。")
    assert lines == ("正文一。", "正文二。")
    assert codes == ["C005"]


def test_running_title_removed_except_first() -> None:
    title = "某某县人民政府2023年政府信息公开工作年度报告"
    pages = [f"{title}\n正文{n}。" + "文字" * 5 + f"\n- {n} -" for n in range(1, 5)]
    lines, _codes, _ = clean("\n".join(pages))
    assert [line for line in lines if line == title] == [title]
    assert lines[0] == title


def test_one_line_document_split_at_headings_and_anchors() -> None:
    text = (
        "某镇2022年政府信息公开工作年度报告 本报告内容包括:一、总体情况,二、主动公开政府信息情况。"
        + "一、总体情况 2022年,我镇认真落实。"
        + "工作" * 100
        + "。"
        + "(一)主动公开情况。共公开10条。(二)依申请公开情况。收到0件。"
        + "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数规章000"
        + "第二十条第(五)项信息内容本年处理决定数量行政许可5"
        + "三、收到和处理政府信息公开申请情况(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)申请人情况"
        + "(一)予以公开1000001"
        + "四、政府信息公开行政法复议、行政诉讼情况行政复议行政诉讼结果维持 0 0 0"
        + "五、存在的主要问题及改进情况 问题不少。六、其他需要报告的事项 无。依据《条例》第二十条第(一)项规定办理。"
    )
    lines, _, _ = clean(text)
    starts = [line[:8] for line in lines]
    assert starts[0].startswith("某镇2022年")
    assert any(line.startswith("一、总体情况 2022年") for line in lines)
    assert any(line.startswith("(一)主动公开情况") for line in lines)
    assert any(line.startswith("(二)依申请公开情况") for line in lines)
    assert "二、主动公开政府" in starts
    assert any(line.startswith("第二十条第(一)项信息内容") for line in lines)
    assert any(line.startswith("第二十条第(五)项") for line in lines)
    assert any(line.startswith("(本列数据的勾稽关系为") for line in lines)
    # row labels inside the table are not split off
    assert any(line.endswith("申请人情况(一)予以公开1000001") for line in lines)
    assert any(line.startswith("四、政府信息公开行政法复议") for line in lines)
    assert any(line.startswith("行政复议行政诉讼") for line in lines)
    assert any(line.startswith("五、存在的主要问题") for line in lines)
    assert any(line.startswith("六、其他需要报告的事项") for line in lines)
    # the outline listed in prose and the cited article stay inside their sentences
    assert lines[1].endswith("二、主动公开政府信息情况。")
    assert lines[-1].endswith("依据《条例》第二十条第(一)项规定办理。")


@pytest.mark.parametrize("name", ["github/006.txt", "github/012.txt", "pages/122.txt", "pages/175.txt"])
def test_one_line_samples_are_split(name: str) -> None:
    raw = sample(name)
    lines, _, _ = clean(raw)
    assert len(lines) >= len(raw.split("\n")) + 3
    assert any(line.startswith("一、总体情况") for line in lines)
    assert any(line.startswith("(一)") or line.startswith("（一）") for line in lines)


def test_repeated_title_of_175_is_split_off() -> None:
    lines, _, _ = clean(sample("pages/175.txt"))
    assert lines[0] == "随县经济开发区2019年政府信息公开工作年度报告"
    assert lines[1] == "随县经济开发区2019年政府信息公开工作年度报告"
    assert lines[2].startswith("2019年,随县经济开发区")
