"""Docs stay true to the code: generated reference pages are current, guide code runs, the site builds strictly."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import ROOT

import govreport_parser as gp
from govreport_parser.frames import CELL_SCHEMA, DIAGNOSTIC_SCHEMA, REPORT_SCHEMA

DOCS = ROOT / "docs"
EXAMPLE = ROOT / "examples" / "outcomes_by_agency.py"
# Pages whose ```python blocks are executed (```py blocks are illustrative and skipped): every hand-written page
# except cluster.md, whose examples need a Dask cluster and cloud storage.
PYTHON_BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def _runnable_blocks(page: Path) -> list[str]:
    """Return the ```python blocks of a page, without snippet includes (those show files the tests run directly)."""
    return [block for block in PYTHON_BLOCK.findall(page.read_text(encoding="utf-8")) if "--8<--" not in block]


RUN_PAGES = sorted(
    path.relative_to(DOCS).as_posix()
    for path in DOCS.rglob("*.md")
    if path.name != "cluster.md" and path.parent.name != "reference" and _runnable_blocks(path)
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _generator()


# -- generated reference pages ------------------------------------------------------------------------------------


def test_reference_pages_are_current(generator: Any) -> None:
    stale = [path.relative_to(ROOT).as_posix() for path in generator.stale_pages()]
    assert stale == [], f"stale generated docs {stale}: run `python docs/gen_reference.py` and commit the result"


def test_every_diagnostic_code_has_an_example(generator: Any) -> None:
    assert sorted(set(gp.CODES) - set(generator.EXAMPLES)) == []
    assert sorted(set(generator.EXAMPLES) - set(gp.CODES)) == []
    assert all(message.strip() for message, _ in generator.EXAMPLES.values())


def test_example_fixtures_exist_and_emit_their_code(generator: Any) -> None:
    for code, (_, fixture) in generator.EXAMPLES.items():
        if fixture is None:
            continue
        path = ROOT / fixture
        assert path.is_file(), f"{code}: example fixture {fixture} is missing"
        codes = {d.code for d in gp.parse(path).diagnostics}
        assert code in codes, f"{code}: {fixture} no longer produces it; update EXAMPLES in docs/gen_reference.py"


def test_diagnostics_page_lists_every_code_with_its_severity() -> None:
    page = (DOCS / "reference" / "diagnostics.md").read_text(encoding="utf-8")
    for code, info in gp.CODES.items():
        assert re.search(rf"\*\*{code}\*\* \| {info.severity} \|", page), code


def test_vocabulary_page_lists_every_canonical_id() -> None:
    page = (DOCS / "reference" / "vocabulary.md").read_text(encoding="utf-8")
    vocabulary = gp.load_vocabulary()
    ids = {identifier for *_, identifier in vocabulary.ids()}
    ids |= {section.id for sections in vocabulary.sections.values() for section in sections}
    assert len(ids) > 100
    missing = sorted(i for i in ids if f"<code>{i}</code>" not in page)
    assert missing == []
    # Chinese labels, variants and relation expressions are there too.
    assert "（一）予以公开" in page and "(一)予以公开" in page
    assert "new_received + carried_over == results_total + carried_forward" in page


def test_generated_cell_escaping(generator: Any) -> None:
    assert generator.text("商业\n企业 | *x*") == "商业⏎企业 &#124; &#42;x&#42;"
    assert generator.code("value >= 0 | x") == "<code>value &gt;= 0 &#124; x</code>"


def test_cli_page_has_every_command() -> None:
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    for command in ("parse", "check", "show", "schema"):
        assert f"## `govreport {command}`" in page
        assert f"Usage: govreport {command} [OPTIONS]" in page


# -- hand-written pages list what the code has ---------------------------------------------------------------------


def test_options_page_documents_every_field() -> None:
    page = (DOCS / "guide" / "options.md").read_text(encoding="utf-8")
    for field in dataclasses.fields(gp.ParseOptions):
        assert f"| `{field.name}` |" in page, field.name


def test_frames_page_documents_every_column() -> None:
    page = (DOCS / "guide" / "frames.md").read_text(encoding="utf-8")
    for schema in (CELL_SCHEMA, REPORT_SCHEMA, DIAGNOSTIC_SCHEMA):
        for name, _ in schema:
            assert f"`{name}`" in page, name


def test_trace_page_documents_every_stage() -> None:
    page = (DOCS / "guide" / "trace.md").read_text(encoding="utf-8")
    trace = gp.debug_parse(ROOT / "fixtures" / "samples" / "github" / "013.html")
    assert "html" in trace.names
    for name in trace.names:
        assert f"`{name}`" in page, name


def test_readme_links_existing_docs_pages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Documentation", 1)[1].split("\n## ", 1)[0]
    links = re.findall(r"\]\((docs/[^)#]+)", section)
    assert len(links) >= 8
    assert [link for link in links if not (ROOT / link).is_file()] == []


@pytest.mark.parametrize("page", RUN_PAGES)
def test_python_blocks_run(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _runnable_blocks(DOCS / page)
    monkeypatch.chdir(ROOT)  # the examples use repository-relative fixture paths, like the README
    namespace: dict[str, Any] = {"__name__": f"docs_{page}"}
    for number, block in enumerate(blocks, 1):
        try:
            exec(compile(block, f"{page}#block{number}", "exec"), namespace)
        except Exception as error:  # name the page and block: the traceback alone points into exec'd text
            raise AssertionError(f"{page}, python block {number} failed: {type(error).__name__}: {error}") from error


# -- worked example and site build --------------------------------------------------------------------------------


def test_worked_example_writes_chart_and_frame(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png, csv = tmp_path / "chart.png", tmp_path / "outcomes.csv"
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), str(ROOT / "fixtures" / "samples"), "--out", str(png), "--csv", str(csv)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 5_000
    import pandas as pd

    frame = pd.read_csv(csv)
    assert len(frame) > 0
    outcomes = ["granted", "partially_granted", "denied", "unable", "not_processed", "other"]
    assert list(frame.columns[:7]) == ["label", *outcomes]
    assert (frame["decided"] == frame.iloc[:, 1:7].sum(axis=1)).all()
    assert frame["decided"].sum() > 0
    assert "reports with table 三 outcomes" in result.stdout


def test_outcome_groups_cover_both_formats() -> None:
    spec = importlib.util.spec_from_file_location("outcomes_by_agency", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table3 = {version: gp.load_vocabulary().table(version, "table3") for version in ("gov_2021", "gov_2019_trial")}
    for version, table in table3.items():
        assert table is not None
        grouped = {row.id: module.outcome_group(row.id) for row in table.leaf_rows}
        # Every outcome row of 三、本年度办理结果 is in a group; the input rows and totals are not.
        assert {row for row, group in grouped.items() if group is None} == {
            "new_received",
            "carried_over",
            "results_total",
            "carried_forward",
        }, version
    assert module.outcome_group("other") == "other" and module.outcome_group("other_fee_unpaid") == "other"
    assert module.outcome_group("denied_state_secret") == "denied"


def test_committed_chart_exists() -> None:
    assert (DOCS / "img" / "outcomes_by_agency.png").read_bytes()[:8] == PNG_MAGIC


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        pytest.skip("mkdocs / mkdocs-material not installed (they come with the `test` extra)")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        cwd=ROOT,  # snippet paths (--8<--) are relative to the repository root
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    example = (site / "examples" / "outcomes_by_agency" / "index.html").read_text(encoding="utf-8")
    assert "outcome_frame" in example  # the script was included by the snippets extension
    assert (site / "img" / "outcomes_by_agency.png").is_file()
    assert (site / "reference" / "diagnostics" / "index.html").is_file()


def test_public_api_has_docstrings() -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed")
    # D1xx: every public module, class, method and function; magic methods and __init__ are documented on the class.
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "D1", "--ignore", "D105,D107",
         "govreport_parser", "examples", "docs/gen_reference.py"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
