"""Property tests: the lenient parse never raises, results round-trip, and normalization is stable."""

from __future__ import annotations

from conftest import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govreport_parser
from govreport_parser import Report
from govreport_parser.normalize import label_key, parse_value

# Bounded so the whole file runs in seconds; CI runs the same examples every time (derandomize) so a failure is
# reproducible, and a developer can raise max_examples locally when hunting a crash.
PARSE_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CHEAP_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True)

# Pieces that steer random text into the parser's interesting branches: headings, table labels, separators.
FRAGMENTS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
    "(一)",
    "(二)主动公开情况。",
    "第二十条第(一)项",
    "信息内容",
    "本年制发件数",
    "规章",
    "行政规范性文件",
    "行政许可",
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "自然人",
    "商业企业",
    "总计",
    "行政复议",
    "结果维持",
    "尚未审结",
    "2022年",
    "西华池镇人民政府",
    "年度报告",
    "<table><tr><td>",
    "</td></tr></table>",
    "/",
    "—",
    "万元",
)
SEPARATORS = ("|", " | ", " |", "\n", "\n\n", " ", "\t", "|||")
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ALPHABET = st.one_of(CJK, st.sampled_from("0123456789|\n ,。、()()《》<>:+-.")).map(str)
TOKENS = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.sampled_from(SEPARATORS),
    st.integers(min_value=-5, max_value=10**12).map(str),
    st.text(alphabet=ALPHABET, max_size=12),
)
REPORTISH_TEXT = st.lists(TOKENS, max_size=120).map("".join)


SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """Return the seed report with random lines deleted, duplicated, swapped or split by pipes."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        if not lines:
            break
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        operation = draw(st.sampled_from(("delete", "duplicate", "swap", "pipe", "shuffle", "glue")))
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif operation == "pipe":
            line = lines[index]
            cut = draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:cut] + draw(st.sampled_from(SEPARATORS)) + line[cut:]
        elif operation == "shuffle":
            lines = draw(st.permutations(lines))
        elif index + 1 < len(lines):
            lines[index : index + 2] = [lines[index] + lines[index + 1]]  # a scraper that lost a newline
    return "\n".join(lines)


def _check(report: Report) -> None:
    assert isinstance(report, Report)
    assert "P001" not in {d.code for d in report.diagnostics}, [d.message for d in report.diagnostics]


@PARSE_SETTINGS
@given(REPORTISH_TEXT)
def test_lenient_parse_never_raises_on_text(text: str) -> None:
    _check(govreport_parser.parse(text))


@PARSE_SETTINGS
@given(st.text(max_size=400))
def test_lenient_parse_never_raises_on_any_unicode(text: str) -> None:
    _check(govreport_parser.parse(text))


@PARSE_SETTINGS
@given(mutated_seed())
def test_lenient_parse_never_raises_on_mutated_seed(text: str) -> None:
    report = govreport_parser.parse(text)
    _check(report)
    assert Report.from_dict(report.to_dict()) == report


@PARSE_SETTINGS
@given(st.binary(max_size=2000))
def test_lenient_parse_never_raises_on_bytes(data: bytes) -> None:
    _check(govreport_parser.parse(data))


@PARSE_SETTINGS
@given(st.sampled_from(("utf-8", "gb18030", "utf-16")), st.lists(st.integers(0, 5999), max_size=20), st.binary())
def test_lenient_parse_never_raises_on_damaged_encodings(codec: str, offsets: list[int], junk: bytes) -> None:
    data = bytearray("\n".join(SEED_LINES).encode(codec))
    for offset in offsets:
        data[offset % len(data)] ^= 0xA5
    _check(govreport_parser.parse(bytes(data) + junk))


@PARSE_SETTINGS
@given(REPORTISH_TEXT)
def test_dict_round_trip(text: str) -> None:
    report = govreport_parser.parse(text)
    assert Report.from_dict(report.to_dict()) == report
    assert Report.from_json(report.to_json()) == report


@CHEAP_SETTINGS
@given(st.one_of(st.text(max_size=40), REPORTISH_TEXT))
def test_label_key_is_idempotent(raw: str) -> None:
    once = label_key(raw).key
    assert label_key(once).key == once


@CHEAP_SETTINGS
@given(st.one_of(st.text(max_size=40), TOKENS))
def test_parse_value_never_raises(raw: str) -> None:
    parsed = parse_value(raw)
    assert parsed.kind in ("number", "blank", "placeholder", "text")
    assert (parsed.number is not None) == (parsed.kind == "number")
