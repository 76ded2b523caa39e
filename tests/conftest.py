"""Shared paths and fixtures for the test suite: the repository root, the bundled samples and the seed report."""

from __future__ import annotations

from pathlib import Path

import pytest

import govreport_parser
from govreport_parser import Report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SAMPLES = FIXTURES / "samples"
SEED = SAMPLES / "seed" / "xihuachi-2022.txt"
# Every real report bundled under fixtures/samples (the .meta.json files beside them describe them).
SAMPLE_SUFFIXES = (".txt", ".html")


def sample_files() -> list[Path]:
    """Return every bundled real report, sorted, as paths relative to the repository root."""
    return sorted(
        path.relative_to(ROOT)
        for path in SAMPLES.rglob("*")
        if path.suffix in SAMPLE_SUFFIXES and path.is_file()
    )


def sample_id(path: Path) -> str:
    """Return a short test id such as `pages/014.txt` for a sample path."""
    return path.relative_to(SAMPLES.relative_to(ROOT)).as_posix()


def parse_relative(path: Path) -> Report:
    """Parse a sample through its repo-relative path, so `meta.source` (and goldens) hold no absolute path."""
    return govreport_parser.parse(path)


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test with the repository root as working directory, so relative sample paths resolve."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The reference report's text."""
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_report(seed_text: str) -> Report:
    """The reference report, parsed leniently once per session."""
    return govreport_parser.parse(seed_text)
