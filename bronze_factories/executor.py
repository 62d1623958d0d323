"""The one way work units run in parallel: a ``concurrent.futures.Executor``, local or Dask.

Every parallel run (populate into PostgreSQL, SQLite or files, and ``engine.generate``) maps its
units through :class:`UnitRunner`, which adds to any standard executor the three things a run needs
and that are written only here:

* a **barrier** between unit groups (all customers before any day...), so a partial load never
  shows children whose parents are missing;
* a **bound on units in flight** (two per slot), so a slow consumer holds the workers back instead
  of letting generated chunks pile up in memory;
* **lost workers** become one :class:`WorkerLost` error instead of a hang: a local worker killed
  by the OOM killer breaks ``ProcessPoolExecutor`` (``BrokenProcessPool``), which we report; a Dask
  worker that dies has its tasks re-run elsewhere by the scheduler, and only a task that kills
  workers repeatedly (``KilledWorker``) is reported. Either way every unit is written whole or not
  at all by its sink, so a rerun resumes.

The executors: :class:`InlineExecutor` (one worker: the calling process itself, no pickling), a
local ``ProcessPoolExecutor`` (forked where the platform allows, so workers inherit whatever the
parent prepared, such as the simulation), and a Dask ``distributed.Client`` when the user names a
cluster (``local`` starts a ``LocalCluster``). This module knows nothing of the engine, the loaders
or the command line: tasks are plain picklable callables.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

#: Units in flight per slot: one computing, one waiting for the consumer.
IN_FLIGHT_PER_SLOT = 2


class ExecutorError(RuntimeError):
    """The run's workers cannot be had or were lost (exit status 1); the message says what to do."""


class WorkerLost(ExecutorError):
    """A worker process died (killed, out of memory) or the cluster went away."""


class InlineExecutor(cf.Executor):
    """Runs each call at submission, in the calling process: ``--workers 1`` without a pool."""

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:  # type: ignore[override]
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # KeyboardInterrupt and SystemExit propagate at once
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True


