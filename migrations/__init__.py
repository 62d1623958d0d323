"""Alembic migrations of the bronze schema, shipped inside the package (``bronze_factories.migrations``)."""
