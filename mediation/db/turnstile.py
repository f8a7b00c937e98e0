"""SQLite: the writers' turnstile, a lock on a side file that each write transaction takes just
before ``BEGIN IMMEDIATE`` and leaves at its end (issue 18, many terminals at once).

A terminal that asks for SQLite's write lock while another holds it is made to wait by SQLite's
busy handler, which sleeps 1, 2, 5, 10 ... ms between its tries whatever the holder needs: a
lock held for 0.3 ms was taken by the waiting terminal after 1.2 ms, and with four terminals
the lock sat free most of the time while they slept. Waiting on the turnstile instead
(``flock``) the kernel wakes a waiter the moment the holder leaves it; SQLite's lock is then
free (the holder has committed or rolled back), so ``BEGIN IMMEDIATE`` takes it at once.

- The side file is ``DATABASE-writer`` beside the database (created owner-only, or group-
  readable in a shared group directory, as every file of ours: ``core.files``). It holds no
  data; SQLite never locks it, so opening and closing it cannot drop SQLite's own locks.
- It only queues our writers: SQLite's lock stays the lock. A writer that does not take the
  turnstile (another program, the ``sqlite3`` shell) is waited for by SQLite's busy handler as
  before; where the side file cannot be made or opened (a read-only folder) there is no
  turnstile and SQLite's lock alone serialises the writes.
- The wait is bounded by the same timeout as SQLite's (``engines.BUSY_TIMEOUT_MS``): past it the
  write fails as "database is locked" does, one clean "busy" line (exit 3). In the main thread
  the wait blocks (an interval timer interrupts it at the timeout); in another thread, or when
  the process uses the interval timer itself, the turnstile is tried at short intervals.
- A forked child opens the side file again: an inherited descriptor shares its parent's lock.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

try:
    import fcntl
    import signal
except ImportError:  # not on a POSIX system: no turnstile, SQLite's lock alone
    fcntl = None  # type: ignore[assignment]

SUFFIX = "-writer"
# How long a waiter that cannot block (not the main thread) sleeps between its tries, at first
# and at most.
FIRST_PAUSE, LONGEST_PAUSE = 0.0001, 0.002


class TimedOut(Exception):
    """The turnstile was not free within the timeout."""


class Turnstile:
    """The turnstile of one database file, in this process. :meth:`enter` and :meth:`leave`
    are counted: connections of this process share its one lock."""

    def __init__(self, database: str) -> None:
        self.path = Path(database + SUFFIX)
        self._pid = -1
        self._fd: int | None = None
        self._count = 0
        self._mutex = threading.Lock()

    def _descriptor(self) -> int | None:
        if self._pid != os.getpid():  # first use, or a forked child: a descriptor of its own
            self._pid, self._fd, self._count = os.getpid(), _open(self.path), 0
        return self._fd

    def enter(self, timeout: float) -> bool:
        """Pass the turnstile (wait at most ``timeout`` seconds, else :class:`TimedOut`);
        False when there is none (it could not be opened)."""
        with self._mutex:
            fd = self._descriptor()
            if fd is None:
                return False
            if self._count == 0 and not _try(fd) and not _wait(fd, timeout):
                raise TimedOut
            self._count += 1
            return True

    def leave(self) -> None:
        with self._mutex:
            if self._pid != os.getpid() or self._count == 0 or self._fd is None:
                return
            self._count -= 1
            if self._count == 0:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._mutex:
            if self._fd is not None and self._pid == os.getpid():
                os.close(self._fd)
            self._fd, self._pid, self._count = None, -1, 0


def _open(path: Path) -> int | None:
    if fcntl is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(2):
        try:
            return os.open(path, flags)
        except FileNotFoundError:
            pass
        except OSError:
            return None
        from mediation.core import files
        from mediation.core.errors import InvalidInput

        try:
            return files.create(path)
        except InvalidInput:  # made meanwhile by another terminal (or a link there): open it
            continue
        except OSError:
            return None
    return None


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait(fd: int, timeout: float) -> bool:
    """Wait for the turnstile; whether it was taken within ``timeout`` seconds."""
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0):
        return _blocking(fd, timeout)
    deadline, pause = time.monotonic() + timeout, FIRST_PAUSE
    while time.monotonic() < deadline:
        time.sleep(pause)
        if _try(fd):
            return True
        pause = min(pause * 2, LONGEST_PAUSE)
    return False


class _Alarm(Exception):
    pass


def _blocking(fd: int, timeout: float) -> bool:
    waiting = [True]

    def alarm(_signum: int, _frame: Any) -> None:
        if waiting[0]:  # at most once, and never after the wait ended
            waiting[0] = False
            raise _Alarm

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, max(timeout, 0.001))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            waiting[0] = False
            return True
        except _Alarm:  # the timeout; or the alarm came just as the lock was taken: try once
            return _try(fd)
    finally:
        waiting[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
