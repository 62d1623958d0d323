"""Results of a validation run: one :class:`RuleResult` per rule, gathered in a :class:`Report`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = ("relationship", "time", "consistency", "realism")


@dataclass(frozen=True)
class RuleResult:
    """What one rule found. ``violations`` counts offending rows; a realism rule counts 1 when out of range."""

    name: str
    category: str
    description: str
    violations: int
    measured: float | None = None
    allowed: tuple[float, float] | None = None
    skipped: str | None = None
    #: the database refused the rule's query (e.g. a timestamp in raw_data that does not parse): a failure
    error: str | None = None
    #: ids of up to five offending rows (for rules that count rows of one table)
    examples: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """A skipped rule has not failed; an erroring one has."""
        if self.skipped is not None:
            return True
        return self.error is None and self.violations == 0

    @property
    def status(self) -> str:
        if self.skipped is not None:
            return "skipped"
        return "ok" if self.passed else "FAIL"

    def line(self, width: int = 40) -> str:
        """The CLI line: status, category, name, violations, then the figure or the reason."""
        count = "-" if self.skipped is not None else str(self.violations)
        text = f"{self.status:<8}{self.category:<14}{self.name:<{width}}{count:>8}"
        if self.skipped is not None:
            return f"{text}  ({self.skipped})"
        if self.error is not None:
            return f"{text}  error: {self.error}"
        if self.measured is not None and self.allowed is not None:
            lo, hi = self.allowed
            return f"{text}  measured {_num(self.measured)}, allowed [{_num(lo)}, {_num(hi)}]"
        if self.allowed is not None:  # a figure over no rows at all
            lo, hi = self.allowed
            return f"{text}  measured nothing (no rows), allowed [{_num(lo)}, {_num(hi)}]"
        if self.examples:
            return f"{text}  e.g. {', '.join(self.examples)}"
        return text


def _num(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


@dataclass(frozen=True)
class Report:
    results: tuple[RuleResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.passed for r in self.results)

    def failed(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    def __getitem__(self, name: str) -> RuleResult:
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(name)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def summary(self) -> str:
        """The closing line: counts, and the failed rules by name (the lines above may be many)."""
        failed = self.failed()
        skipped = sum(r.skipped is not None for r in self.results)
        passed = len(self.results) - len(failed) - skipped
        names = f" ({', '.join(r.name for r in failed)})" if failed else ""
        return f"{len(self.results)} rules: {passed} ok, {len(failed)} failed{names}, {skipped} skipped"

    def format(self) -> str:
        """One line per rule and a summary line, as the CLI prints them."""
        width = line_width(r.name for r in self.results)
        return "\n".join([*(r.line(width) for r in self.results), self.summary()])


def line_width(names: Iterable[str]) -> int:
    """The name column's width for a run of these rules (the CLI prints lines before the report exists)."""
    return max([len(n) for n in names] + [30]) + 2
