"""Pools of surnames, words, suppliers and sentences, built once per run (seeded) from Faker's en_US data.

The bulk path never calls Faker per row: it draws indices into these pools with numpy. The pools
are sampled from the data tables of Faker's en_US providers (names weighted by frequency) rather
than by calling Faker's formatters thousands of times, which would cost a fixed quarter second
per run: visible at small scales, where time per row should stay flat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faker.providers.company.en_US import Provider as _Company
from faker.providers.lorem.en_US import Provider as _Lorem
from faker.providers.person.en_US import Provider as _Person

from .rng import stream


@dataclass(frozen=True)
class Pools:
    last_names: tuple[str, ...]
    words: tuple[str, ...]
    suppliers: tuple[str, ...]
    sentences: tuple[str, ...]


def _weighted_sample(rng: np.random.Generator, table: dict[str, float], n: int) -> tuple[str, ...]:
    """``n`` distinct names, common ones more likely (Faker's frequency weights)."""
    names = np.array(list(table), dtype=object)
    weights = np.fromiter(table.values(), float)
    return tuple(rng.choice(names, size=min(n, len(names)), replace=False, p=weights / weights.sum()))


def build_pools(seed: int) -> Pools:
    rng = stream(seed, "pools")
    last = _weighted_sample(rng, _Person.last_names, 1000)
    words = tuple(rng.choice(np.array(_Lorem.word_list, dtype=object), 400, replace=False))
    suppliers = tuple(
        f"{last[i]} {_Company.company_suffixes[j]}"
        for i, j in zip(rng.integers(0, len(last), 200), rng.integers(0, len(_Company.company_suffixes), 200),
                        strict=True)
    )
    sentences = tuple(
        " ".join(words[k] for k in rng.integers(0, len(words), int(n))).capitalize() + "."
        for n in rng.integers(6, 14, 300)
    )
    return Pools(last_names=last, words=words, suppliers=tuple(dict.fromkeys(suppliers)), sentences=sentences)
