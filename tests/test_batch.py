from __future__ import annotations

import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from govreport_parser import parse
from govreport_parser.batch import Failure, _dumps, expand_paths, map_files, parse_many
from govreport_parser.model import Report

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"


# -- module-level jobs: workers import them from this module by name -------------------------------------------


def job_echo(path: str, argument: str) -> str:
    # Later paths finish first, so ordering depends on the reorder buffer, not on completion order.
    time.sleep(0.02 if path.endswith("0") else 0.0)
    return f"{argument}:{Path(path).name}:{os.getpid()}"


def job_misbehave(path: str, argument: float) -> str:
    name = Path(path).name
    if name == "crash":
        os._exit(3)
    if name == "hang":
        time.sleep(argument)
    if name == "raise":
        raise ValueError("bad input")
    return name


def job_unpicklable(path: str, argument: None) -> object:
    return lambda: path


def job_pid(path: str, argument: None) -> int:
    return os.getpid()


# -- inputs ----------------------------------------------------------------------------------------------------


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "seed" / "xihuachi-2022.txt", tmp_path / "b.txt")
    (tmp_path / "sub").mkdir()
    shutil.copy(SAMPLES / "github" / "013.html", tmp_path / "sub" / "c.html")
    (tmp_path / "sub" / "notes.meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing-target.txt")
    return tmp_path


def test_expand_paths_walks_folders_globs_and_keeps_missing(tree: Path) -> None:
    found = expand_paths([tree])
    names = [str(Path(p).relative_to(tree)) for p in found]
    # Side files of a scrape (.meta.json, .md, images) are skipped when walking a folder, parsed when named.
    assert names == ["a-empty.txt", "b.txt", "broken.txt", "sub/c.html"]
    assert expand_paths([str(tree / "**" / "*.html")]) == [str(tree / "sub" / "c.html")]
    missing = str(tree / "nope-*.txt")
    assert expand_paths([missing, tree / "b.txt", str(tree / "b.txt")]) == sorted([missing, str(tree / "b.txt")])


# -- isolation and order ---------------------------------------------------------------------------------------


def test_parse_many_isolates_bad_inputs_and_sorts(tree: Path) -> None:
    (tree / "dir.txt").mkdir()
    inputs = [
        *expand_paths([tree]),
        str(tree / "sub" / "notes.meta.json"),
        str(tree / "dir.txt"),
        str(tree / "absent.txt"),
    ]
    results = list(parse_many(reversed(inputs), workers=1, timeout=30))
    paths = [path for path, _ in results]
    assert paths == sorted(inputs)
    by_name = {Path(path).name: result for path, result in results}
    assert isinstance(by_name["dir.txt"], Failure) and by_name["dir.txt"].error == "IsADirectoryError"
    assert isinstance(by_name["broken.txt"], Failure) and by_name["broken.txt"].error == "FileNotFoundError"
    assert isinstance(by_name["absent.txt"], Failure) and by_name["absent.txt"].error == "FileNotFoundError"
    empty = by_name["a-empty.txt"]
    assert isinstance(empty, Report) and "D003" in {d.code for d in empty.diagnostics}
    seed = by_name["b.txt"]
    assert isinstance(seed, Report) and seed == parse(Path(tree / "b.txt"))
    assert isinstance(by_name["notes.meta.json"], Report)


def test_results_equal_across_worker_counts() -> None:
    inputs = sorted(str(p) for p in (SAMPLES / "pages").glob("0*.txt"))[:12]
    inline = list(parse_many(inputs, workers=0))
    one = list(parse_many(inputs, workers=1))
    two = list(parse_many(inputs, workers=2))
    assert inline == one == two
    assert all(isinstance(result, Report) for _, result in two)


def test_reorder_buffer_yields_sorted_order_with_uneven_durations(tmp_path: Path) -> None:
    names = [f"f{i:02d}" for i in range(30)]
    results = list(map_files([tmp_path / n for n in names], job_echo, "x", workers=2))
    assert [Path(path).name for path, _ in results] == names
    assert [str(value).split(":")[1] for _, value in results] == names


def test_crash_timeout_and_exception_become_failures_and_run_continues(tmp_path: Path) -> None:
    names = ["a", "crash", "hang", "raise", "z"]
    started = time.monotonic()
    results = dict(map_files([str(tmp_path / n) for n in names], job_misbehave, 30.0, workers=2, timeout=1.0))
    assert time.monotonic() - started < 15
    by_name = {Path(path).name: value for path, value in results.items()}
    assert by_name["a"] == "a" and by_name["z"] == "z"
    crash, hang, raised = by_name["crash"], by_name["hang"], by_name["raise"]
    assert isinstance(crash, Failure) and crash.error == "WorkerCrashed" and "exit code 3" in crash.message
    assert isinstance(hang, Failure) and hang.error == "Timeout"
    assert isinstance(raised, Failure) and raised.error == "ValueError" and raised.message == "bad input"


def test_unpicklable_result_is_a_failure_of_that_file(tmp_path: Path) -> None:
    ((path, result),) = list(map_files([tmp_path / "x"], job_unpicklable, None, workers=1))
    assert isinstance(result, Failure) and result.error == "PicklingError" and path == str(tmp_path / "x")


def test_inline_mode_catches_exceptions(tmp_path: Path) -> None:
    results = dict(map_files([str(tmp_path / "raise"), str(tmp_path / "ok")], job_misbehave, 0.0, workers=0))
    assert results[str(tmp_path / "ok")] == "ok"
    assert isinstance(results[str(tmp_path / "raise")], Failure)


def test_workers_are_recycled(tmp_path: Path) -> None:
    pids = [
        pid
        for _, pid in map_files([tmp_path / f"{i}" for i in range(6)], job_pid, None, workers=1, max_tasks_per_worker=2)
    ]
    assert len(set(pids)) == 3


def test_bad_arguments_raise_before_work() -> None:
    with pytest.raises(ValueError, match="workers"):
        list(parse_many(["x"], workers=-1))
    with pytest.raises(ValueError, match="timeout"):
        list(parse_many(["x"], timeout=0))
    with pytest.raises(TypeError, match="unknown parse option"):
        list(parse_many(["x"], options={"nope": 1}))


def test_reports_cross_the_process_boundary_intact() -> None:
    report = parse(SAMPLES / "seed" / "xihuachi-2022.txt")
    assert pickle.loads(_dumps(report)) == report
