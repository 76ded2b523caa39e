from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import govreport_parser
from govreport_parser.diagnostics import DiagnosticSink
from govreport_parser.document import CleanText
from govreport_parser.meta import detect_version, expected_version, level_of, places, segments_to_meta
from govreport_parser.model import ReportMeta
from govreport_parser.segment import lines_to_segments
from govreport_parser.vocabulary import load_vocabulary

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
ALL_META = sorted(SAMPLES.rglob("*.meta.json"))
# Samples whose title (or a 标题/发布机构 field, or the '现公布…' sentence) names the agency.
NAMED = [
    "github/003", "github/006", "github/010", "github/012", "github/013", "github/020",
    "pages/002", "pages/007", "pages/009", "pages/014", "pages/017", "pages/019", "pages/035", "pages/053",
    "pages/060", "pages/062", "pages/076", "pages/082", "pages/094", "pages/096", "pages/102", "pages/122",
    "pages/126", "pages/141", "pages/146", "pages/147", "pages/161", "pages/163", "pages/167", "pages/173",
    "pages/175", "pages/188", "pages/194", "pages/206", "pages/213", "pages/235", "pages/241", "pages/258",
    "pages/259", "pages/260", "pages/270", "pages/272", "pages/278", "pages/280", "pages/289", "pages/299",
    "pages/319",
]  # fmt: skip


def source_of(meta_path: Path) -> Path:
    stem = meta_path.with_suffix("").with_suffix("")
    return next(stem.with_suffix(suffix) for suffix in (".txt", ".html") if stem.with_suffix(suffix).exists())


def meta_of(text: str) -> tuple[ReportMeta, list[str]]:
    sink = DiagnosticSink()
    clean = CleanText(lines=tuple(text.split("\n")))
    vocabulary = load_vocabulary()
    segmented = lines_to_segments(clean, vocabulary, sink)
    return segments_to_meta(clean, segmented, vocabulary, sink), [d.code for d in sink.diagnostics]


@pytest.fixture(scope="module")
def parsed() -> dict[str, govreport_parser.Report]:
    return {
        meta.relative_to(SAMPLES).as_posix().removesuffix(".meta.json"): govreport_parser.parse(source_of(meta))
        for meta in ALL_META
    }


@pytest.mark.parametrize("name", NAMED)
def test_agency_level_year_of_named_samples(name: str, parsed: dict[str, govreport_parser.Report]) -> None:
    expected = json.loads((SAMPLES / f"{name}.meta.json").read_text(encoding="utf-8"))
    meta = parsed[name].meta
    core = re.split(r"[(（]", expected["agency"])[0]
    assert meta.agency is not None
    assert core in meta.agency or meta.agency in core, (meta.agency, expected["agency"])
    assert meta.year == expected["year"]
    if expected.get("level"):
        assert meta.level == expected["level"]


@pytest.mark.parametrize("meta_path", ALL_META, ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_year_of_every_sample(meta_path: Path, parsed: dict[str, govreport_parser.Report]) -> None:
    expected = json.loads(meta_path.read_text(encoding="utf-8"))
    name = meta_path.relative_to(SAMPLES).as_posix().removesuffix(".meta.json")
    assert parsed[name].meta.year == expected["year"]


def test_seed_meta() -> None:
    report = govreport_parser.parse(SAMPLES / "seed" / "xihuachi-2022.txt")
    meta = report.meta
    assert (meta.agency, meta.year, meta.format_version, meta.level) == (
        "西华池镇人民政府",
        2022,
        "gov_2021",
        "township",
    )
    assert meta.title == "西华池镇人民政府2022年信息公开工作年度报告"
    assert not [d.code for d in report.diagnostics if d.code.startswith("M")]


@pytest.mark.parametrize(
    ("agency", "level"),
    [
        ("西华池镇人民政府", "township"),
        ("东城街道办事处", "township"),
        ("某某苏木人民政府", "township"),
        ("清水县人民政府", "county"),
        ("阿巴嘎旗人民政府", "county"),
        ("洪泽区人民政府", "county"),
        ("泰州市人民政府", "city"),
        ("甘南藏族自治州人民政府", "city"),
        ("广东省人民政府办公厅", "province"),
        ("上海市人民政府", "province"),
        ("广州市人民政府办公厅", "city"),
        ("防城港市教育局", "department"),
        ("信丰县卫生健康委员会", "department"),
        ("随县经济开发区管委会", "department"),
        ("重庆市市场监督管理局机关", "department"),
        ("某某中心", "department"),
        ("", "unknown"),
        # 县级市 are county level, 地级市 city level: the same ending, told apart by the list of 地级市.
        ("昆山市人民政府", "county"),
        ("江苏省昆山市人民政府办公室", "county"),
        ("济源市人民政府", "county"),
        ("苏州市人民政府", "city"),
        ("乌鲁木齐市人民政府", "city"),
        ("吉林市人民政府", "city"),
        ("莱芜市人民政府", "city"),
        # Autonomous regions end in 区 like a district.
        ("广西壮族自治区人民政府", "province"),
        ("内蒙古自治区人民政府办公厅", "province"),
    ],
)
def test_level_of(agency: str, level: str) -> None:
    assert level_of(agency) == level


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("甘肃省庆阳市合水县西华池镇人民政府", ("甘肃省", "庆阳市", "合水县")),
        ("广州市荔湾区人民政府南源街道办事处", (None, "广州市", "荔湾区")),
        ("宝鸡市凤县人民政府", (None, "宝鸡市", "凤县")),
        ("广东省人民政府办公厅", ("广东省", None, None)),
        ("上海市人民政府", ("上海市", None, None)),
        ("重庆市市场监督管理局", ("重庆市", None, None)),
        ("西华池镇人民政府", (None, None, None)),
        ("内蒙古阿巴嘎旗自然资源局", ("内蒙古自治区", None, "阿巴嘎旗")),
        ("江苏省昆山市人民政府", ("江苏省", None, "昆山市")),
        ("苏州市昆山市玉山镇人民政府", (None, "苏州市", "昆山市")),
        ("吉林市船营区人民政府", (None, "吉林市", "船营区")),
        ("吉林省吉林市人民政府", ("吉林省", "吉林市", None)),
    ],
)
def test_places(agency: str, expected: tuple[str | None, str | None, str | None]) -> None:
    assert places(agency) == expected


