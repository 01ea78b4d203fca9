"""Two cores for a large council: independent jobs shared between this process and one forked child.

Rendering a large council's site is CPU-bound Python, and the machines councils build on have
a few cores. The child is forked, so it shares the computed frames copy-on-write and nothing
is pickled on the way in; both processes take the next job from one shared counter, so the
work balances itself whatever each job costs. Results come back in job order, so the output
is the same bytes whichever process made it.

Forking is only safe in a single-threaded process (a lock held by another thread at the fork
stays locked in the child), so with other threads running — ``perfsite serve``, a test runner
with a browser — everything runs here instead. The child dies with its parent: a killed build
leaves no process writing behind it.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any

#: from this many measures a council's build is shared between two processes: below it,
#: forking costs more than it saves
LARGE_COUNCIL_MEASURES = 150
PIPE_BYTES = 1 << 20  # Linux's limit for a process without privileges (/proc/sys/fs/pipe-max-size)


class SecondProcessFailed(RuntimeError):
    """A job failed in the forked process and its exception could not be carried back whole."""


def can_fork() -> bool:
    """True when a second process can help: two cores or more, fork available, one thread."""
    return (os.cpu_count() or 1) >= 2 and "fork" in mp.get_all_start_methods() and single_threaded()


def single_threaded() -> bool:
    """Forking is safe only when no other thread may hold a lock the child would need."""
    return threading.active_count() == 1


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this (child) process when its parent dies; elsewhere a no-op."""
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def fork(work: Callable[..., Any], streamed: bool = False) -> Callable[[], Any]:
    """Run ``work()`` in a forked child now; returns a function that waits for its result.

    The result (or the exception) comes back pickled through a pipe. With ``streamed``, ``work``
    is called with a ``send`` function whose items reach this process as the child sends them
    (read by a thread here), so neither process holds them all twice; the waiting function then
    returns ``(items, result)``. Call it exactly once; :func:`cancel` stops a child whose result
    is no longer wanted."""
    read_end, write_end = os.pipe()
    if streamed:
        _widen(write_end)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 1
        try:
            os.close(read_end)
            die_with_parent(parent)
            with os.fdopen(write_end, "wb") as out:

                def send(item: Any) -> None:
                    pickle.dump(("item", item), out, protocol=pickle.HIGHEST_PROTOCOL)

                try:
                    value, failure = (work(send) if streamed else work()), None
                except BaseException as exc:  # carried back to the parent, which raises it
                    value, failure = None, exc
                if failure is None:
                    # written into the pipe as it is pickled: never held twice in memory
                    pickle.dump(("ok", value), out, protocol=pickle.HIGHEST_PROTOCOL)
                else:
                    out.write(_pickled_error(failure))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    items: list = []
    final: list = []

    def drain() -> None:
        # read as it arrives, straight into each result, never into one buffer first. Streamed,
        # through a 1 MiB buffer: each read of the pipe lets go of this process's lock (the GIL)
        # and may wait to get it back, so each takes all that is waiting, not a pickle frame
        with os.fdopen(read_end, "rb", buffering=PIPE_BYTES if streamed else -1) as incoming:
            try:
                while True:
                    kind, value = pickle.load(incoming)
                    if kind != "item":
                        final.append((kind, value))
                        return
                    items.append(value)
            except (EOFError, pickle.UnpicklingError) as exc:
                final.append(("broken", exc))

    reader = threading.Thread(target=drain, daemon=True) if streamed else None
    if reader is not None:
        reader.start()

    def result() -> Any:
        try:
            if reader is not None:
                reader.join()
            else:
                drain()
        finally:
            _, code = os.waitpid(pid, 0)
        kind, value = final[0]
        if kind == "broken":
            raise SecondProcessFailed(
                f"the second process ended without a whole result (wait status {code}): {value}"
            )
        if kind == "ok":
            return (items, value) if streamed else value
        raise value

    result.pid = pid  # type: ignore[attr-defined]
    return result


