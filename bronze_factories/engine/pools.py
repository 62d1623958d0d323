"""Pools of names, streets, domains and words, built once per run with Faker (seeded).

The bulk path never calls Faker per row: it draws indices into these pools with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

from faker import Faker

POOL_SIZE = 1000


@dataclass(frozen=True)
class Pools:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    email_domains: tuple[str, ...]
    words: tuple[str, ...]
    suppliers: tuple[str, ...]
    sentences: tuple[str, ...]


def _unique(make, n: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _ in range(n * 4):
        value = make().replace('"', "").replace("\\", "")
        seen.setdefault(value, None)
        if len(seen) == n:
            break
    return tuple(seen)


def build_pools(seed: int) -> Pools:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return Pools(
        first_names=_unique(fake.first_name, 600),
        last_names=_unique(fake.last_name, POOL_SIZE),
        streets=_unique(fake.street_address, POOL_SIZE),
        email_domains=("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "proton.me", "aol.com"),
        words=_unique(fake.word, 400),
        suppliers=_unique(fake.company, 200),
        sentences=_unique(lambda: fake.sentence(nb_words=10), 300),
    )
