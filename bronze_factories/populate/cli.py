"""``python -m bronze_factories.populate`` / ``bronze-populate``: fill the bronze tables with one dataset.

This module only maps outcomes to exit statuses: usage errors 2, runtime errors 1, each as one
line on stderr without a traceback (``--debug`` shows it). The work is in
:mod:`.options`, :mod:`.target`, :mod:`.load` and :mod:`.run`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

PROG = "bronze-populate"


def _debug_requested(argv: Sequence[str]) -> bool:
    return "--debug" in argv or os.environ.get("BRONZE_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from .load import LoadError
    from .options import UsageError, parse
    from .target import TargetError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(args)
    try:
        from .run import populate

        return populate(parse(args))
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
        print(f"{PROG}: interrupted; run the same command again to resume (loaded work units are kept)",
              file=sys.stderr)
        return 130
    except SystemExit:
        raise
    except BaseException as exc:
        if debug:
            raise
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
              "(run again with --debug for the traceback)", file=sys.stderr)
        return 1


