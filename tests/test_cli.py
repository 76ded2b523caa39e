from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pytest

from govreport_parser import Report, parse
from govreport_parser import cli as cli_module
from govreport_parser.cli import main, render_report
from govreport_parser.model import Cell, ReportMeta, Table

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "fixtures" / "samples"
NOT_A_REPORT = ROOT / "fixtures" / "cli" / "not-a-report.html"
READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "parquet": pd.read_parquet,
    "csv": pd.read_csv,
    "jsonl": lambda path: pd.read_json(path, lines=True),
}


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    """A folder as scraped: reports, a page that is no report, other files and broken entries."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "seed" / "xihuachi-2022.txt", folder / "xihuachi.txt")
    shutil.copy(SAMPLES / "pages" / "002.txt", folder / "002.txt")
    shutil.copy(SAMPLES / "github" / "020.html", folder / "020.html")
    shutil.copy(SAMPLES / "github" / "020.meta.json", folder / "020.meta.json")
    shutil.copy(NOT_A_REPORT, folder / "not-a-report.html")
    (folder / "zero.txt").write_bytes(b"")
    (folder / "corrupt.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "broken.txt").symlink_to(folder / "gone.txt")
    return folder


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_parse_writes_one_reports_row_per_input_and_every_cell(
    fmt: str, inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, _, err = run(["parse", str(inputs), "-o", str(out), "--format", fmt, "--workers", "1"], capsys)
    assert code == 1  # the broken symlink failed, the run went on
    # The scrape's 020.meta.json is a side file: walking the folder skips it.
    assert "7 files, 6 ok, 1 failed" in err and "files/s" in err
    reports = READERS[fmt](out / f"reports.{fmt}")
    cells = READERS[fmt](out / f"cells.{fmt}")
    names = [Path(source).name for source in reports["source"]]
    assert names == sorted(names) and len(names) == 7
    status = dict(zip(names, reports["status"], strict=True))
    assert status.pop("broken.txt") == "failed" and set(status.values()) == {"ok"}
    broken = reports[reports["status"] == "failed"].iloc[0]
    assert broken["error"].startswith("FileNotFoundError:")
    by_name = reports.set_index(reports["source"].map(lambda s: Path(s).name))
    assert "D003" in by_name.loc["zero.txt", "codes"] and by_name.loc["zero.txt", "errors"] >= 1
    assert "S002" in by_name.loc["not-a-report.html", "codes"]
    assert list(cells.columns[:7]) == ["source", "table", "row", "column", "value", "status", "raw"]
    expected = sum(
        len(parse(path).cells)
        for path in sorted(inputs.iterdir())
        if path.name != "broken.txt" and path.suffix != ".json"
    )
    assert len(cells) == expected
    seed = parse(inputs / "xihuachi.txt")
    seed_cells = cells[cells["source"].map(lambda s: Path(s).name) == "xihuachi.txt"]
    assert len(seed_cells) == len(seed.cells)
    assert by_name.loc["xihuachi.txt", "cells"] == sum(1 for c in seed.cells if c.status == "value")


def test_outputs_equal_across_worker_counts(inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frames = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        assert run(["parse", str(inputs), "-o", str(out), "-w", workers, "-q"], capsys)[0] == 1
        frames[workers] = (pd.read_parquet(out / "cells.parquet"), pd.read_parquet(out / "reports.parquet"))
    pd.testing.assert_frame_equal(frames["1"][0], frames["2"][0])
    pd.testing.assert_frame_equal(frames["1"][1], frames["2"][1])


def test_full_reports_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = SAMPLES / "seed" / "xihuachi-2022.txt"
    out = tmp_path / "out"
    code, _, err = run(["parse", str(seed), "-o", str(out), "-f", "jsonl", "--full", "-q"], capsys)
    assert code == 0 and err == ""
    lines = (out / "reports_full.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert Report.from_json(lines[0]) == parse(seed)


def test_strict_turns_error_diagnostics_into_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, _, _ = run(["parse", str(NOT_A_REPORT), "-o", str(out), "-f", "csv", "--strict", "-w", "0"], capsys)
    assert code == 1
    row = pd.read_csv(out / "reports.csv").iloc[0]
    assert row["status"] == "failed" and row["error"].startswith("ParseError: S002")


def test_check_exit_codes_and_json(
    inputs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(["check", str(NOT_A_REPORT), "-w", "0"], capsys)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{NOT_A_REPORT}: 1 errors")
    assert any(line.split()[:2] == ["S002", "error"] for line in out.splitlines()[1:])
    code, out, _ = run(["check", str(inputs), "--json", "-q"], capsys)
    records = [json.loads(line) for line in out.splitlines()]
    walked = sorted(p.name for p in inputs.iterdir() if p.suffix != ".json")
    assert code == 1 and [Path(r["source"]).name for r in records] == walked
    broken = next(r for r in records if r["source"].endswith("broken.txt"))
    assert broken["status"] == "failed" and broken["error"].startswith("FileNotFoundError")
    zero = next(r for r in records if r["source"].endswith("zero.txt"))
    assert zero["status"] == "ok" and "D003" in [d["code"] for d in zero["diagnostics"]]
    seed = SAMPLES / "seed" / "xihuachi-2022.txt"
    expected = 1 if any(d.severity == "error" for d in parse(seed).diagnostics) else 0
    assert run(["check", str(seed), "-q"], capsys)[0] == expected
    monkeypatch.setattr(cli_module, "_file_diagnostics", lambda path, options: ())
    code, out, _ = run(["check", str(seed), "-w", "0", "-q"], capsys)
    assert code == 0 and out.startswith(f"{seed}: 0 errors, 0 warnings, 0 infos")


def test_show_renders_metadata_sections_tables_and_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    seed = SAMPLES / "seed" / "xihuachi-2022.txt"
    code, out, _ = run(["show", str(seed)], capsys)
    assert code == 0
    assert out.splitlines()[0] == "西华池镇人民政府2022年信息公开工作年度报告"
    assert "一、总体情况  [overview]" in out and "\nSections\n" in out and "Diagnostics" in out
    cells = tuple(
        Cell(table="table4", row=row, column=column, value=1, status="value", raw="1")
        for row in ("review", "litigation_direct")
        for column in ("maintained", "total")
    )
    report = Report(
        meta=ReportMeta(title="T", format_version="gov_2021"),
        tables=MappingProxyType({"table4": Table(id="table4", cells=cells)}),
    )
    text = render_report(report)
    assert "行政复议" in text and "结果维持" in text and "复议后起诉" in text and "Diagnostics: none" in text


def test_schema_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    table3 = data["versions"]["gov_2021"]["tables"]["table3"]
    assert {"id": "natural_person", "label": "自然人", "value_type": "integer", "group": False} in table3["columns"]
    assert len([r for r in table3["rows"] if not r["group"]]) == 25
    assert data["versions"]["gov_2021"]["tables"]["table2"]["blocks"][0]["id"] == "art20_1"
    assert "stats_table_2014" in data["versions"]["legacy_pre2019"]["tables"]
    code, out, _ = run(["schema"], capsys)
    assert code == 0 and "gov_2019_trial" in out
    assert any(line.split()[:2] == ["new_received", "一、本年新收政府信息公开申请数量"] for line in out.splitlines())


@pytest.mark.parametrize(
    "argv",
    [
        ["parse", "x.txt"],
        ["parse", "x.txt", "-o", "out", "--format", "xml"],
        ["parse", "x.txt", "-o", "out", "--workers", "-1"],
        ["frobnicate"],
        ["show", "no-such-file.txt"],
        ["check"],
        ["check", "x.txt", "--encoding", "no-such-codec"],
    ],
)
def test_usage_errors_exit_2_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert err.startswith("govreport: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_vocabulary_option_is_checked_once_and_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"variants": {"gov_2021/table2/no_such_id": ["x"]}}), encoding="utf-8")
    code, _, err = run(["check", str(NOT_A_REPORT), "--vocabulary", str(bad)], capsys)
    assert code == 2 and "no_such_id" in err and err.count("\n") == 1
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"variants": {"gov_2021/table2/regulations": ["规章制度"]}}), encoding="utf-8")
    code, out, _ = run(["check", str(NOT_A_REPORT), "--vocabulary", str(good), "-w", "0", "-q"], capsys)
    assert code == 1 and "S002" in out


def test_encoding_option_reaches_the_parser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "gbk.txt"
    source.write_bytes((SAMPLES / "seed" / "xihuachi-2022.txt").read_text(encoding="utf-8").encode("gb18030"))
    code, out, _ = run(["show", str(source), "--encoding", "gb18030"], capsys)
    assert code == 0 and out.splitlines()[0] == "西华池镇人民政府2022年信息公开工作年度报告"
    assert "encoding: gb18030" in out or "(gb18030)" in out


def test_out_that_is_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    code, _, err = run(["parse", str(NOT_A_REPORT), "-o", str(target)], capsys)
    assert code == 2 and "not a folder" in err


def test_help_everywhere_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["parse", "--help"], ["check", "--help"], ["show", "--help"], ["schema", "--help"]):
        code, out, _ = run(argv, capsys)
        assert code == 0 and "Exit codes: 0" in out, argv
    assert run([], capsys)[0] == 2


def test_console_entry_point_runs_as_a_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "govreport_parser.cli", "check", str(tmp_path / "absent.txt")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "absent.txt: failed: FileNotFoundError" in done.stdout
    assert done.stderr.strip().startswith("govreport: 1 files, 0 ok, 1 failed")
