"""``python -m bronze_factories.populate`` / ``bronze-populate``: fill the bronze tables with one dataset.

This module only maps outcomes to exit statuses: usage errors 2, runtime errors 1, each as one
line on stderr without a traceback (``--debug`` shows it). The work is in
:mod:`.options`, :mod:`.target`, :mod:`.load` and :mod:`.run`.

SIGTERM (what ``timeout``, docker and systemd send) is treated like Ctrl-C: the run stops where
it is, removes its partial files, and exits 128 + the signal number with one line. Whatever a
library makes of the interrupt on its way up (a driver error, a failed cleanup), the status and
the message stay those of the interrupt.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

PROG = "bronze-populate"
INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


class _Interrupts:
    """The first interrupting signal this run received (``None`` until then)."""

    signum: int | None = None


@contextmanager
def _interruptible() -> Iterator[type[_Interrupts]]:
    """SIGINT and SIGTERM raise ``KeyboardInterrupt`` in this process (once; later ones are only noted,
    so that the cleanup they interrupt still completes). Forked worker processes inherit the handler:
    there SIGTERM (the pool's terminate) keeps its default action, and SIGINT its usual exception."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield _Interrupts
        return
    _Interrupts.signum = None
    owner = os.getpid()

    def handler(signum: int, _frame: FrameType | None) -> None:
        if os.getpid() != owner:
            if signum == signal.SIGINT:
                raise KeyboardInterrupt
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if _Interrupts.signum is None:
            _Interrupts.signum = signum
            raise KeyboardInterrupt

    previous = {s: signal.signal(s, handler) for s in INTERRUPTS}
    try:
        yield _Interrupts
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _interrupted(signum: int | None) -> int:
    name = signal.Signals(signum).name if signum is not None else "SIGINT"
    print(f"{PROG}: interrupted ({name}); run the same command again to resume (loaded work units are kept, "
          "partial files removed)", file=sys.stderr)
    return 128 + (signum or signal.SIGINT)


def _debug_requested(argv: Sequence[str]) -> bool:
    return "--debug" in argv or os.environ.get("BRONZE_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from .options import parse

    args = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(args)
    with _interruptible() as interrupts:
        try:
            from .run import populate

            return populate(parse(args))
        except BaseException as exc:
            if interrupts.signum is not None and not isinstance(exc, SystemExit):
                return _interrupted(interrupts.signum)
            return _failed(exc, debug)


def _failed(exc: BaseException, debug: bool) -> int:
    from .load import LoadError
    from .options import UsageError
    from .target import TargetError

    try:
        raise exc
    except UsageError as exc:
        if debug:
            raise
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (TargetError, LoadError) as exc:
        if debug:
            raise
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return _interrupted(signal.SIGINT)
    except SystemExit:
        raise
    except BaseException as exc:
        if debug:
            raise
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
              "(run again with --debug for the traceback)", file=sys.stderr)
        return 1


