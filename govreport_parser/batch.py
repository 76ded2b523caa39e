"""Parse many files in isolated worker processes, streaming results in sorted-path order."""

from __future__ import annotations

import contextlib
import copyreg
import glob
import io
import multiprocessing
import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from govreport_parser.model import Report
from govreport_parser.options import ParseOptions

T = TypeVar("T")
A = TypeVar("A")

# In-flight window per worker: results may arrive out of order, and a slow file holds back at most this many
# finished ones in the reorder buffer; 8 keeps both workers busy past a file 8× slower than average while the
# buffer stays a few hundred KB.
WINDOW_PER_WORKER = 8
# A worker is replaced after this many files so memory a parse leaks (caches, fragmentation) cannot grow with the
# run; a fresh worker costs ~0.1 s (fork from the server, re-import of the caller's main module, vocabulary
# compile), under 1% of 2,000 parses at ~6 ms each (measured with benchmarks/bench_batch.py).
MAX_TASKS_PER_WORKER = 2000
# Seconds a retired or interrupted worker gets to exit before it is killed.
SHUTDOWN_GRACE = 2.0
GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """An input that produced no Report: why, in a form that fits one row of a table."""

    path: str
    """The input path as given (after expansion)."""
    error: str
    """Exception type name (`FileNotFoundError`, `ParseError` …), or `Timeout` / `WorkerCrashed`."""
    message: str
    """Readable reason."""

    def __str__(self) -> str:
        return f"{self.path}: {self.error}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class FileRecords:
    """What the CLI needs from one parsed file, built in the worker so the parent only writes."""

    cells: tuple[tuple[Any, ...], ...]
    """Rows in `frames.CELL_SCHEMA` order (empty when `cells_jsonl` is set)."""
    cells_jsonl: str | None = None
    """The same rows as JSON Lines text, when the job asked for JSON Lines."""
    report: tuple[Any, ...]
    """The row in `frames.REPORT_SCHEMA` order."""
    full_json: str | None = None
    """`Report.to_json()` when full reports were asked for."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordsJob:
    """Arguments of `file_records`, fixed for a whole run."""

    options: ParseOptions = field(default_factory=ParseOptions)
    full: bool = False
    jsonl: bool = False
    """Serialize cells to JSON Lines in the worker, where the CPU time is spread over the workers."""


# -- inputs --------------------------------------------------------------------------------------------------


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Given files, folders (walked recursively) and glob patterns, return every input path, sorted and unique.

    Nothing is dropped silently: a missing path, a glob that matches nothing, a broken symlink or an unreadable
    folder is returned as is, so that parsing it yields a Failure row naming the reason. Walking a folder skips the
    scraper's side files by suffix (`SKIPPED_IN_FOLDERS`: .json, .md, images, …); name them explicitly to parse them.
    """
    found: set[str] = set()
    for item in paths:
        text = os.fspath(item)
        if not os.path.lexists(text) and GLOB_CHARS & set(text):
            matches = glob.glob(text, recursive=True)
            if not matches:
                found.add(text)
            for match in matches:
                found.update(_walk(match))
            continue
        found.update(_walk(text))
    return sorted(found)


# A folder of scraped reports usually carries the scraper's own files too (metadata, notes, link lists, images);
# walking a folder skips these by suffix. A file named explicitly, or matched by a glob, is always parsed.
SKIPPED_IN_FOLDERS = frozenset(
    {
        ".json",
        ".md",
        ".py",
        ".css",
        ".js",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".ico",
        ".yml",
        ".yaml",
        ".toml",
        ".csv",
        ".tsv",
        ".parquet",
    }
)


def _walk(path: str) -> list[str]:
    if not os.path.isdir(path):
        return [path]
    out: list[str] = []
    unreadable: list[str] = []
    for root, dirs, files in os.walk(path, onerror=lambda error: unreadable.append(str(error.filename))):
        dirs.sort()
        out.extend(
            os.path.join(root, name) for name in files if os.path.splitext(name)[1].lower() not in SKIPPED_IN_FOLDERS
        )
        # os.walk lists symlinks to folders under dirs without entering them; keep them as inputs, not skips.
        out.extend(os.path.join(root, name) for name in dirs if os.path.islink(os.path.join(root, name)))
    return out + unreadable


# -- jobs run in workers -------------------------------------------------------------------------------------


