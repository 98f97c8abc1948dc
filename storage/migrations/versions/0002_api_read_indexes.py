"""indexes for the API's read side: status counts, spread, keyset pages, ID-card links

Revision ID: 0002_api_read_indexes
Revises: 0001
Create Date: 2026-11-28 21:00:00

Every query of `dukungan.services.counting` and `reading_models` is a range scan on one of
these (index-only where it matters), so the candidate status stays fast at millions of rows:

- supporters (candidate_id, status, district_code): the spread, walked district by district;
- supporters (candidate_id, submission_id) INCLUDE (reasons) WHERE status = 'needs_review': the
  reasons of the entries waiting for review, read from the index alone (on SQLite, reasons is
  a key column instead: no INCLUDE there);
- supporters (candidate_id, id) and (candidate_id, status, id): keyset pages of supporters;
- supporters (submission_id, status): a submission's counts;
- supporters (id_card_id): the supporter ids behind an ID card;
- documents (candidate_id, status), documents (status): document counts and the metrics gauge;
- id_cards (candidate_id, id): keyset pages of ID cards.

On PostgreSQL they are built CONCURRENTLY, so upgrading a live database does not block writers.
"""
import sqlalchemy as sa
from alembic import op


revision = "0002_api_read_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_supporters_candidate_status_district", "supporters", ["candidate_id", "status", "district_code"]),
    ("ix_supporters_candidate_keyset", "supporters", ["candidate_id", "id"]),
    ("ix_supporters_candidate_status_keyset", "supporters", ["candidate_id", "status", "id"]),
    ("ix_supporters_submission_status", "supporters", ["submission_id", "status"]),
    ("ix_supporters_id_card", "supporters", ["id_card_id"]),
    ("ix_documents_candidate_status", "documents", ["candidate_id", "status"]),
    ("ix_documents_status", "documents", ["status"]),
    ("ix_id_cards_candidate_keyset", "id_cards", ["candidate_id", "id"]),
)


REVIEW_REASONS = "ix_supporters_review_reasons"
NEEDS_REVIEW = sa.text("status = 'needs_review'")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, table, columns in INDEXES:
                op.create_index(name, table, columns, postgresql_concurrently=True, if_not_exists=True)
            op.create_index(REVIEW_REASONS, "supporters", ["candidate_id", "submission_id"],
                            postgresql_include=["reasons"], postgresql_where=NEEDS_REVIEW,
                            postgresql_concurrently=True, if_not_exists=True)
    else:
        for name, table, columns in INDEXES:
            op.create_index(name, table, columns, if_not_exists=True)
        op.create_index(REVIEW_REASONS, "supporters", ["candidate_id", "submission_id", "reasons"],
                        sqlite_where=NEEDS_REVIEW, if_not_exists=True)


def downgrade() -> None:
    op.drop_index(REVIEW_REASONS, table_name="supporters", if_exists=True)
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table, if_exists=True)
