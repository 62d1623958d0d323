"""Tab-separated lines: the one text form the engine can render itself, for a loader that takes it as is.

Most rows are click events, and a loader that sends text (PostgreSQL's ``COPY ... (FORMAT text)``)
would otherwise take each event's tuple apart again, column by column, to join it with tabs: that
was more than half of a worker's CPU for that table. Asked for :class:`TabLines`, the hot path
renders each event's line in the same f-string as its ``raw_data`` JSON (:mod:`.web`). The loader
says how NULL is written and how a value is escaped; the engine renders lines only when every value
it could write passes that escape unchanged (its vocabulary is checked once per simulation), and
otherwise yields rows. A test checks that the lines are exactly what the loader makes of the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class TabLines:
    """Lines of tab-separated values ending in ``\\n``, NULL written as ``null``, each value escaped
    by ``escape`` (which must change any value holding a tab, a line break or ``null``'s text)."""

    null: str
    escape: Callable[[str], str]

    def plain(self, values: Iterable[str]) -> bool:
        """Whether every value goes into a line unchanged (so a whole column needs no escaping)."""
        return all("\t" not in v and "\n" not in v and self.escape(v) == v for v in values)


class Lines(NamedTuple):
    """Rows already rendered as :class:`TabLines`: the text and how many rows it holds."""

    text: str
    rows: int
