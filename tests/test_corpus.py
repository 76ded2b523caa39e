"""Corpus tests: every bundled real report parses, and one golden pins the key facts of each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import parse_relative, sample_files, sample_id

from govreport_parser import Report

SAMPLE_FILES = sample_files()
# The cells analysts look at first; a regression in any reader moves at least one of them.
KEY_CELLS = ("table3/new_received/total", "table4/review/total")


def _expectations(report: Report) -> dict[str, Any]:
    return {
        "format_version": report.meta.format_version,
        "sections": [section.id for section in report.sections],
        "tables": sorted(report.tables),
        "key_cells": {key: _plain(report.value(key)) for key in KEY_CELLS},
        "codes": sorted(diagnostic.code for diagnostic in report.diagnostics),
    }


def _plain(value: object) -> object:
    # YAML goldens hold ints and floats; a Decimal would be written as an opaque object.
    return value if value is None or isinstance(value, int) else float(str(value))


def test_corpus_is_bundled() -> None:
    assert len(SAMPLE_FILES) >= 80
    assert Path("fixtures/samples/seed/xihuachi-2022.txt") in SAMPLE_FILES


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=sample_id)
def test_sample_parses(path: Path, in_root: Path) -> None:
    report = parse_relative(path)
    assert isinstance(report, Report)
    assert report.meta.source == path.as_posix()
    assert [d.code for d in report.diagnostics if d.code == "P001"] == [], "a stage crashed"


def test_corpus_expectations(in_root: Path, data_regression: Any) -> None:
    data_regression.check({sample_id(path): _expectations(parse_relative(path)) for path in SAMPLE_FILES})
