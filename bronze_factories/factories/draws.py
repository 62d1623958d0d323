"""Random draws and whole-second times: every factory value comes from the generator :func:`seed` reseeds."""

from __future__ import annotations

import datetime as dt
import random

import factory.random


def rng() -> random.Random:
    """factory_boy's random generator (reseeded by :func:`seed`), for values that are not Faker's."""
    return factory.random.randgen


def between(low: dt.datetime, high: dt.datetime) -> dt.datetime:
    """A whole-second time in ``[low, high]`` (``low`` when the interval is empty)."""
    span = int((high - low).total_seconds())
    if span <= 0:
        return low.replace(microsecond=0)
    return low.replace(microsecond=0) + dt.timedelta(seconds=rng().randint(0, span))


def seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=int(value))


__all__ = ["between", "rng", "seconds"]
