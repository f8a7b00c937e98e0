"""Alembic migrations, shipped inside the package (see :mod:`mediation.schema`)."""
