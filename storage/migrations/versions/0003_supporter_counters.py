"""supporter counters kept by database triggers, for the candidate status

Revision ID: 0003_supporter_counters
Revises: 0002_api_read_indexes
Create Date: 2026-11-29 20:30:00

`supporter_counts` holds, per (candidate, submission, status, district), how many supporter
entries there are (reason = ''), and per (candidate, submission, 'needs_review', reason) how many
of the entries waiting for review carry that reason (district_code = ''; a reason listed twice in
one entry counts once). A missing district is stored as ''. The status endpoint reads these few
hundred rows instead of aggregating millions of supporters.

Triggers keep them, because supporters are written in many places (the reading stage, the
checks, the review, bulk loads with COPY) and a trigger sees every one of them:

- PostgreSQL: statement-level AFTER INSERT / UPDATE / DELETE triggers with transition tables.
  Each statement appends its net change, grouped, to `supporter_count_deltas`: no counter row
  is locked by a writer, so workers checking entries of the same candidate never queue on, or
  deadlock over, a hot counter row, and a COPY of a million rows adds a few hundred delta rows.
  The reader folds the deltas into `supporter_counts` (`dukungan.services.counting`), and always
  reads counts + deltas, which is exact in any one snapshot.
- SQLite: row-level triggers upsert `supporter_counts` directly (one writer at a time there, so
  there is no contention to avoid); `supporter_count_deltas` stays empty.

The upgrade creates the triggers first and then backfills from the existing rows in the same
transaction: on PostgreSQL, CREATE TRIGGER locks out writers until the commit, so no change is
counted twice or lost.
"""
import sqlalchemy as sa
from alembic import op


revision = "0003_supporter_counters"
down_revision = "0002_api_read_indexes"
branch_labels = None
depends_on = None

KEY = ("candidate_id", "submission_id", "status", "district_code", "reason")
COLUMNS = ", ".join((*KEY, "n"))
GROUP = ", ".join(KEY)
NEEDS_REVIEW = "'needs_review'"


def _key_columns() -> list[sa.Column[str]]:
    return [
        sa.Column("candidate_id", sa.String(32), nullable=False),
        sa.Column("submission_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("district_code", sa.String(6), nullable=False, server_default=""),
        sa.Column("reason", sa.String(), nullable=False, server_default=""),
    ]


# -- PostgreSQL ---------------------------------------------------------------------------------


def _pg_rows(table: str, sign: str) -> str:
    """The counter rows one set of supporters contributes, each weighted `sign`."""
    return f"""
        SELECT candidate_id, submission_id, status, coalesce(district_code, '') AS district_code,
               '' AS reason, {sign} AS n
        FROM {table}
        UNION ALL
        SELECT t.candidate_id, t.submission_id, t.status, '', r.reason, {sign}
        FROM {table} t
        CROSS JOIN LATERAL (
            SELECT DISTINCT value AS reason FROM json_array_elements_text(
                CASE WHEN json_typeof(t.reasons) = 'array' THEN t.reasons ELSE '[]'::json END)
        ) r
        WHERE t.status = {NEEDS_REVIEW}"""


PG_TRIGGERS = {
    # trigger event: (REFERENCING clause, the rows whose net change is appended)
    "insert": ("NEW TABLE AS new_rows", _pg_rows("new_rows", "1")),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows",
               _pg_rows("old_rows", "-1") + "\n        UNION ALL" + _pg_rows("new_rows", "1")),
    "delete": ("OLD TABLE AS old_rows", _pg_rows("old_rows", "-1")),
}


