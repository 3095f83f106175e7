"""Many documents at once: a pool of worker processes, one document per task, a time limit
per document, and results given back in input order.

A worker that runs past the time limit, or dies (a crash in a C library, the machine's
memory killer), is replaced and its document reported as failed; the others go on. Workers
are recycled after a number of documents so that memory stays flat over a long archive.
Nothing here imports Typer or rich.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .errors import ExitCode, IlacsError
from .models import Report

#: documents a worker handles before it is replaced (keeps memory flat)
MAX_TASKS_PER_WORKER = 40
#: How long to wait for a worker whose pipe has closed to be reaped, for its exit code.
_REAP_SECONDS = 5.0


@dataclass
class Outcome:
    """What became of one input: a report, or the failure's exit code and reason."""

    index: int
    path: str
    report: Report | None = None
    code: int = 0
    reason: str | None = None
    cached: bool = False
    seconds: float = 0.0
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None

    @property
    def pages(self) -> int:
        return self.report.source.pages if self.report else 0


@dataclass
class _Task:
    index: int
    path: str
    data: bytes | None = None


@contextmanager
def library_warnings() -> Iterator[list[str]]:
    """The warnings pdfplumber logs while a document is read ("Metadata key ... could not
    be parsed"), collected as one-line texts instead of reaching stderr raw (Python's
    last-resort handler prints a record that no handler takes)."""
    import logging

    caught: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = re.sub(r"^\[WARNING\]\s*", "", record.getMessage()).strip()
            if text and text not in caught:
                caught.append(text)

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("pdfplumber")
    logger.addHandler(handler)
    try:
        yield caught
    finally:
        logger.removeHandler(handler)


def extract_one(path: str, data: bytes | None, options: dict[str, Any]) -> Outcome:
    """Extract in this process, turning every failure into an :class:`Outcome`; what
    pdfplumber logs becomes the report's warnings."""
    from .extract import extract

    started = time.perf_counter()
    try:
        with library_warnings() as logged:
            report = extract(path, data=data, **options)
        if logged:
            report = report.model_copy(update={"warnings": [*report.warnings, *logged]})
        return Outcome(0, path, report=report, seconds=time.perf_counter() - started)
    except IlacsError as exc:
        return Outcome(0, exc.path or path, code=int(exc.exit_code), reason=exc.reason)
    except Exception as exc:  # a bug in ilacs: keep it apart from "not a report"
        import traceback

        return Outcome(
            0,
            path,
            code=int(ExitCode.INTERNAL),
            reason=f"internal error ({type(exc).__name__}: {exc}); rerun with --debug",
            traceback=traceback.format_exc(),
        )


def _worker(conn: Connection, options: dict[str, Any], parent: Connection | None = None) -> None:
    """A worker's loop: receive a task, send back its outcome, until told to stop."""
    if parent is not None:
        # the parent's end, inherited by the fork: closed, so that a parent killed with
        # SIGKILL gives this worker end-of-file and it exits instead of waiting for ever
        parent.close()
    for _ in range(MAX_TASKS_PER_WORKER):
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        outcome = extract_one(task.path, task.data, options)
        outcome.index = task.index
        conn.send(outcome)
    conn.send("recycle")


@dataclass
class _Slot:
    """One worker process and the task it is working on."""

    process: Any
    conn: Connection
    task: _Task | None = None
    started: float = 0.0
    done: int = 0


