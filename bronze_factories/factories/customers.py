"""Customers: the one factory that needs nothing else (``CustomerFactory()`` writes exactly one row)."""

from __future__ import annotations

import datetime as dt
import re

import factory

from ..models import RawCustomer
from .base import CUSTOMER_BASE, BronzeFactory, between, rng, settings


def _registration(o: object) -> dt.datetime:
    # A store has history: customers registered up to two years before the window, and early
    # enough (60 days before its end) that an old, delivered or returned order still fits after.
    return between(settings.start - dt.timedelta(days=730), settings.end - dt.timedelta(days=60))


def _email(o: object) -> str:
    local = re.sub(r"[^a-z0-9.]", "", f"{o.first_name}.{o.last_name}".lower())
    return f"{local}.{o.customer_id[4:]}@example.com"


def _birth(o: object) -> dt.date:
    age_days = rng().randint(18 * 365, 80 * 365)
    return (settings.end - dt.timedelta(days=age_days)).date()


class CustomerFactory(BronzeFactory):
    """One customer row. ``CustomerFactory(registration_date=...)`` pins the account's age."""

    class Meta:
        model = RawCustomer

    customer_id = factory.Sequence(lambda n: f"CUST{CUSTOMER_BASE + n:08d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    customer_name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}")
    email = factory.LazyAttribute(_email)
    phone = factory.Faker("numerify", text="(###) ###-####")
    address = factory.Faker("bronze_address")
    registration_date = factory.LazyAttribute(_registration)
    date_of_birth = factory.LazyAttribute(_birth)
    gender = factory.Faker("bronze_gender")
