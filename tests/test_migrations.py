"""The Alembic migrations build exactly the schema the models declare, and run down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.db import Database
from storage.migrate import downgrade, upgrade
from storage.models import Base

# a partial index whose columns differ per database (see migration 0002): declared there only
MIGRATION_ONLY = {"ix_supporters_review_reasons"}


def _diff(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        changes = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    out = []
    for change in changes:
        name = getattr(change[1], "name", "") if isinstance(change, tuple) else ""
        if name not in MIGRATION_ONLY:
            out.append(repr(change))
    return out


def test_migrations_match_the_models_and_go_down_and_up(db: Database) -> None:
    assert _diff(db) == []
    downgrade(db.url, "base")
    upgrade(db.url)
    assert _diff(db) == []
