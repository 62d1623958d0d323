"""pytest-factoryboy fixtures over the bronze factories, written through the plugin's bronze_session."""

import pytest
from pytest_factoryboy import register

from bronze_factories import CustomerFactory, OrderFactory, ProductFactory, ReviewFactory

register(CustomerFactory)  # raw_customer: the parent OrderFactory and ReviewFactory use
register(ProductFactory)  # raw_product
register(OrderFactory)  # raw_order, raw_order__status, ...
register(ReviewFactory)  # raw_review


@pytest.fixture(autouse=True)
def _bronze(bronze_session):
    """Every test gets the rolled-back session, and the factories (and the fixtures above) write through it."""
    return bronze_session
