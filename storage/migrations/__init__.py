"""Alembic migrations (run through storage.migrate)."""
