"""The factories as factory_boy and pytest-factoryboy users expect them (issue: "Factories that behave
the way factory_boy and pytest-factoryboy users expect"): one test (or more) per surprise reported.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from configparser import ConfigParser
from pathlib import Path

import factory
import pytest
from sqlalchemy import func, select

import bronze_factories
from bronze_factories import (
    ClickstreamFactory,
    ContractError,
    CustomerFactory,
    FactoryDatabaseError,
    InventoryFactory,
    OrderFactory,
    RawCustomer,
    RawOrder,
    ReviewFactory,
    WebSessionFactory,
)
from bronze_factories import vocabulary as v
from bronze_factories.validate import validate

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = {"relationship", "time", "consistency"}


def assert_contract(session) -> None:
    session.flush()
    report = validate(session.connection(), window=bronze_factories.window(), categories=CATEGORIES)
    assert report.ok, report.format()


# --- 1. built graphs are whole (no database fixture: plain Python) --------------------------------------
def test_built_objects_can_be_navigated():
    bronze_factories.seed(5)
    order = OrderFactory.build()
    assert order.customer is not None and order.customer.customer_id == order.customer_id
    assert order.customer.orders == [order]
    assert order.session.session_id == order.raw_data["session_id"] and order.session.customer is order.customer

    given = CustomerFactory.build()
    mine = OrderFactory.build(customer=given)
    assert mine.customer is given and given.orders == [mine]

    review = ReviewFactory.build()
    assert review.product is not None and review.product.product_id == review.product_id
    assert review.customer is not None and review.customer.customer_id == review.customer_id
    assert review in review.product.reviews and review in review.customer.reviews

    visit = WebSessionFactory.build(logged_in=True)
    assert visit.customer is not None and visit.customer.customer_id == visit.user_id
    assert visit.customer.sessions == [visit]
    assert visit.events and visit.events[0].event_type == "page_view"
    assert all(e.session is visit for e in visit.events)

    movement = InventoryFactory.build()
    assert movement.product.product_id == movement.product_id
    for built in OrderFactory.build_batch(3):
        assert built.customer.orders == [built] and built.session.events[-1].event_type == "purchase"


def test_walk_a_built_order_graph_without_a_database():
    """order -> customer -> sessions -> events -> products, as a pure-Python transform test would."""
    bronze_factories.seed(11)
    order = OrderFactory.build(basket_size=3, status="shipped")
    walked = []
    for web_session in order.customer.sessions:
        assert web_session.user_id == order.customer.customer_id
        for event in web_session.events:
            assert event.session is web_session and event.user_id == order.customer_id
            if event.product is not None:
                walked.append((event.event_type, event.product.product_id, event.product.price))
    items = {item["product_id"] for item in order.raw_data["items"]}
    assert {p for kind, p, _ in walked if kind == "add_to_cart"} == items
    assert {p for kind, p, _ in walked if kind == "page_view"} >= items
    assert all(price is not None for _, _, price in walked)
    purchase = order.session.events[-1]
    assert (purchase.event_type, purchase.event_timestamp, purchase.raw_data["order_id"]) == (
        "purchase", order.order_date, order.order_id)
    stamps = [e.event_timestamp for e in order.session.events]
    assert stamps == sorted(stamps) and order.session.start_time == stamps[0] and order.session.end_time == stamps[-1]


def test_created_graphs_are_navigable_too(bronze_session):
    order = OrderFactory()
    assert order.customer.orders == [order] and order.session.events[-1].raw_data["order_id"] == order.order_id
    assert [o.order_id for o in bronze_session.get(RawCustomer, order.customer_id).orders] == [order.order_id]


# --- 2. overrides keep the contract or fail loudly ----------------------------------------------------------
def test_order_before_its_customer_registered_is_refused_naming_the_rule(bronze_session):
    late = CustomerFactory(registration_date=dt.datetime(2025, 12, 30))
    with pytest.raises(ContractError) as refused:
        OrderFactory(customer=late, order_date=dt.datetime(2025, 6, 1))
    assert refused.value.rule == "order_after_registration" and late.customer_id in str(refused.value)
    assert bronze_session.scalar(select(func.count()).select_from(RawOrder)) == 0
    assert_contract(bronze_session)


def test_order_date_override_is_honoured_with_a_customer_registered_before_it(bronze_session):
    order = OrderFactory(order_date=dt.datetime(2025, 6, 1))
    assert order.order_date == dt.datetime(2025, 6, 1)
    assert order.customer.registration_date < order.session.start_time < order.order_date
    OrderFactory(order_date=dt.datetime(2025, 12, 30, 12), status="pending")
    assert_contract(bronze_session)


@pytest.mark.parametrize(("overrides", "rule"), [
    ({"order_date": dt.datetime(2026, 3, 1)}, "orders_in_window"),
    ({"order_date": dt.datetime(2024, 6, 1)}, "orders_in_window"),
    ({"order_date": dt.datetime(2025, 6, 1), "status": "pending"}, "order_status_age"),
    ({"status": "lost"}, "order_status_age"),
])
def test_order_overrides_outside_the_contract_are_refused(bronze_session, overrides, rule):
    with pytest.raises(ContractError) as refused:
        OrderFactory(**overrides)
    assert refused.value.rule == rule
    assert_contract(bronze_session)  # nothing invalid was left behind


def test_other_time_overrides_are_checked(bronze_session):
    late = CustomerFactory(registration_date=dt.datetime(2025, 12, 1))
    with pytest.raises(ContractError, match="session_user_registered"):
        WebSessionFactory(customer=late, start_time=dt.datetime(2025, 3, 1))
    with pytest.raises(ContractError, match="reviews_in_window"):
        ReviewFactory(review_date=dt.datetime(2026, 2, 1))
    with pytest.raises(ContractError, match="events_in_window"):
        ClickstreamFactory(event_timestamp=dt.datetime(2023, 1, 1))
    visit = WebSessionFactory(start_time=dt.datetime(2025, 4, 1, 10), page_views=0)
    with pytest.raises(ContractError, match="session_events_within_session"):
        ClickstreamFactory(session=visit, event_timestamp=dt.datetime(2025, 4, 1, 9))
    ClickstreamFactory(session=visit, event_type="checkout_start", event_timestamp=dt.datetime(2025, 4, 1, 10, 5))
    with pytest.raises(ContractError, match="session_funnel_order"):
        ClickstreamFactory(session=visit, event_timestamp=dt.datetime(2025, 4, 1, 10, 10))
    review = ReviewFactory(review_date=dt.datetime(2025, 5, 1))
    assert review.review_date == dt.datetime(2025, 5, 1)
    WebSessionFactory(start_time=dt.datetime(2025, 3, 1), logged_in=True)
    assert_contract(bronze_session)


def test_nested_json_override_of_the_customer_address(bronze_session):
    order = OrderFactory(customer__address__city="Boston")
    address = order.customer.address
    boston = next(c for c in v.CITIES if c.city == "Boston")
    assert (address["city"], address["state"]) == ("Boston", boston.state)
    assert address["postal_code"] in boston.zips
    assert order.shipping_address == address and order.customer.raw_data["address"] == address
    assert CustomerFactory.build(address__street="1 Main St").address["street"] == "1 Main St"
    assert_contract(bronze_session)


def test_factory_boy_idioms_behave_as_documented(bronze_session):
    record = factory.build(dict, FACTORY_CLASS=CustomerFactory)
    assert type(record) is dict and record["customer_id"].startswith("CUST") and record["raw_data"]["email"]
    order_record = factory.build(dict, FACTORY_CLASS=OrderFactory, status="cancelled")
    assert type(order_record) is dict and order_record["status"] == "cancelled"

    made = factory.create_batch(RawCustomer, 3, FACTORY_CLASS=CustomerFactory)
    assert len({c.customer_id for c in made}) == 3 and all(isinstance(c, RawCustomer) for c in made)

    class CustomerWithOrders(CustomerFactory):
        orders = factory.RelatedFactoryList(OrderFactory, factory_related_name="customer", size=2)

    loyal = CustomerWithOrders()
    bronze_session.flush()
    stored = bronze_session.scalars(select(RawOrder.customer_id).where(RawOrder.customer_id == loyal.customer_id)).all()
    assert len(stored) == 2 and len(loyal.orders) == 2
    built = CustomerWithOrders.build()
    assert len(built.orders) == 2 and all(o.customer is built for o in built.orders)
    assert_contract(bronze_session)


# --- 3. pytest-factoryboy in one line; Faker's fixture knows the provider ----------------------------------
def run_pytest(directory: Path, server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: val for k, val in os.environ.items() if not k.startswith("PYTEST")}
    env["BRONZE_TEST_DATABASE_URL"] = server.render_as_string(hide_password=False)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=directory, env=env, capture_output=True, text=True, timeout=600)


def test_register_all_gives_every_fixture_and_faker_knows_the_provider(pg_server, tmp_path):
    (tmp_path / "conftest.py").write_text(textwrap.dedent('''
        import pytest
        import bronze_factories

        bronze_factories.register_all()


        @pytest.fixture(autouse=True)
        def _bronze(bronze_session):
            return bronze_session
    '''))
    (tmp_path / "test_all.py").write_text(textwrap.dedent('''
        import pytest
        from bronze_factories import vocabulary as v


        def test_every_fixture(raw_customer, raw_product, raw_order, raw_review, raw_session, raw_clickstream,
                               raw_inventory):
            assert raw_order.customer_id == raw_customer.customer_id
            assert (raw_review.customer_id, raw_review.product_id) == (raw_customer.customer_id, raw_product.product_id)
            assert raw_inventory.product_id == raw_product.product_id
            assert raw_clickstream.session_id == raw_session.session_id


        @pytest.mark.parametrize("raw_order__status", ["returned"])
        def test_attribute_fixture(raw_order):
            assert raw_order.status == "returned"


        def test_faker_fixture(faker):
            assert faker.bronze_category() in v.CATEGORY_BY_NAME
    '''))
    result = run_pytest(tmp_path, pg_server)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout, result.stdout


def test_readme_lists_the_parents_of_each_factory():
    text = (ROOT / "README.md").read_text()
    for factory_class, (fixture, parents) in bronze_factories.factories.PARENTS.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{factory_class.__name__}`"))
        assert f"`{fixture}`" in row, row
        for parent in parents:
            assert parent.__name__ in row, (factory_class.__name__, parent.__name__)


# --- 4. ids never collide; a database error is one short line -------------------------------------------
def test_ids_continue_after_the_stored_ones_and_stay_reproducible(bronze_session):
    first = [c.customer_id for c in CustomerFactory.create_batch(3)]
    OrderFactory()
    assert first == ["CUST90000000", "CUST90000001", "CUST90000002"]
    bronze_factories.seed(42)  # restarts the sequences: they continue after what is stored
    again = CustomerFactory()
    assert again.customer_id == "CUST90000004"  # 3 + the order's customer
    order = OrderFactory()
    assert order.order_id == "ORD9000000001"
    assert_contract(bronze_session)


def test_a_database_error_is_one_short_line(bronze_session):
    CustomerFactory()
    bronze_session.connection().exec_driver_sql(
        "INSERT INTO bronze.raw_customers (customer_id, source_system) VALUES ('CUST90000001', 'elsewhere')")
    with pytest.raises(FactoryDatabaseError) as failed:
        CustomerFactory()
    message = str(failed.value)
    assert "\n" not in message and len(message) <= 400, message
    assert "UniqueViolation" in message and "CUST90000001" in message and "INSERT" not in message
    assert failed.value.orig is not None


# --- 5. a cheap plugin and a lean test extra -----------------------------------------------------------------
def test_loading_the_plugin_imports_no_database_or_factory_library():
    code = ("import sys, bronze_factories.pytest_plugin; "
            "print(sorted(m for m in ('sqlalchemy', 'factory', 'faker', 'psycopg2', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_test_extra_holds_what_users_need_and_dev_the_project_tools():
    config = ConfigParser()
    config.read(ROOT / "setup.cfg")
    extras = {name: {line.split(">")[0].split("=")[0].strip() for line in value.strip().splitlines()}
              for name, value in config["options.extras_require"].items()}
    assert extras["test"] == {"pytest", "pytest-factoryboy"}
    assert {"ruff", "build", "pyarrow", "hypothesis", "pytest", "pytest-factoryboy"} <= extras["dev"]
    assert "'.[dev]'" in (ROOT / ".ci" / "run").read_text()
