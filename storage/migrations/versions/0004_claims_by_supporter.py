"""index support_claims by supporter: a check releases its entry's old claims without a scan

Revision ID: 0004_claims_by_supporter
Revises: 0003_supporter_counters
"""

from alembic import op

revision = "0004_claims_by_supporter"
down_revision = "0003_supporter_counters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_support_claims_supporter", "support_claims", ["supporter_id"])


def downgrade() -> None:
    op.drop_index("ix_support_claims_supporter", table_name="support_claims")
