"""Public API contract: accepted sources, option errors, strict vs lenient, hostile inputs and round trips."""

from __future__ import annotations

import dataclasses
import io
import os
import random
from pathlib import Path

import pytest
from conftest import SAMPLES, SEED

import govreport_parser
from govreport_parser import ParseError, ParseOptions, Report

ROUND_TRIP_SAMPLES = (
    "seed/xihuachi-2022.txt",
    "github/003.txt",
    "github/012.txt",
    "github/010.txt",
    "github/013.html",
    "pages/247.txt",  # decimal fee cell: Decimal must survive the JSON float
    "pages/019.txt",
    "pages/082.txt",
)
# Big enough to be well past any real page (largest sample: 111 KB) but under the default max_bytes of 20 MB.
BIG_INPUT_BYTES = 5_000_000


class _PathLike:
    """A path-like that is not a pathlib.Path, as some storage libraries hand out."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def __fspath__(self) -> str:
        return str(self._path)


def _codes(report: Report) -> set[str]:
    return {d.code for d in report.diagnostics}


# --- sources ---


def test_parse_str(seed_text: str) -> None:
    report = govreport_parser.parse(seed_text)
    assert report.meta.source is None
    assert report.meta.encoding is None
    assert report.section("review_litigation") is not None


def test_parse_bytes(seed_text: str, seed_report: Report) -> None:
    report = govreport_parser.parse(seed_text.encode("utf-8"))
    assert report.meta.encoding is not None and report.meta.encoding.replace("_", "-").lower() == "utf-8"
    assert report.tables == seed_report.tables


def test_parse_gb18030_bytes_equals_text(seed_text: str, seed_report: Report) -> None:
    report = govreport_parser.parse(seed_text.encode("gb18030"))
    assert report.sections == seed_report.sections
    assert report.tables == seed_report.tables


def test_parse_pathlib_path(seed_report: Report) -> None:
    report = govreport_parser.parse(SEED)
    assert report.meta.source == str(SEED)
    assert report.tables == seed_report.tables


def test_parse_os_pathlike(seed_report: Report) -> None:
    report = govreport_parser.parse(_PathLike(SEED))
    assert report.meta.source == str(SEED)
    assert report.sections == seed_report.sections


@pytest.mark.parametrize(
    "source",
    [42, ["a", "b"], None, 3.5, io.StringIO("一、总体情况"), io.BytesIO(b"abc")],
    ids=["int", "list", "None", "float", "text-file-object", "binary-file-object"],
)
def test_parse_rejects_other_types(source: object) -> None:
    with pytest.raises(TypeError):
        govreport_parser.parse(source)  # type: ignore[arg-type]


def test_missing_path_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        govreport_parser.parse(tmp_path / "missing.txt")


# --- options ---


def test_unknown_option_is_type_error(seed_text: str) -> None:
    with pytest.raises(TypeError, match="no_such_option"):
        govreport_parser.parse(seed_text, no_such_option=True)
    with pytest.raises(TypeError, match="no_such_option"):
        govreport_parser.parse(seed_text, options={"no_such_option": 1})


@pytest.mark.parametrize(
    "option",
    [{"input_format": "pdf"}, {"format_version": "gov_2030"}, {"max_bytes": 0}, {"max_bytes": -5}],
    ids=["input_format", "format_version", "max_bytes-zero", "max_bytes-negative"],
)
def test_bad_option_value_is_value_error(seed_text: str, option: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        govreport_parser.parse(seed_text, **option)
    with pytest.raises(ValueError):
        ParseOptions(**option)  # type: ignore[arg-type]


def test_options_object_and_mapping_agree(seed_text: str) -> None:
    by_object = govreport_parser.parse(seed_text, options=ParseOptions(extract_figures=False))
    by_mapping = govreport_parser.parse(seed_text, options={"extract_figures": False})
    by_keyword = govreport_parser.parse(seed_text, extract_figures=False)
    assert by_object == by_mapping == by_keyword
    assert by_object.figures == ()


# --- strict vs lenient ---


def test_strict_non_report_raises_parse_error() -> None:
    with pytest.raises(ParseError) as caught:
        govreport_parser.parse("hello", strict=True)
    error = caught.value
    assert "S002" in {d.code for d in error.diagnostics}
    assert isinstance(error.report, Report)


def test_lenient_non_report_returns_s002() -> None:
    report = govreport_parser.parse("hello")
    assert isinstance(report, Report)
    assert "S002" in _codes(report)
    assert report.tables == {}


def test_strict_clean_report_does_not_raise(seed_text: str) -> None:
    report = govreport_parser.parse(seed_text, strict=True)
    assert [d for d in report.diagnostics if d.severity == "error"] == []


# --- hostile inputs: a Report with diagnostics, never an exception ---


@pytest.mark.parametrize("source", ["", "   \n\t\n", b"", b"\n\n"], ids=["str", "blank-str", "bytes", "blank-bytes"])
def test_empty_input(source: str | bytes) -> None:
    report = govreport_parser.parse(source)
    assert "D003" in _codes(report)
    assert report.sections == () or all(s.id is None for s in report.sections)


def test_random_bytes() -> None:
    data = random.Random(2022).randbytes(20_000)
    report = govreport_parser.parse(data)
    assert isinstance(report, Report)
    assert _codes(report) & {"D001", "D005", "S002"}
    assert "P001" not in _codes(report)


def test_page_that_is_not_a_report() -> None:
    page = (
        "<html><head><title>天气预报</title></head><body><div id='nav'>首页 | 新闻 | 登录</div>"
        "<p>今日晴,最高气温25度。</p><table><tr><td>周一</td><td>晴</td></tr></table></body></html>"
    )
    report = govreport_parser.parse(page)
    assert report.meta.input_format == "html"
    assert "S002" in _codes(report)
    assert "P001" not in _codes(report)


def test_five_megabyte_text(seed_text: str) -> None:
    filler = "全年共主动公开政府信息176条,其中通知公告83条。\n"
    big = seed_text + filler * (BIG_INPUT_BYTES // len(filler.encode("utf-8")))
    assert len(big.encode("utf-8")) >= BIG_INPUT_BYTES
    report = govreport_parser.parse(big)
    assert "P001" not in _codes(report)
    assert report.section("overview") is not None
    assert report.value("table4/review/total") == 0


def test_oversized_input_is_truncated_with_d004(seed_text: str) -> None:
    report = govreport_parser.parse(seed_text, max_bytes=1000)
    assert "D004" in _codes(report)


# --- round trips ---


@pytest.mark.parametrize("name", ROUND_TRIP_SAMPLES)
def test_dict_and_json_round_trip(name: str) -> None:
    report = govreport_parser.parse(SAMPLES / name)
    assert Report.from_dict(report.to_dict()) == report
    assert Report.from_json(report.to_json()) == report
    assert Report.from_json(report.to_json(indent=2)).to_dict() == report.to_dict()


def test_report_accessors(seed_report: Report) -> None:
    assert seed_report.value("table4/review/total") == 0
    assert seed_report.value("table9/x/y") is None
    assert len(seed_report.cells) == sum(len(t.cells) for t in seed_report.tables.values())


# --- debug_parse ---


def test_debug_parse_trace(seed_text: str, seed_report: Report) -> None:
    trace = govreport_parser.debug_parse(seed_text)
    assert {"decode", "clean", "segment", "grid", "map", "validate"} <= set(trace.names)
    assert trace.report == seed_report
    assert trace.lines(1) == ["西华池镇人民政府2022年信息公开工作年度报告"]
    with pytest.raises(KeyError):
        trace.stage("no_such_stage")


def test_debug_parse_html_runs_html_stage() -> None:
    trace = govreport_parser.debug_parse((SAMPLES / "github" / "020.html").read_bytes())
    assert "html" in trace.names
    assert trace.report is not None and trace.report.meta.input_format == "html"


def test_debug_parse_strict_keeps_error() -> None:
    trace = govreport_parser.debug_parse("hello", strict=True)
    # The stages run to the end: the trace keeps the whole partial Report beside the error.
    assert trace.report is not None and trace.error is not None and trace.error.report is trace.report
    assert trace.error is not None and "S002" in {d.code for d in trace.error.diagnostics}


def test_source_may_be_relative_path(seed_report: Report, in_root: Path) -> None:
    relative = Path(os.path.relpath(SEED, Path.cwd()))
    assert govreport_parser.parse(relative).meta.source == relative.as_posix()


def test_readme_python_examples_run(in_root: Path) -> None:
    # The README is the quick manual: its Python blocks must keep running against the current API.
    readme = (in_root / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```python\n")[1:]
    assert len(blocks) >= 2
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block.split("```", 1)[0], "README.md", "exec"), namespace)
    assert isinstance(namespace["report"], Report)


def test_readme_lists_every_parse_option(in_root: Path) -> None:
    readme = (in_root / "README.md").read_text(encoding="utf-8")
    documented = {line.split("|")[1].strip().strip("`") for line in readme.splitlines() if line.startswith("| `")}
    assert {f.name for f in dataclasses.fields(ParseOptions)} <= documented
