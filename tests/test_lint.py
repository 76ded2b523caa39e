"""Lint and type checks run as tests, so the README's one test command also runs ruff and mypy."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from conftest import ROOT

RUFF_TARGETS = ("govreport_parser", "tests", "benchmarks")


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def _require(tool: str) -> None:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (it comes with the `test` extra: pip install -e '.[test]')")


def test_ruff_clean() -> None:
    _require("ruff")
    result = _run([sys.executable, "-m", "ruff", "check", "--no-cache", *RUFF_TARGETS])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_clean() -> None:
    _require("mypy")
    # The packages to check and the strict settings come from [tool.mypy] in pyproject.toml.
    result = _run([sys.executable, "-m", "mypy"])
    assert result.returncode == 0, result.stdout + result.stderr
