"""The people-and-places figures of issue #9's acceptance, measured with SQL on loaded rows."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from sqlalchemy import Connection

from bronze_factories import vocabulary as v
from bronze_factories.vocabulary import web as w

PEOPLE_RULES = [
    "customer_address_place", "order_shipping_address_place", "session_location_place", "customer_email_reserved",
    "customer_email_unique", "customer_phone_fiction", "session_ip_public", "customer_name_gender",
    "customer_opt_in_gender", "session_home_city",
]
C, S, ORD = "bronze.raw_customers", "bronze.raw_sessions", "bronze.raw_orders"


def figures(conn: Connection) -> dict[str, Any]:
    """What the acceptance states, each measured independently of the validator's queries."""
    one = lambda sql: conn.exec_driver_sql(sql).scalar()  # noqa: E731
    out: dict[str, Any] = {}
    out["customers"] = one(f"SELECT count(*) FROM {C}")
    # given names with 5+ female/male customers carried by both
    out["names_both_genders"] = one(f"""SELECT 1.0 * count(*) FILTER (WHERE f > 0 AND m > 0) / count(*) FROM (
        SELECT first_name, count(*) FILTER (WHERE gender = 'female') AS f, count(*) FILTER (WHERE gender = 'male') AS m
        FROM {C} WHERE gender IN ('female', 'male') GROUP BY first_name HAVING count(*) >= 5) AS n""")
    rates = dict(conn.exec_driver_sql(f"""SELECT gender, AVG(CASE WHEN (raw_data->>'marketing_opt_in')::boolean
        THEN 1.0 ELSE 0.0 END) FROM {C} GROUP BY gender""").all())
    out["opt_in_rate"] = float(rates["female"] + rates["male"]) / 2
    out["opt_in_gap"] = abs(float(rates["female"] - rates["male"]))
    out["distinct_streets"] = one(f"SELECT 1.0 * count(DISTINCT address->>'street') / count(*) FROM {C}")
    out["city_state_pairs"] = one(f"SELECT count(DISTINCT (address->>'city', address->>'state')) FROM {C}")
    out["ages"] = tuple(conn.exec_driver_sql(
        f"SELECT min(date_part('year', age(registration_date, date_of_birth))), "
        f"max(date_part('year', age(registration_date, date_of_birth))) FROM {C}").one())
    emails = [r[0] for r in conn.exec_driver_sql(f"SELECT email FROM {C}")]
    out["emails_reserved"] = sum(e.rsplit("@", 1)[1] in v.EMAIL_DOMAINS for e in emails) / len(emails)
    out["emails_unique"] = len({e.lower() for e in emails}) == len(emails)
    phones = [r[0] for r in conn.exec_driver_sql(f"SELECT phone FROM {C}")]
    out["phones_fiction"] = all(re.fullmatch(r"\+1-[2-9][0-9]{2}-555-01[0-9]{2}", p) for p in phones)
    places = {(c.city, c.state): set(c.zips) for c in v.CITIES}
    out["unreal_places"] = 0
    for table, column in ((C, "address"), (ORD, "shipping_address"), (S, "location")):
        for city, state, postal in conn.exec_driver_sql(
                f"SELECT {column}->>'city', {column}->>'state', {column}->>'postal_code' FROM {table}"):
            out["unreal_places"] += postal not in places.get((city, state), ())
    sessions = conn.exec_driver_sql(f"SELECT user_id, ip_address, location->>'city', location->>'state' FROM {S}").all()
    out["non_public_ips"] = sum(not _public(ip) for _, ip, _, _ in sessions)
    out["home_city_share"] = one(f"""SELECT AVG(CASE WHEN s.location->>'city' = c.address->>'city'
        AND s.location->>'state' = c.address->>'state' THEN 1.0 ELSE 0.0 END)
        FROM {S} s JOIN {C} c ON c.customer_id = s.user_id""")
    owner = {}
    for k, blocks in enumerate(w.city_ip_blocks()):
        for b in blocks:
            owner[b] = (v.CITIES[k].city, v.CITIES[k].state)
    size = 1 << w.IP_BLOCK_BITS
    guests = [(ip, (city, state)) for user, ip, city, state in sessions if user is None]
    out["guest_ip_in_own_city"] = sum(owner.get(int(ipaddress.IPv4Address(ip)) // size * size) == place
                                      for ip, place in guests) / len(guests)
    per_user = conn.exec_driver_sql(f"""SELECT max(devices), max(ips), AVG(ips) FROM (
        SELECT count(DISTINCT (device_type, operating_system, browser)) AS devices, count(DISTINCT ip_address) AS ips
        FROM {S} WHERE user_id IS NOT NULL GROUP BY user_id) AS u""").one()
    out["max_devices_per_customer"] = per_user[0]
    out["shipped_home"] = one(f"""SELECT AVG(CASE WHEN o.shipping_address = c.address THEN 1.0 ELSE 0.0 END)
        FROM {ORD} o JOIN {C} c ON c.customer_id = o.customer_id""")
    return out


def _public(ip: str) -> bool:
    a = ipaddress.IPv4Address(ip)
    return a.is_global and not a.is_multicast and not a.is_reserved and w.is_public(int(a))


def assert_acceptance(f: dict[str, Any], customers: int) -> None:
    assert f["customers"] == customers
    assert f["names_both_genders"] <= 0.10
    assert f["opt_in_gap"] <= 0.10 and 0.25 <= f["opt_in_rate"] <= 0.5
    assert f["distinct_streets"] >= 0.95
    assert f["city_state_pairs"] >= 200
    assert f["ages"][0] >= 18 and f["ages"][1] <= 90
    assert f["emails_reserved"] == 1.0 and f["emails_unique"] and f["phones_fiction"]
    assert f["unreal_places"] == 0
    assert f["non_public_ips"] == 0
    assert 0.5 <= f["home_city_share"] <= 0.95
    assert f["guest_ip_in_own_city"] == 1.0