def _watch_parent(parent: int) -> None:
    # A worker whose parent was killed (SIGKILL, OOM) must not linger holding connections and memory:
    # it stops at once; its unit in hand is rolled back (a transaction) or never made visible (a file).
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _init_local_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides (it stops the pool).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def local_pool(workers: int) -> cf.ProcessPoolExecutor:
    """``workers`` processes, forked where available: they inherit the parent's prepared state."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                  initializer=_init_local_worker, initargs=(os.getpid(),))


def _lost_message(exc: BaseException, where: str) -> str | None:
    name = type(exc).__name__
    if isinstance(exc, cf.process.BrokenProcessPool):
        return ("a worker process died (killed, or out of memory); its work unit was not kept. Run the same "
                "command again to resume (fewer --workers or a smaller --batch-size need less memory)")
    if name == "KilledWorker":
        return (f"work unit tasks kept killing the Dask workers of {where} (out of memory?); the units "
                "loaded so far are kept: run the same command again to resume")
    if name in ("CommClosedError", "CancelledError", "FutureCancelledError") or (
            name == "OSError" and "Timed out" in str(exc)):
        return f"lost the connection to the Dask scheduler {where}; run the same command again to resume"
    return None


class UnitRunner:
    """An executor plus the barrier, the in-flight bound and lost-worker handling of a run.

    Use as a context manager: leaving it with an exception (an error, Ctrl-C) cancels the pending
    units and stops local worker processes at once, so nothing keeps running after the run ends.
    """

    def __init__(self, executor: cf.Executor, slots: int, kind: str, where: str = "",
                 closers: Iterable[Callable[[], None]] = ()) -> None:
        self.executor = executor
        #: Units that compute at once (worker processes, or Dask worker threads).
        self.slots = max(1, slots)
        #: ``"inline"``, ``"local"`` or ``"dask"``.
        self.kind = kind
        self.where = where
        self._closers = list(closers)
        self._pending: set[cf.Future] = set()

    @property
    def in_flight(self) -> int:
        return IN_FLIGHT_PER_SLOT * self.slots

    def _lost(self, exc: BaseException) -> BaseException:
        message = _lost_message(exc, self.where)
        return exc if message is None else WorkerLost(message)

    def _submit(self, fn: Callable[[Any], Any], item: Any) -> cf.Future:
        try:  # a broken local pool refuses new work at once
            return self.executor.submit(fn, item)
        except BaseException as exc:
            lost = self._lost(exc)
            if lost is exc:
                raise
            raise lost from None

    def _result(self, future: cf.Future) -> Any:
        try:
            return future.result()
        except BaseException as exc:
            lost = self._lost(exc)
            if lost is exc:
                raise
            raise lost from None

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any], ordered: bool = False) -> Iterator[Any]:
        """``fn(item)`` for every item, at most :attr:`in_flight` submitted and not yet consumed.

        Ordered: results come in the items' order (a file written by one writer stays the same bytes
        whatever the workers); unordered: as they complete.
        """
        window: deque[cf.Future] = deque()
        for item in items:
            future = self._submit(fn, item)
            window.append(future)
            self._pending.add(future)
            while len(window) >= self.in_flight:
                yield self._take(window, ordered)
        while window:
            yield self._take(window, ordered)

    def _take(self, window: deque[cf.Future], ordered: bool) -> Any:
        if ordered:
            future = window.popleft()
        else:
            done, _ = cf.wait(window, return_when=cf.FIRST_COMPLETED)
            future = next(f for f in window if f in done)
            window.remove(future)
        self._pending.discard(future)
        return self._result(future)

    def map_groups(self, fn: Callable[[Any], Any], groups: Iterable[Iterable[Any]], ordered: bool = False
                   ) -> Iterator[Any]:
        """:meth:`map` over each group in turn: no item of a group starts before the previous group is done."""
        for group in groups:
            yield from self.map(fn, group, ordered)

    # -- ending ---------------------------------------------------------------------------------------
    def __enter__(self) -> UnitRunner:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close(cancel=exc_type is not None)

    def close(self, cancel: bool = False) -> None:
        """Stop the executor; with ``cancel`` (an error or an interrupt) drop the pending units at once."""
        try:
            if cancel:
                for future in self._pending:
                    future.cancel()
                if isinstance(self.executor, cf.ProcessPoolExecutor):
                    _stop_local_workers(self.executor)
            if self.kind == "dask":  # distributed's ClientExecutor: no cancel_futures; wait=False cancels
                self.executor.shutdown(wait=not cancel)
            else:
                self.executor.shutdown(wait=not cancel, cancel_futures=cancel)
        finally:
            self._pending.clear()
            for closer in self._closers:
                try:
                    closer()
                except Exception:  # a cluster that fails to stop must not hide the run's own error
                    pass


def _stop_local_workers(pool: cf.ProcessPoolExecutor) -> None:
    # Drop the units not started and let the ones in hand finish (at most two per worker): killing a
    # worker while it sends its result leaves half a message in the pool's result pipe, whose write
    # end the parent holds too, so the pool's manager thread (joined at interpreter exit) would wait
    # for the rest forever. Workers ignore SIGINT, and a unit whose worker is gone is never kept.
    pool.shutdown(wait=True, cancel_futures=True)


def open_runner(workers: int, dask: str | None = None) -> UnitRunner:
    """The executor of a run: inline for one worker, a local process pool, or a Dask cluster.

    ``dask`` is ``None`` (local), ``"local"`` (a ``LocalCluster`` of ``workers`` single-threaded
    processes) or a scheduler address (``tcp://host:8786``). Prepare whatever local workers should
    inherit *before* the first submission: that is when the pool forks.
    """
    if dask is None:
        if workers <= 1:
            return UnitRunner(InlineExecutor(), 1, "inline")
        return UnitRunner(local_pool(workers), workers, "local")
    return _dask_runner(workers, dask)


def _dask_runner(workers: int, address: str) -> UnitRunner:
    try:
        import distributed
    except ImportError:
        raise ExecutorError("--dask needs Dask's distributed scheduler: pip install 'bronze-factories[dask]'") from None
    closers: list[Callable[[], None]] = []
    if address == "local":
        import warnings

        with warnings.catch_warnings():  # no dashboard, and no port warnings on the user's terminal
            warnings.simplefilter("ignore")
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               dashboard_address=None, scheduler_kwargs={"dashboard": False},
                                               silence_logs=50)
        client = distributed.Client(cluster)
        closers += [client.close, cluster.close]
        where = "the local Dask cluster"
    else:
        where = f"at {address}"
        try:
            client = distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler {where}: {str(exc).splitlines()[0]}; "
                             "check the address and that the scheduler is running") from None
        closers.append(client.close)
    slots = sum(client.nthreads().values())
    if slots == 0:
        for closer in closers:
            closer()
        raise ExecutorError(f"the Dask scheduler {where} has no workers; start some (dask worker {address})")
    # pure=False: a unit is submitted once per run; never served from another run's results.
    return UnitRunner(client.get_executor(pure=False), slots, "dask", where, closers)


def dask_client(runner: UnitRunner) -> Any:
    """The ``distributed.Client`` behind a Dask runner (for semaphores and the like)."""
    return runner.executor._client  # type: ignore[attr-defined]
