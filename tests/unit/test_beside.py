"""beside.py: jobs made in a forked process come back in order, their errors raised here, and
a child still at work when its block is left is stopped."""

from __future__ import annotations

import os
import time

import pytest

from mediation.reporting import beside


class Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(a)
        self.b = b

    def __reduce__(self) -> str | tuple[object, ...]:
        return (Unpicklable, (str(self),))  # comes back without b: a TypeError on loading


@pytest.mark.parametrize("fork", [True, False])
def test_results_in_order(fork: bool) -> None:
    with beside.start([lambda: b"one", lambda: b"two" * 100_000], fork=fork) as side:
        assert side.results() == [b"one", b"two" * 100_000]


def test_the_child_works_in_another_process() -> None:
    parent = os.getpid()
    with beside.start([lambda: str(os.getpid()).encode()], fork=True) as side:
        assert int(side.results()[0]) != parent


@pytest.mark.parametrize("fork", [True, False])
def test_an_error_is_raised_in_the_caller(fork: bool) -> None:
    def boom() -> bytes:
        raise KeyError("missing")

    with beside.start([lambda: b"ok", boom], fork=fork) as side, \
            pytest.raises(KeyError, match="missing"):
        side.results()


def test_an_error_that_cannot_travel_comes_as_its_text() -> None:
    def boom() -> bytes:
        raise Unpicklable("odd", "b")

    with beside.start([boom], fork=True) as side, pytest.raises(RuntimeError, match="odd"):
        side.results()


def test_a_child_that_dies_is_an_error() -> None:
    def die() -> bytes:
        os._exit(3)

    with beside.start([die], fork=True) as side, \
            pytest.raises(RuntimeError, match="without its results"):
        side.results()


def test_leaving_the_block_stops_the_child() -> None:
    def slow() -> bytes:
        time.sleep(30)
        return b""

    t = time.perf_counter()
    with beside.start([slow], fork=True) as side:
        pid = side.pid
    assert time.perf_counter() - t < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left
