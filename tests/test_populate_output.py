"""The CSV text of files, the COPY text of loads, and what a run prints."""

from __future__ import annotations

import io

import psycopg2
import pytest
from sqlalchemy.engine import URL

from bronze_factories.loaders.copytext import TextStream, copy_text
from bronze_factories.loaders.csvtext import csv_text
from bronze_factories.populate.progress import Progress
from bronze_factories.testing import psycopg2_dsn

ROWS = [
    (1, "plain", None, True, '{"a": "x, \\"quoted\\""}'),
    (2, "", "multi\nline", False, None),
    (3, " padded ", "", None, "comma,separated"),
]


def test_csv_keeps_null_and_empty_string_apart_through_copy(bronze_database_url: URL) -> None:
    conn = psycopg2.connect(psycopg2_dsn(bronze_database_url))
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE TEMP TABLE t (id int, a text, b text, c boolean, d text)")
            cur.copy_expert("COPY t FROM STDIN WITH (FORMAT csv)", TextStream([ROWS[:1], ROWS[1:]], csv_text))
            cur.execute("SELECT id, a, b, c, d FROM t ORDER BY id")
            assert cur.fetchall() == [tuple(r) for r in ROWS]
    finally:
        conn.close()


def test_copy_text_round_trips_nulls_escapes_and_types(bronze_database_url: URL) -> None:
    """The text format populate's COPY uses: NULL vs empty, tabs, newlines, backslashes, bools, ints."""
    rows = [*ROWS, (4, "tab\there", "back\\slash \\N", False, "cr\r")]
    conn = psycopg2.connect(psycopg2_dsn(bronze_database_url))
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE TEMP TABLE t (id int, a text, b text, c boolean, d text)")
            kinds = ("int", "str", "str", "bool", "str")
            stream = TextStream([rows[:2], rows[2:]], lambda batch: copy_text(batch, kinds))
            cur.copy_expert("COPY t FROM STDIN WITH (FORMAT text)", stream)
            cur.execute("SELECT id, a, b, c, d FROM t ORDER BY id")
            assert cur.fetchall() == [tuple(r) for r in rows]
    finally:
        conn.close()
    assert copy_text([(1, None, True)], ("int", "str", "bool")) == "1\t\\N\tt\n"


def test_copy_text_of_not_null_columns_round_trips(bronze_database_url: URL) -> None:
    """Columns declared NOT NULL skip the NULL scan, and still get escaped when they need it."""
    rows = [(1, "tab\there", "x", True, "{\"a\": \"back\\\\slash\"}"), (2, "plain", None, False, "two\nlines"),
            (3, "", "\\N", None, "cr\r")]
    kinds = ("int", "str", "str", "bool", "str")
    nullable = (False, False, True, True, False)
    text = copy_text(rows, kinds, nullable)
    assert text == copy_text(rows, kinds)  # the same text as when every column may be NULL
    assert text.splitlines()[1] == "2\tplain\t\\N\tf\ttwo\\nlines"
    conn = psycopg2.connect(psycopg2_dsn(bronze_database_url))
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE TEMP TABLE t (id int NOT NULL, a text NOT NULL, b text, c boolean, d text NOT NULL)")
            cur.copy_expert("COPY t FROM STDIN WITH (FORMAT text)", io.StringIO(text))
            cur.execute("SELECT id, a, b, c, d FROM t ORDER BY id")
            assert cur.fetchall() == rows
    finally:
        conn.close()


def test_copy_text_nullable_follows_the_models() -> None:
    from bronze_factories.engine import COLUMNS
    from bronze_factories.loaders.copytext import NULLABLE

    flags = dict(zip(COLUMNS["raw_clickstream"], NULLABLE["raw_clickstream"], strict=True))
    assert flags["event_id"] is False and flags["session_id"] is False and flags["user_id"] is True


