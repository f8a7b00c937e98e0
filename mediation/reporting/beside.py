"""Work done in a forked process beside the nightly export's CSV streaming (issue 18).

The export's figures and the files made from them (stats.json, the sheet, the chart) take
about 0.8 s of CPU at 20,000 cases, most of it importing openpyxl and matplotlib and the same
at any size, while streaming the CSVs is the database's and the csv module's work in this
process. With a second core the two run at the same time; the files are the same bytes as made
in this process (the same functions, called in a copy of it). Without ``os.fork`` or with one
core, the jobs run here when their results are asked for.

The child never touches the parent's database connections (a job that reads opens its own:
export._figures_beside), writes nothing to the terminal (its stdout and stderr go to
/dev/null: a progress bar's thread may hold their locks at the fork), sends its results (or its
exception) back through a pipe and leaves by ``os._exit``. If the parent stops first (an error,
a kill), the child is killed with it or gets a broken pipe.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, NoReturn

Job = Callable[[], Any]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def forks() -> bool:
    """Whether :func:`start` forks: ``os.fork`` exists and this process may run on two cores."""
    return hasattr(os, "fork") and _cores() > 1


def start(jobs: Sequence[Job], *, fork: bool | None = None) -> Beside:
    """Start ``jobs`` beside the caller: in a forked process when it can run on another core
    (``fork``: force either way, for tests)."""
    return Beside(jobs, forks() if fork is None else fork)


class Beside:
    """The jobs under way; :meth:`results` waits for them, leaving the ``with`` block stops
    them."""

    def __init__(self, jobs: Sequence[Job], fork: bool) -> None:
        self.jobs = list(jobs)
        self.pid = 0
        self.fd = -1
        if fork:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                _child(self.jobs, write)
            os.close(write)
            self.pid, self.fd = pid, read

    def results(self) -> list[Any]:
        """Each job's result (picklable), in order; a job's exception is raised here."""
        if self.fd < 0:
            return [job() for job in self.jobs]
        with os.fdopen(self.fd, "rb") as fh:
            self.fd = -1
            data = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            kind, value = pickle.loads(data)
        except Exception:
            raise RuntimeError("the export's chart and sheet process ended without its "
                               f"results (wait status {status})") from None
        if kind == "error":
            raise value
        return list(value)

    def close(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - already gone
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _child(jobs: list[Job], fd: int) -> NoReturn:  # pragma: no cover - runs in the child
    code = 0
    try:
        sys.stdout = sys.stderr = open(os.devnull, "w")
        payload: tuple[str, object]
        try:
            payload = ("ok", [job() for job in jobs])
        except BaseException as exc:
            payload = ("error", exc)
        try:
            data = pickle.dumps(payload)
            if payload[0] == "error":  # one that does not come back whole comes as its text
                pickle.loads(data)
        except Exception:
            data = pickle.dumps(("error", RuntimeError(repr(payload[1]))))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        code = 1
    finally:
        os._exit(code)