def parse_file(path: str, options: ParseOptions) -> Report:
    """Given a path and options, return its Report (exceptions propagate: the caller turns them into a Failure)."""
    from govreport_parser.pipeline import parse_report

    return parse_report(Path(path), options)


def file_records(path: str, job: RecordsJob) -> FileRecords:
    """Given a path and a RecordsJob, return the rows the CLI writes for that file."""
    from govreport_parser.frames import CELL_SCHEMA, cell_records, json_lines, report_record

    report = parse_file(path, job.options)
    cells = cell_records(report, path)
    return FileRecords(
        cells=() if job.jsonl else tuple(cells),
        cells_jsonl=json_lines(cells, CELL_SCHEMA) if job.jsonl else None,
        report=report_record(path, report),
        full_json=report.to_json() if job.full else None,
    )


# -- the engine ----------------------------------------------------------------------------------------------


def parse_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    workers: int = 1,
    options: ParseOptions | Mapping[str, Any] | None = None,
    timeout: float | None = None,
) -> Iterator[tuple[str, Report | Failure]]:
    """Given input paths, yield `(path, Report | Failure)` for each, sorted by path whatever the worker count.

    `workers=0` parses in this process (no isolation, no timeout); `workers>=1` uses that many worker processes,
    each file limited to `timeout` seconds: a file that hangs or crashes its worker becomes a Failure (`Timeout`,
    `WorkerCrashed`) and the run goes on. Options are checked before any work starts (TypeError/ValueError).
    """
    resolved = ParseOptions.resolve(options)
    return map_files(paths, parse_file, resolved, workers=workers, timeout=timeout)


def map_files(
    paths: Iterable[str | os.PathLike[str]],
    function: Callable[[str, A], T],
    argument: A,
    *,
    workers: int = 1,
    timeout: float | None = None,
    max_tasks_per_worker: int = MAX_TASKS_PER_WORKER,
) -> Iterator[tuple[str, T | Failure]]:
    """Given paths and a picklable module-level `function(path, argument)`, yield `(path, result | Failure)`.

    Paths are sorted (and de-duplicated) first; results come back in that order. At most
    `workers * WINDOW_PER_WORKER` files are in flight or buffered, so memory does not grow with the number of files.
    """
    if not isinstance(workers, int) or workers < 0:
        raise ValueError(f"workers must be an int >= 0, not {workers!r}")
    if timeout is not None and timeout <= 0:
        raise ValueError(f"timeout must be positive seconds or None, not {timeout!r}")
    ordered = sorted({os.fspath(path) for path in paths})
    if workers == 0:
        return _map_inline(ordered, function, argument)
    return _map_pool(ordered, function, argument, workers, timeout, max_tasks_per_worker)


def _map_inline(paths: list[str], function: Callable[[str, A], T], argument: A) -> Iterator[tuple[str, T | Failure]]:
    for path in paths:
        try:
            yield path, function(path, argument)
        except Exception as error:  # one bad file must not end the run; the Failure names the error
            yield path, Failure(path=path, error=type(error).__name__, message=str(error))


@dataclass(slots=True)
class _Worker(Generic[A]):
    process: Any
    conn: Connection
    task: tuple[int, str] | None = None
    started: float = 0.0
    done: int = 0


def _map_pool(
    paths: list[str],
    function: Callable[[str, A], T],
    argument: A,
    workers: int,
    timeout: float | None,
    max_tasks: int,
) -> Iterator[tuple[str, T | Failure]]:
    context = _context()
    window = workers * WINDOW_PER_WORKER
    pool: list[_Worker[A]] = []
    buffer: dict[int, T | Failure] = {}
    next_submit = next_yield = 0
    try:
        pool = [_spawn(context, function, argument) for _ in range(min(workers, len(paths)))]
        while next_yield < len(paths):
            for index, worker in enumerate(pool):
                if worker.task is None and next_submit < len(paths) and next_submit - next_yield < window:
                    if worker.done >= max_tasks or not worker.process.is_alive():
                        # Retire a worn worker; also replace one that died while idle (e.g. the OOM killer).
                        _stop(worker, kill=not worker.process.is_alive())
                        worker = pool[index] = _spawn(context, function, argument)
                    worker.task = (next_submit, paths[next_submit])
                    worker.started = time.monotonic()
                    # If the pipe broke between the liveness check and the send, _collect reports the crash.
                    with contextlib.suppress(OSError):
                        worker.conn.send(worker.task)
                    next_submit += 1
            busy = [worker for worker in pool if worker.task is not None]
            waits = [worker.started + timeout - time.monotonic() for worker in busy] if timeout else []
            handles = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = set(wait(handles, max(0.0, min(waits, default=1.0))))
            for index, worker in enumerate(pool):
                if worker.task is None:
                    continue
                task_index = worker.task[0]
                outcome = _collect(worker, ready, timeout)
                if outcome is None:
                    continue
                buffer[task_index] = outcome
                worker.task = None
                worker.done += 1
                if isinstance(outcome, Failure) and outcome.error in ("Timeout", "WorkerCrashed"):
                    _stop(worker, kill=True)
                    pool[index] = _spawn(context, function, argument)
            while next_yield in buffer:
                yield paths[next_yield], buffer.pop(next_yield)
                next_yield += 1
    finally:
        for worker in pool:
            _stop(worker, kill=worker.task is not None)


