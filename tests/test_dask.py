from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from govreport_parser import parse
from govreport_parser.frames import CELL_SCHEMA, REPORT_SCHEMA

dask = pytest.importorskip("dask")
from govreport_parser.dask import read_reports  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "seed" / "xihuachi-2022.txt", tmp_path / "a.txt")
    for name in ("002.txt", "007.txt", "009.txt"):
        shutil.copy(SAMPLES / "pages" / name, tmp_path / f"p{name}")
    shutil.copy(SAMPLES / "github" / "013.html", tmp_path / "z.html")
    (tmp_path / "empty.txt").write_bytes(b"")
    return tmp_path


def expected_cells(folder: Path) -> int:
    return sum(len(parse(path.read_bytes()).cells) for path in folder.iterdir())


def test_read_reports_synchronous(folder: Path) -> None:
    cells, reports = read_reports(str(folder / "*"), files_per_partition=2)
    assert cells.npartitions == 3 and reports.npartitions == 3
    assert list(cells.columns) == [name for name, _ in CELL_SCHEMA]
    assert list(reports.columns) == [name for name, _ in REPORT_SCHEMA]
    with dask.config.set(scheduler="synchronous"):
        cells_df, reports_df = dask.compute(cells, reports)
    assert len(reports_df) == 6 and len(cells_df) == expected_cells(folder)
    assert reports_df["source"].tolist() == sorted(str(p) for p in folder.iterdir())
    assert set(reports_df["status"]) == {"ok"}
    seed = parse((folder / "a.txt").read_bytes())
    mine = cells_df[cells_df["source"] == str(folder / "a.txt")]
    assert mine["value"].sum() == sum(float(c.value) for c in seed.cells if c.value is not None)
    empty = reports_df[reports_df["source"].str.endswith("empty.txt")].iloc[0]
    assert "D003" in empty["codes"]


def test_unreadable_file_is_a_failed_row(folder: Path) -> None:
    (folder / "broken.txt").symlink_to(folder / "gone.txt")
    cells, reports = read_reports([str(folder / "a.txt"), str(folder / "broken.txt")])
    with dask.config.set(scheduler="threads"):
        _, reports_df = dask.compute(cells, reports)
    row = reports_df[reports_df["source"].str.endswith("broken.txt")].iloc[0]
    assert row["status"] == "failed" and row["error"].startswith("FileNotFoundError")


def test_local_cluster_threads(folder: Path) -> None:
    distributed = pytest.importorskip("distributed")
    cells, reports = read_reports(str(folder / "*.txt"), files_per_partition=3)
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster),
    ):
        reports_df = reports.compute()
        per_table = cells.groupby("table")["value"].count().compute()
    assert len(reports_df) == 5
    expected = sum(
        1 for path in folder.glob("*.txt") for cell in parse(path.read_bytes()).cells if cell.value is not None
    )
    assert isinstance(per_table, pd.Series) and per_table.sum() == expected


def test_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(FileNotFoundError, match="no files match"):
        read_reports(str(tmp_path / "*.nothing"))
    with pytest.raises(ValueError, match="files_per_partition"):
        read_reports(str(tmp_path / "*"), files_per_partition=0)
    monkeypatch.setitem(sys.modules, "fsspec", None)
    with pytest.raises(ImportError, match=r"govreport-parser\[dask\]"):
        read_reports(str(tmp_path / "*"))