def test_mirror_hostname_is_stripped_from_agency() -> None:
    meta, _ = meta_of("puroview.com东城街道2019年政府信息公开工作年度报告\n一、总体情况\n好。")
    assert meta.agency == "东城街道办事处"
    assert meta.level == "township"


def test_year_from_period_with_dropped_characters() -> None:
    meta, _ = meta_of("一、总体情况\n本报告所列数据的统计期限自20221月1日至202212月31日止。")
    assert meta.year == 2022


def test_agency_from_announcement_sentence_and_we_is_not_a_name() -> None:
    text = "根据《条例》规定,现公布宝鸡市凤县人民政府2020年度政府信息公开工作年度报告。\n一、总体情况\n我县好。"
    meta, codes = meta_of(text)
    assert (meta.agency, meta.year, meta.level, meta.city, meta.county) == (
        "宝鸡市凤县人民政府",
        2020,
        "county",
        "宝鸡市",
        "凤县",
    )
    meta, codes = meta_of("根据《条例》规定,现公布我局2022年政府信息公开工作年度报告。\n一、总体情况\n好。")
    assert meta.agency is None and "M002" in codes and meta.level == "unknown"


def test_unknown_year_and_agency() -> None:
    meta, codes = meta_of("一、总体情况\n今年工作很好。")
    assert meta.year is None and meta.agency is None
    assert {"M001", "M002"} <= set(codes)


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ("发布时间:2025-01-14 08:18 来源:义安区老洲乡 字体:[ ]", "2025-01-14"),
        ("发布机构发文日期 2023-01-12 20:04", "2023-01-12"),
        ("2021-01-21 11:00 来源:桃源县信访局", "2021-01-21"),
        ("发布日期:2021年1月4日    点击数:", "2021-01-04"),
        ("成文日期:\n\n2023-01-10", "2023-01-10"),
        ("索引号: 11370303004217709K/2022-None", None),
    ],
)
def test_published(head: str, published: str | None) -> None:
    meta, _ = meta_of(f"某镇2022年政府信息公开工作年度报告\n{head}\n一、总体情况\n好。")
    assert meta.published == published


def test_completion_and_field_extension() -> None:
    meta, _ = meta_of("凤凰镇2023年政府信息公开工作年度报告\n一、总体情况")
    assert meta.agency == "凤凰镇人民政府"
    meta, _ = meta_of(
        "标题: 平潭综合实验区2023年度政府信息公开工作年度报告\n发布机构: 平潭综合实验区管委会办公室\n一、总体情况"
    )
    assert meta.agency == "平潭综合实验区管委会办公室"
    meta, _ = meta_of("下湿壕镇政府2022年信息公开工作年度报告\n一、总体情况")
    assert meta.agency == "下湿壕镇人民政府"


def version(text: str, year: int | None) -> tuple[str | None, list[str]]:
    sink = DiagnosticSink()
    result = detect_version(CleanText(lines=tuple(text.split("\n"))), load_vocabulary(), year, sink)
    return result, [d.code for d in sink.diagnostics]


def test_version_by_vocabulary() -> None:
    assert version("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", 2022) == ("gov_2021", [])
    assert version("信息内容 | 本年新 制作数量 | 本年新公开数量 | 对外公开总数量 |", 2020) == ("gov_2019_trial", [])
    assert version("一、概述\n三、依申请公开政府信息情况", 2011) == ("legacy_pre2019", [])


def test_version_vocabulary_disagrees_with_year() -> None:
    assert version("本年制发件数 本年废止件数", 2020) == ("gov_2021", ["M003"])


def test_version_falls_back_to_year() -> None:
    assert version("一、总体情况\n好。", 2019) == ("gov_2019_trial", ["M004"])
    assert version("一、总体情况\n好。", None) == (None, ["M004"])
    assert [expected_version(y) for y in (2010, 2018, 2019, 2020, 2021, 2025)] == [
        "legacy_pre2019",
        "legacy_pre2019",
        "gov_2019_trial",
        "gov_2019_trial",
        "gov_2021",
        "gov_2021",
    ]


def test_cited_document_number_does_not_decide() -> None:
    text = "依据国办公开办函〔2019〕60号\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |"
    assert version(text, 2022)[0] == "gov_2021"