def _widen(pipe: int) -> None:
    """A pipe of 1 MiB rather than 64 KiB, where Linux allows it, so the second process writes
    on while the reader here waits for this process's lock. Through a 64 KiB pipe, read a pickle
    at a time, the second process made a sixth to a quarter of a large council's pages, not half:
    it was waiting to write."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def cancel(result: Callable[[], Any]) -> None:
    """Stop a forked child whose result is no longer wanted, and reap it."""
    pid = getattr(result, "pid", None)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(BaseException):  # killed on purpose: its missing result is expected
        result()


def _pickled_error(exc: BaseException) -> bytes:
    try:
        return pickle.dumps(("error", exc))
    except Exception:  # an exception holding something unpicklable: keep its traceback as text
        text = "".join(traceback.format_exception(exc))
        return pickle.dumps(("error", SecondProcessFailed(text)))


def side_by_side(here: Callable[[], Any], there: Callable[[], Any], parallel: bool = True) -> tuple[Any, Any]:
    """``(here(), there())``; with ``parallel`` (and :func:`can_fork`), ``there`` runs in a second
    process while ``here`` runs in this one, which keeps whatever ``here`` leaves behind."""
    if not parallel or not can_fork():
        return here(), there()
    theirs = fork(there)
    try:
        mine = here()
    except BaseException:
        cancel(theirs)
        raise
    return mine, theirs()


class Claims:
    """Items 0…n-1 shared out between this process and a forked child as they are reached.

    This process walks through the items in order and takes each one the child has not taken
    yet (:meth:`claim`); the child takes the next free item whenever it is ready (:meth:`take`).
    Whichever process is faster takes more, so both finish together whatever each item costs
    and however busy the machine is. The first item is the child's, so it always has work."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._next = mp.RawValue("i", 1 if count else 0)  # item 0 is the child's
        self._lock = mp.Lock()
        self._first = count > 0  # in the child's copy: item 0 not yet given out

    def take(self) -> int | None:
        """The next free item for the child (item 0 first), or None when none is left."""
        if self._first:
            self._first = False
            return 0
        with self._lock:
            index = self._next.value
            if index >= self.count:
                return None
            self._next.value = index + 1
        return index

    def claim(self, index: int) -> bool:
        """Whether this process takes ``index``, reached in order: only if the child has not."""
        with self._lock:
            if self._next.value != index:
                return False
            self._next.value = index + 1
            return True

    def stop(self) -> None:
        """Take everything left, so the other process takes nothing more (a build has failed)."""
        with self._lock:
            self._next.value = self.count


def run_jobs(jobs: Sequence[Callable[[], Any]], parallel: bool = True) -> list[Any]:
    """Every job's result, in job order; with ``parallel`` (and :func:`can_fork`), on two processes.

    Jobs must not depend on each other. Put the costly ones first: each process takes the
    next job as soon as it finishes one, so the last jobs even out the finish."""
    if not parallel or len(jobs) < 2 or not can_fork():
        return [job() for job in jobs]
    counter = mp.RawValue("i", 0)
    lock = mp.Lock()

    def take() -> int:
        with lock:
            index = counter.value
            counter.value = index + 1
        return index

    def share(keep: Callable[[int, Any], None]) -> None:
        """Take jobs until none is left, handing each result to ``keep``."""
        try:
            while (index := take()) < len(jobs):
                keep(index, jobs[index]())
        except BaseException:
            with lock:  # the build has failed: the other process takes no more jobs
                counter.value = len(jobs)
            raise

    # the child sends each result here as soon as it is made, so it keeps none of them
    theirs = fork(lambda send: share(lambda index, result: send((index, result))), streamed=True)
    mine: dict[int, Any] = {}
    try:
        share(mine.__setitem__)
    except BaseException:
        cancel(theirs)
        raise
    sent, _ = theirs()
    done = {**mine, **dict(sent)}
    return [done[index] for index in range(len(jobs))]
