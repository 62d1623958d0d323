"""Sinks: one module per target, each writing the engine's chunks and nothing else.

``postgres`` (COPY text, with the load ledger in the same transaction), ``sqlite``, ``files``
(Parquet, CSV, JSON lines) and ``plain`` (multi-row INSERTs, for tests); ``indexes`` drops and
rebuilds secondary indexes around a large PostgreSQL load; ``copytext`` and ``csvtext`` format
rows. Deciding which units to load, in which order and on which worker is the populate command's
job (:mod:`bronze_factories.populate`), never a sink's.
"""
