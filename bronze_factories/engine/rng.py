"""Counter-based random streams keyed by (seed, table, entity index).

Every unit draws from its own Philox stream, so a unit's rows never depend on which other
units ran before it, in which process, or how the run was split.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, tag: str, *index: int) -> np.random.Generator:
    """The random stream of ``tag`` (a table or concern) for the entity or unit numbered ``index``."""
    entropy = [seed & 0xFFFFFFFF, seed >> 32 & 0xFFFFFFFF, zlib.crc32(tag.encode()), *index]
    return np.random.Generator(np.random.Philox(np.random.SeedSequence(entropy)))


def pick(rng: np.random.Generator, weights: tuple[float, ...] | np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with the given (unnormalised) weights."""
    cdf = np.cumsum(weights, dtype=float)
    return np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right").clip(0, len(cdf) - 1)
