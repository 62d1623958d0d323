"""The populate command (``python -m bronze_factories.populate``, ``bronze-populate``).

One module per step: ``options`` (flags, environment, checks that need no target), ``target``
(preparing a database or a directory: migration, dataset claim, partitions), ``load`` (work units
into the target's sinks), ``progress`` and ``run`` (one run: plan, prepare, load, summarize);
``cli`` maps outcomes to exit statuses.
"""

from __future__ import annotations

from .cli import main

__all__ = ["main"]
