"""pytest-factoryboy fixtures over the bronze factories, written through the plugin's bronze_session."""

import pytest

import bronze_factories

# raw_customer, raw_product, raw_order (raw_order__status...), raw_review, raw_session, raw_clickstream,
# raw_inventory: every factory, with the parents each one needs
bronze_factories.register_all()


@pytest.fixture(autouse=True)
def _bronze(bronze_session):
    """Every test gets the rolled-back session, and the factories (and the fixtures above) write through it."""
    return bronze_session
