"""One query per pass for the rules of a run that count over it (see :class:`~.sql.Pass`).

Each rule still gets its own number: the pass's query has one aggregate column per part, equal by
construction to the part's own query (``count(CASE WHEN <where> THEN 1 END)`` over the same rows as
``SELECT count(*) ... WHERE <where>``). If that query fails (a value one rule casts does not parse),
the rules fall back to their own queries, so the error is reported by the rule it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable

from .sql import Rule, Sql


class Shared:
    """The passes that at least two parts of the run's rules read, and their values once read."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        users: dict[str, list[tuple[Rule, int]]] = {}
        for rule in rules:
            for i, part in enumerate(rule.parts):
                users.setdefault(part.over.name, []).append((rule, i))
        self.users = {name: found for name, found in users.items() if len(found) > 1}
        self.values: dict[tuple[str, int], object] = {}
        self.read: set[str] = set()
        self.broken: set[str] = set()

    def shared(self, rule: Rule) -> list[int]:
        """Indexes of the rule's parts whose pass is read once for several parts (and has not failed)."""
        return [i for i, part in enumerate(rule.parts) if part.over.name in self.users
                and part.over.name not in self.broken]

    def query(self, q: Sql, name: str) -> str:
        users = self.users[name]
        first, i = users[0]
        columns = ",\n  ".join(f"{rule.parts[j].column(q)} AS v{k}" for k, (rule, j) in enumerate(users))
        return f"SELECT {columns}\nFROM {first.parts[i].over.source(q)}"

    def store(self, name: str, row: Iterable[object]) -> None:
        for (rule, j), value in zip(self.users[name], row, strict=True):
            self.values[(rule.name, j)] = value
        self.read.add(name)