@dataclass
class Batch:
    """Extract ``paths`` with ``jobs`` workers, ``timeout`` seconds per document (0: none).

    ``cached(sha256)`` may return a stored report for a document already extracted by this
    parser version; it is used instead of parsing (``pages`` counts still come from it).
    """

    paths: list[str]
    jobs: int = 1
    timeout: float = 120.0
    options: dict[str, Any] = field(default_factory=dict)
    cached: Callable[[str], Report | None] | None = None
    #: stdin's bytes when a path is ``-``, or the error reading it gave (too large)
    stdin: bytes | IlacsError | None = None

    def __iter__(self) -> Iterator[Outcome]:
        """Outcomes in input order, each as soon as it and those before it are done."""
        ready: dict[int, Outcome] = {}
        following = 0
        for outcome in self._unordered():
            ready[outcome.index] = outcome
            while following in ready:
                yield ready.pop(following)
                following += 1

    # -- scheduling ---------------------------------------------------------------------------

    def _tasks(self) -> Iterator[_Task | Outcome]:
        for index, path in enumerate(self.paths):
            if path == "-" and isinstance(self.stdin, IlacsError):
                error = self.stdin
                yield Outcome(index, "<stdin>", code=int(error.exit_code), reason=error.reason)
                continue
            data = self.stdin if path == "-" and isinstance(self.stdin, bytes) else None
            if self.cached is not None:
                hit = self._from_cache(index, path, data)
                if hit is not None:
                    yield hit
                    continue
            yield _Task(index, "<stdin>" if path == "-" else path, data)

    def _from_cache(self, index: int, path: str, data: bytes | None) -> Outcome | None:
        from .reading import read_input

        try:
            # regular files only, bounded: a pipe or /dev/zero must not hang this process,
            # which reads outside any worker's time limit
            raw = data if data is not None else read_input(path)
        except IlacsError:
            return None  # the extractor says why, in its own words
        report = self.cached(hashlib.sha256(raw).hexdigest()) if self.cached else None
        if report is None:
            return None
        report = report.model_copy(
            update={"source": report.source.model_copy(update={"path": str(path)})}
        )
        return Outcome(index, path, report=report, cached=True)

    def _unordered(self) -> Iterator[Outcome]:
        if self.jobs <= 1 and not self.timeout:
            for item in self._tasks():
                if isinstance(item, Outcome):
                    yield item
                    continue
                outcome = extract_one(item.path, item.data, self.options)
                outcome.index = item.index
                yield outcome
            return
        yield from self._pooled()

    def _pooled(self) -> Iterator[Outcome]:
        ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
        slots: list[_Slot] = []
        pending = self._tasks()
        exhausted = False

        def start() -> _Slot:
            parent, child = ctx.Pipe()
            process = ctx.Process(target=_worker, args=(child, self.options, parent), daemon=True)
            process.start()
            child.close()
            return _Slot(process, parent)

        def retire(slot: _Slot, kill: bool = False) -> None:
            if kill:
                slot.process.kill()
            else:
                try:
                    slot.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
            slot.process.join(timeout=5)
            slot.conn.close()
            slots.remove(slot)

        try:
            while True:
                # give every idle worker a task (starting workers as needed)
                while not exhausted:
                    idle = next((s for s in slots if s.task is None), None)
                    if idle is None and len(slots) >= max(1, self.jobs):
                        break
                    item = next(pending, None)
                    if item is None:
                        exhausted = True
                        break
                    if isinstance(item, Outcome):
                        yield item
                        continue
                    slot = idle or start()
                    if idle is None:
                        slots.append(slot)
                    slot.task, slot.started = item, time.monotonic()
                    slot.conn.send(item)
                busy = [s for s in slots if s.task is not None]
                if not busy:
                    if exhausted:
                        return
                    continue
                wait_for = None
                if self.timeout:
                    now = time.monotonic()
                    wait_for = max(0.0, min(s.started + self.timeout - now for s in busy))
                for conn in wait([s.conn for s in busy], timeout=wait_for):
                    slot = next(s for s in busy if s.conn is conn)
                    task = slot.task
                    assert task is not None
                    try:
                        message = conn.recv()
                    except (EOFError, OSError):
                        # the pipe closes a moment before the dead process is reaped: wait
                        # for it, briefly, so its exit code is known
                        slot.process.join(timeout=_REAP_SECONDS)
                        code = slot.process.exitcode
                        retire(slot, kill=True)
                        how = f" (exit code {code})" if code is not None else ""
                        yield Outcome(
                            task.index,
                            task.path,
                            code=int(ExitCode.INTERNAL),
                            reason=f"the worker process died{how} while reading it",
                        )
                        continue
                    slot.task = None
                    if message == "recycle":  # pragma: no cover - sent after the last task
                        retire(slot)
                        continue
                    yield message
                    slot.done += 1
                    if slot.done >= MAX_TASKS_PER_WORKER:
                        # the worker sends "recycle" and exits: replace it now
                        try:
                            conn.recv()
                        except (EOFError, OSError):
                            pass
                        retire(slot)
                if self.timeout:
                    now = time.monotonic()
                    for slot in [s for s in slots if s.task and now - s.started >= self.timeout]:
                        task = slot.task
                        assert task is not None
                        retire(slot, kill=True)
                        yield Outcome(
                            task.index,
                            task.path,
                            code=int(ExitCode.UNREADABLE),
                            reason=f"timed out after {self.timeout:g} s (--timeout)",
                        )
        finally:
            for slot in list(slots):
                retire(slot, kill=slot.task is not None)