def _pg_upgrade() -> None:
    for event, (referencing, rows) in PG_TRIGGERS.items():
        op.execute(f"""
            CREATE FUNCTION supporter_counts_on_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO supporter_count_deltas ({COLUMNS})
                SELECT {GROUP}, sum(n) FROM ({rows}
                ) d
                GROUP BY {GROUP}
                HAVING sum(n) <> 0;
                RETURN NULL;
            END $$""")
        op.execute(f"""
            CREATE TRIGGER supporter_counts_{event} AFTER {event.upper()} ON supporters
            REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION supporter_counts_on_{event}()""")
    op.execute(f"""
        INSERT INTO supporter_counts ({COLUMNS})
        SELECT {GROUP}, sum(n) FROM ({_pg_rows("supporters", "1")}
        ) d
        GROUP BY {GROUP}""")


def _pg_downgrade() -> None:
    for event in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS supporter_counts_{event} ON supporters")
        op.execute(f"DROP FUNCTION IF EXISTS supporter_counts_on_{event}()")


# -- SQLite -------------------------------------------------------------------------------------


def _sqlite_bump(row: str, sign: str) -> str:
    """Statements adding `sign` to the counters of one supporter row (NEW or OLD)."""
    upsert = f"ON CONFLICT ({GROUP}) DO UPDATE SET n = n + excluded.n"
    return f"""
        INSERT INTO supporter_counts ({COLUMNS})
        VALUES ({row}.candidate_id, {row}.submission_id, {row}.status, coalesce({row}.district_code, ''), '', {sign})
        {upsert};
        INSERT INTO supporter_counts ({COLUMNS})
        SELECT {row}.candidate_id, {row}.submission_id, {row}.status, '', r.value, {sign}
        FROM (SELECT DISTINCT value FROM json_each(
            CASE WHEN json_type({row}.reasons) = 'array' THEN {row}.reasons ELSE '[]' END)) r
        WHERE {row}.status = {NEEDS_REVIEW}
        {upsert};"""


SQLITE_TRIGGERS = {
    "insert": ("AFTER INSERT ON supporters", _sqlite_bump("NEW", "1")),
    "update": ("AFTER UPDATE OF candidate_id, submission_id, status, district_code, reasons ON supporters "
               "WHEN OLD.candidate_id IS NOT NEW.candidate_id OR OLD.submission_id IS NOT NEW.submission_id "
               "OR OLD.status IS NOT NEW.status OR OLD.district_code IS NOT NEW.district_code "
               "OR OLD.reasons IS NOT NEW.reasons",
               _sqlite_bump("OLD", "-1") + _sqlite_bump("NEW", "1")),
    "delete": ("AFTER DELETE ON supporters", _sqlite_bump("OLD", "-1")),
}


def _sqlite_upgrade() -> None:
    for event, (when, body) in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER supporter_counts_{event} {when} FOR EACH ROW BEGIN {body}\nEND")
    op.execute(f"""
        INSERT INTO supporter_counts ({COLUMNS})
        SELECT {GROUP}, sum(n) FROM (
            SELECT candidate_id, submission_id, status, coalesce(district_code, '') AS district_code,
                   '' AS reason, 1 AS n
            FROM supporters
            UNION ALL
            SELECT s.candidate_id, s.submission_id, s.status, '', r.value, 1
            FROM supporters s, (SELECT DISTINCT value FROM json_each(
                CASE WHEN json_type(s.reasons) = 'array' THEN s.reasons ELSE '[]' END)) r
            WHERE s.status = {NEEDS_REVIEW}
        ) d
        GROUP BY {GROUP}""")


def _sqlite_downgrade() -> None:
    for event in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS supporter_counts_{event}")


# -- both ---------------------------------------------------------------------------------------


def upgrade() -> None:
    op.create_table(
        "supporter_counts",
        *_key_columns(),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_supporter_counts")),
    )
    op.create_table(
        "supporter_count_deltas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        *_key_columns(),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporter_count_deltas")),
    )
    op.create_index("ix_supporter_count_deltas_candidate", "supporter_count_deltas", ["candidate_id"])
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg_downgrade()
    else:
        _sqlite_downgrade()
    op.drop_index("ix_supporter_count_deltas_candidate", table_name="supporter_count_deltas")
    op.drop_table("supporter_count_deltas")
    op.drop_table("supporter_counts")
