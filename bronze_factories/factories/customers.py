"""Customers: the one factory that needs nothing else (``CustomerFactory()`` writes exactly one row).

Every value comes from the same vocabulary tables as the bulk engine's (through
:mod:`bronze_factories.faker_provider`): a given name of the customer's gender, a real city, ZIP
code and area code, an email on a reserved domain, a phone number reserved for fiction, an adult
age and an opt-in that depends on age, never on gender.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from .. import vocabulary as v
from ..faker_provider import addresses, ages, city_of, emails, first_names, genders, last_names, phones
from ..models import RawCustomer
from ..vocabulary import SOURCE_SYSTEM
from .base import (
    CUSTOMER_BASE,
    BronzeFactory,
    ContractError,
    IdSequence,
    JsonFaker,
    between,
    current_session,
    rng,
    settings,
)
from .registry import write_rows


def _registration(o: object = None) -> dt.datetime:
    # A store has history: customers registered up to two years before the window, and early
    # enough (60 days before its end) that an old, delivered or returned order still fits after.
    return between(settings.start - dt.timedelta(days=730), settings.end - dt.timedelta(days=60))


def _email(o: Any) -> str:
    names = [(o.first_name, o.last_name, o.date_of_birth.year if o.date_of_birth else 1990)]
    return emails(rng(), names, [int(o.customer_id[4:])])[0]


def _birth(age_days: int, registered: dt.datetime) -> dt.date:
    """An adult when they registered (the age drawn is their age then)."""
    born = registered - dt.timedelta(days=age_days)
    return born.date() if isinstance(born, dt.datetime) else born


def same_place(fake: Any, address: dict[str, Any], given: set[str]) -> dict[str, Any]:
    """An address whose state and postal code agree with a given city (or state), as drawn ones do."""
    if "city" not in given and "state" not in given:
        return address
    wanted = {k: address[k] for k in ("city", "state") if k in given}
    cities = [c for c in v.CITIES if all(getattr(c, k) == value for k, value in wanted.items())]
    if not cities:
        return address  # a place the vocabulary does not know: the caller's values, as given
    city = cities[0] if "city" in given else fake.random_element(cities)
    filled = {"city": city.city, "state": city.state}
    if "postal_code" not in given:
        filled["postal_code"] = fake.bronze_postal_code(city)
    return {**address, **filled, **{k: address[k] for k in given}}


def customer_rows(customer_ids: list[str]) -> list[dict[str, Any]]:
    """Column values of new customers, drawn column by column: the rows the declarations describe."""
    r, k = rng(), len(customer_ids)
    gender_of = genders(r, k)
    firsts, lasts = first_names(r, k, gender_of), last_names(r, k)
    places = addresses(r, k)
    numbers = phones(r, k, [city_of(a) for a in places])
    age_opt = ages(r, k)
    registered = [_registration() for _ in range(k)]
    born = [_birth(age, reg) for (age, _), reg in zip(age_opt, registered, strict=True)]
    mails = emails(r, [(f, la, b.year) for f, la, b in zip(firsts, lasts, born, strict=True)],
                   [int(c[4:]) for c in customer_ids])
    rows = []
    for j, customer_id in enumerate(customer_ids):
        first, last, address = firsts[j], lasts[j], places[j]
        row = {
            "customer_id": customer_id, "first_name": first, "last_name": last, "customer_name": f"{first} {last}",
            "email": mails[j], "phone": numbers[j], "address": address, "registration_date": registered[j],
            "date_of_birth": born[j], "gender": gender_of[j], "source_system": SOURCE_SYSTEM,
        }
        # what BronzeFactory._adjust_kwargs records, without its generic to_json walk
        row["raw_data"] = {**row, "address": dict(address), "registration_date": registered[j].isoformat(),
                           "date_of_birth": born[j].isoformat(), "marketing_opt_in": age_opt[j][1]}
        rows.append(row)
    return rows


class CustomerFactory(BronzeFactory):
    """One customer row. ``CustomerFactory(registration_date=...)`` pins the account's age.

    ``CustomerFactory.create_batch(n)`` without overrides skips factory_boy's per-object build:
    it draws the n rows column by column (:func:`customer_rows`, the same values the declarations
    describe) and writes them with multi-row INSERTs. Why: building one object through factory_boy's
    resolver costs ~0.1 ms even with cheap declarations, and the unit-of-work flush about as much
    again, which kept 10,000 customers at ~1.5x a plain per-row flush loop; drawing the rows
    directly and writing them with one COPY makes it several times faster than both a per-row flush
    loop and a factory_boy loop that adds every row and flushes once (``benchmarks/bench_factories.py``
    measures both). ``OrderFactory.create_batch`` follows the same design for whole order graphs.
    With overrides, or in a subclass that changes a declaration, it is the usual per-object build
    with one flush.
    """

    class Meta:
        model = RawCustomer

    class Params:
        age = factory.LazyFunction(lambda: ages(rng())[0])  # (age in days, opt-in)
        marketing_opt_in = factory.LazyAttribute(lambda o: o.age[1])
        raw_extra = factory.LazyAttribute(lambda o: {"marketing_opt_in": o.marketing_opt_in})

    customer_id = IdSequence("CUST", 8, CUSTOMER_BASE)
    gender = factory.Faker("bronze_gender")
    first_name = factory.LazyAttribute(lambda o: first_names(rng(), 1, [o.gender])[0])
    last_name = factory.Faker("bronze_last_name")
    customer_name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}")
    email = factory.LazyAttribute(_email)
    address = JsonFaker("bronze_address", fill=same_place)
    phone = factory.LazyAttribute(lambda o: phones(rng(), 1, [city_of(o.address)])[0])
    registration_date = factory.LazyAttribute(_registration)
    date_of_birth = factory.LazyAttribute(lambda o: _birth(o.age[0], o.registration_date))

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        registered = kwargs.get("registration_date")
        if isinstance(registered, dt.datetime) and registered >= settings.end:
            raise ContractError("customers_registered_before_end",
                                f"registration_date {registered} is not before the window end {settings.end}")
        return super()._adjust_kwargs(**kwargs)

    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> list[Any]:
        if kwargs or cls._meta.declarations != CustomerFactory._meta.declarations:
            return super().create_batch(size, **kwargs)
        ids = cls.customer_id.next_ids(cls, size)
        return write_rows(current_session(), RawCustomer, customer_rows(ids))