def _collect(worker: _Worker[A], ready: set[Any], timeout: float | None) -> Any:
    """Return the worker's result (or a Failure) if its task is over, else None."""
    assert worker.task is not None
    _, path = worker.task
    if worker.conn in ready or worker.conn.poll():
        try:
            data = worker.conn.recv_bytes()
        except (EOFError, OSError):
            return Failure(path=path, error="WorkerCrashed", message=_death(worker))
        try:
            _, ok, payload = pickle.loads(data)
        except Exception as error:  # a result this process cannot rebuild is this file's failure, not the run's
            return Failure(path=path, error="UnpicklingError", message=f"{type(error).__name__}: {error}")
        if ok:
            return payload
        return Failure(path=path, error=payload[0], message=payload[1])
    if worker.process.sentinel in ready:
        return Failure(path=path, error="WorkerCrashed", message=_death(worker))
    if timeout is not None and time.monotonic() - worker.started >= timeout:
        return Failure(path=path, error="Timeout", message=f"no result within {timeout:g} s; the worker was killed")
    return None


def _death(worker: _Worker[A]) -> str:
    worker.process.join(SHUTDOWN_GRACE)
    return f"the worker process died (exit code {worker.process.exitcode}) while parsing this file"


def _context() -> Any:
    # forkserver children start from a lean server process, so they neither copy the caller's heap (pandas,
    # pyarrow, threads) nor re-import it the way spawn does; spawn is the portable fallback.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["govreport_parser.batch", "govreport_parser.pipeline"])
        return context
    return multiprocessing.get_context("spawn")


def _spawn(context: Any, function: Callable[[str, A], T], argument: A) -> _Worker[A]:
    parent, child = context.Pipe(duplex=True)
    process = context.Process(target=_worker_main, args=(child, function, argument), daemon=True)
    process.start()
    child.close()
    return _Worker(process=process, conn=parent)


def _stop(worker: _Worker[A], *, kill: bool = False) -> None:
    if worker.conn.closed:
        return  # already stopped (a crash was handled and its replacement failed to start)
    if not kill:
        try:
            worker.conn.send(None)
        except (BrokenPipeError, OSError):
            kill = True
    if not kill:
        worker.process.join(SHUTDOWN_GRACE)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(SHUTDOWN_GRACE)
    worker.conn.close()
    worker.process.close()


def _worker_main(conn: Connection, function: Callable[[str, A], T], argument: A) -> None:
    # The parent owns Ctrl-C: it stops the workers itself, and a worker's own traceback would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, path = task
        try:
            message: tuple[Any, ...] = (index, True, function(path, argument))
        except Exception as error:  # reported to the parent as this file's Failure
            message = (index, False, (type(error).__name__, str(error)))
        try:
            data = _dumps(message)
        except Exception as error:  # an unpicklable result is this file's failure, not the worker's
            data = _dumps((index, False, ("PicklingError", str(error))))
        conn.send_bytes(data)


def _dumps(value: Any) -> bytes:
    # Reports hold MappingProxyType (tables, diagnostic context), which plain pickle refuses; rebuild them from
    # dicts without touching the process-wide copyreg table.
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}
    pickler.dump(value)
    return buffer.getvalue()


def _reduce_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _proxy, (dict(proxy),)


def _proxy(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


__all__ = [
    "Failure",
    "FileRecords",
    "RecordsJob",
    "expand_paths",
    "file_records",
    "map_files",
    "parse_file",
    "parse_many",
]
