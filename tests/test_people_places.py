"""Issue #9's acceptance: people, places and web traffic that survive a data engineer's first look.

A 10,000-customer dataset at three seeds (only the tables the figures read are loaded: customers,
sessions, orders); the factories' side is ``test_factories_people.py``. Each figure is measured
with its own SQL (``people_support.figures``) and by the validator's rules.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest
from people_support import PEOPLE_RULES, assert_acceptance, figures

from bronze_factories import vocabulary as v
from bronze_factories.config import make_engine
from bronze_factories.engine import Params, generate
from bronze_factories.loaders.plain import load_plain
from bronze_factories.testing import throwaway_database
from bronze_factories.validate import validate
from bronze_factories.vocabulary import places_source
from bronze_factories.vocabulary import web as w

TABLES = {"raw_customers", "raw_sessions", "raw_orders"}
SIZE = dict(customers=10_000, products=200, orders=2_000, days=14, sessions_per_day=300, end_date=dt.date(2026, 1, 1))


@pytest.mark.parametrize("seed", [1, 3, 42])
def test_engine_people_and_places_at_10000_customers(pg_server, seed):
    params = Params(seed=seed, **SIZE)
    with throwaway_database(pg_server) as url:
        engine = make_engine(url)
        load_plain(engine, (c for c in generate(params, batch_size=10_000) if c.table in TABLES))
        report = validate(engine, params=params, rules=PEOPLE_RULES)
        with engine.connect() as conn:
            f = figures(conn)
        engine.dispose()
    assert report.ok, report.format()
    assert_acceptance(f, 10_000)
    assert 400 <= f["city_state_pairs"]  # spread by population over hundreds of cities
    assert f["max_devices_per_customer"] <= 2
    assert 0.80 <= f["shipped_home"] <= 0.95


def test_shipped_places_table_is_what_the_packages_give():
    assert places_source.PATH.read_text(encoding="utf-8") == places_source.render(places_source.derive_rows())
    assert len(v.CITIES) >= 2_000 and all(c.zips and c.area_codes for c in v.CITIES)


def test_city_ip_blocks_are_public_and_disjoint():
    blocks = [b for bs in w.city_ip_blocks() for b in bs]
    assert len(blocks) == len(set(blocks))
    size = 1 << w.IP_BLOCK_BITS
    for b in blocks:
        net = ipaddress.IPv4Network((b, 32 - w.IP_BLOCK_BITS))
        assert net.is_global and not net.is_multicast and not net.is_reserved, net
        assert w.is_public(b) and w.is_public(b + size - 1)