def test_worker_tasks_pause_the_cyclic_collector_and_restore_it() -> None:
    import gc

    from bronze_factories.populate.load import without_cycle_collector

    seen = []

    @without_cycle_collector
    def task(fail: bool) -> str:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("boom")
        return "done"

    assert gc.isenabled()
    assert task(False) == "done" and gc.isenabled()
    try:
        task(True)
    except RuntimeError:
        pass
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        task(False)
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_header_and_line_ends() -> None:
    text = csv_text(ROWS[:1], header=("id", "a", "b", "c", "d"))
    assert text == 'id,a,b,c,d\n1,plain,,True,"{""a"": ""x, \\""quoted\\""""}"\n'
    assert csv_text([(None, "")]) == ',""\n'


def test_stream_reads_in_blocks_of_any_size() -> None:
    batches = [[(i, f"row {i}")] * 50 for i in range(20)]
    whole = "".join(csv_text(b) for b in batches)
    stream = TextStream(batches, csv_text)
    parts = []
    while part := stream.read(7):
        parts.append(part)
    assert "".join(parts) == whole and stream.rows == 1000


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bars_on_a_terminal_and_summary() -> None:
    tty = _Tty()
    assert Progress.choose_mode(False, tty) == "bars" and Progress.choose_mode(True, tty) == "quiet"
    assert Progress.choose_mode(False, io.StringIO()) == "lines"
    progress = Progress({"raw_customers": 100, "raw_orders": 400}, "bars", stream=tty)
    progress.add({"raw_customers": 100, "raw_orders": 150})
    progress.close()
    out = tty.getvalue()
    assert "raw_customers" in out and "100/100" in out and "rows/s" in out
    summary = progress.summary()
    assert "raw_orders" in summary and "150" in summary and summary.splitlines()[-2].startswith("total")


def test_progress_lines_every_few_seconds_and_nothing_when_quiet() -> None:
    log = io.StringIO()
    progress = Progress({"raw_customers": 100}, "lines", stream=log, log_every=0.0)
    progress.add({"raw_customers": 40})
    assert log.getvalue() == log.getvalue().split(": ", 1)[0] + ": raw_customers 40/100 (40%)\n"
    quiet = io.StringIO()
    silent = Progress({"raw_customers": 100}, "quiet", stream=quiet, log_every=0.0)
    silent.add({"raw_customers": 40})
    silent.message("hello")
    silent.close()
    assert quiet.getvalue() == ""


def test_progress_overall_bar_and_waiting_tables_on_a_terminal() -> None:
    tty = _Tty()
    progress = Progress({"raw_customers": 100, "raw_orders": 400}, "bars", stream=tty)
    start = tty.getvalue()
    assert "all tables" in start and "0.00/500" in start
    assert "raw_customers: waiting" in start and "raw_orders   : waiting" in start
    progress.add({"raw_customers": 100})
    progress.close()
    assert "raw_customers: 100%" in tty.getvalue()


def test_progress_in_logs_is_one_line_per_interval_never_above_100_percent() -> None:
    log = io.StringIO()
    progress = Progress({"raw_customers": 100, "raw_reviews": 4017}, "lines", stream=log, log_every=0)
    progress.add({"raw_customers": 100, "raw_reviews": 4000})
    progress.add({"raw_reviews": 178})  # the estimate fell short
    lines = log.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[1].split(": ", 1)[1] == "raw_customers 100/100 (100%), raw_reviews 4,178/4,178 (100%)"


def test_summary_rows_per_second_over_the_time_each_table_was_written(monkeypatch) -> None:
    import bronze_factories.populate.progress as module

    clock = iter([0.0, 0.0, 10.0, 20.0, 100.0])
    monkeypatch.setattr(module.time, "monotonic", lambda: next(clock))
    progress = Progress({"raw_customers": 10_000, "raw_orders": 1}, "quiet")  # started at 0
    progress.add({"raw_customers": 5_000})  # 0
    progress.add({"raw_customers": 5_000})  # 10: customers written over 10 s
    progress.add({"raw_orders": 1})  # 20
    rows = {line.split()[0]: line.split()[2] for line in progress.summary().splitlines()[1:3]}  # summary at 100
    assert rows == {"raw_customers": "1,000", "raw_orders": "0"}


