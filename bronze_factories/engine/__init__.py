"""The bulk engine: one consistent simulated store, streamed in deterministic chunks.

The dataset is cut into *work units* whose content depends only on the parameters and the
unit's key, never on which process generates it, in which order, or in how many pieces:

* ``customers:NNNNN`` and ``products:NNNNN``: blocks of :data:`BLOCK` entities;
* ``stock:NNNNN``: the initial ``IN`` movements of a block of products;
* ``day:NNNNN``: one simulated day: customers who registered that day after the first window, its
  sessions and events, the orders placed in them, their inventory movements and reviews, and the
  day's restocks, adjustments and transfers;
* ``day:NNNNN@<since>-<until>``: what one day adds to a dataset taken on from ending at ``since``
  to ending at ``until`` (``--extend-to``, live mode): its rows dated in between, and its orders
  whose state moved on meanwhile (upserts, :attr:`Chunk.upsert`).

The story is causal (:class:`Simulation`): a dataset ending at some moment holds every row whose
event happened before it, with each order in the state it had reached, so the same dataset can
go on in time and a step's rows equal the difference of two datasets made at once.

A unit yields :class:`Chunk` objects of at most ``batch_size`` rows of one table. A loader that
writes a unit in one transaction, together with a ledger row, loads it exactly once.

Rows are tuples in :data:`COLUMNS` order, made of load-ready values: ``str`` (JSON columns hold
JSON text, timestamps ``YYYY-MM-DD HH:MM:SS``, dates ``YYYY-MM-DD``, numerics ``'12.34'``),
``int``, ``bool`` or ``None``. ``ingestion_timestamp`` is left to the server.
"""

from __future__ import annotations

from .columns import COLUMNS, TABLE_ORDER
from .params import Params, ParamsError
from .simulation import BLOCK, Chunk, Simulation, generate

__all__ = ["BLOCK", "COLUMNS", "TABLE_ORDER", "Chunk", "Params", "ParamsError", "Simulation", "generate"]