def test_summary_rate_of_a_table_written_in_one_burst_is_its_own(monkeypatch) -> None:
    """The customers come in one unit: their rate is over that unit's time, not the whole run's."""
    import bronze_factories.populate.progress as module

    clock = iter([0.0, 2.0, 100.0, 100.0])
    monkeypatch.setattr(module.time, "monotonic", lambda: next(clock))
    progress = Progress({"raw_customers": 10_000, "raw_orders": 50}, "quiet")  # started at 0
    progress.add({"raw_customers": 10_000})  # 2: one burst
    progress.add({"raw_orders": 50})  # 100
    rows = {line.split()[0]: line.split()[2] for line in progress.summary().splitlines()[1:3]}  # summary at 100
    assert rows == {"raw_customers": "5,000", "raw_orders": "1"}


def _day_chunks() -> list:
    import datetime as dt

    from bronze_factories.engine import Params, Simulation

    params = Params(end_date=dt.date(2026, 1, 1), customers=300, products=150, orders=500, days=20,
                    sessions_per_day=80)
    return list(Simulation(params).generate_unit("day:00003", 300))


def test_render_ahead_keeps_the_order_and_the_text() -> None:
    from bronze_factories.loaders.copytext import KINDS, NULLABLE, render_ahead

    chunks = _day_chunks()
    assert len({c.table for c in chunks}) >= 3 and len(chunks) >= 5
    got = [(r.table, r.upsert, r.text, r.rows) for r in render_ahead(iter(chunks))]
    assert got == [(c.table, c.upsert, copy_text(c.rows, KINDS[c.table], NULLABLE[c.table]), len(c.rows))
                   for c in chunks]


def test_render_ahead_raises_the_generators_error_and_stops_when_left() -> None:
    import threading

    from bronze_factories.loaders.copytext import render_ahead

    chunks = _day_chunks()

    def failing():
        yield from chunks[:2]
        raise ValueError("generation failed")

    seen = []
    try:
        for rendered in render_ahead(failing()):
            seen.append(rendered.table)
    except ValueError as exc:
        assert str(exc) == "generation failed"
    else:
        raise AssertionError("the error was lost")
    assert seen == [c.table for c in chunks[:2]]

    made = []

    def endless():
        while True:
            for c in chunks:
                made.append(c)
                yield c

    ahead = render_ahead(endless(), depth=2)
    next(ahead)
    ahead.close()  # the COPY failed: the thread stops after the chunk in hand
    assert not any(t.name == "render-ahead" for t in threading.enumerate())
    assert len(made) <= 1 + 2 + 2  # the one taken, the queue, one in hand and one put back


@pytest.mark.parametrize("source_system", ["ecommerce_platform", "legacy\tshop\\v2"])
def test_event_lines_the_engine_renders_are_the_copy_text_of_its_rows(source_system: str) -> None:
    """The hot path's own lines (engine.lines) against copy_text of the same events as rows, byte for byte."""
    import dataclasses
    import datetime as dt

    from bronze_factories.engine import Params, Simulation
    from bronze_factories.loaders.copytext import COPY_LINES, KINDS, NULLABLE

    params = Params(end_date=dt.date(2026, 1, 1), customers=300, products=150, orders=500, days=6,
                    sessions_per_day=2_500, source_system=source_system)
    sim = Simulation(params)
    rendered = 0
    for unit in sim.units():
        as_rows = list(sim.generate_unit(unit, 50_000))
        as_lines = list(sim.generate_unit(unit, 50_000, COPY_LINES))
        assert [(c.table, len(c)) for c in as_rows] == [(c.table, len(c)) for c in as_lines]
        for r, li in zip(as_rows, as_lines, strict=True):
            rendered += li.text is not None
            text = li.text if li.text is not None else copy_text(li.rows, KINDS[li.table], NULLABLE[li.table])
            assert text == copy_text(r.rows, KINDS[r.table], NULLABLE[r.table])
    assert rendered >= 6 * 2  # every day's slices of 1,000 sessions came as lines
    # Too small a batch for a slice's events, or a vocabulary value that needs escaping: rows.
    assert all(c.text is None for c in sim.generate_unit("day:00002", 1_000, COPY_LINES))
    words = sim.pools.words
    sim2 = Simulation(params)
    sim2.pools = dataclasses.replace(sim2.pools, words=(*words[:-1], "tab\there"))
    assert all(c.text is None for c in sim2.generate_unit("day:00002", 50_000, COPY_LINES))
