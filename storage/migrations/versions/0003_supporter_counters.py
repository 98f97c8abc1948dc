"""supporter counters kept by database triggers, for the candidate status

Revision ID: 0003_supporter_counters
Revises: 0002_api_read_indexes
Create Date: 2026-11-28 20:30:00

`supporter_counts` holds, per (candidate, submission, status, district), how many supporter
entries there are (reason = ''), and per (candidate, submission, 'needs_review', reason) how many
of the entries waiting for review carry that reason (district_code = ''; a reason listed twice in
one entry counts once). A missing district is stored as ''. The status endpoint reads these few
hundred rows instead of aggregating millions of supporters.

Triggers keep them, because supporters are written in many places (the reading stage, the
checks, the review, bulk loads with COPY) and a trigger sees every one of them:

- PostgreSQL: statement-level AFTER INSERT / UPDATE / DELETE triggers with transition tables.
  Each statement appends its net change, grouped, to `supporter_count_deltas`: writers lock no
  shared counter row, so workers checking entries of the same candidate never queue on, or
  deadlock over, a hot counter row, and a COPY of a million rows adds a few hundred delta rows.
  Now and then (one statement in ~50) the trigger also folds the candidate's deltas into
  `supporter_counts` (`supporter_counts_fold`, which never waits: see there), so the deltas stay
  a few hundred rows. Readers (`dukungan.services.counting`) read counts + deltas, which is
  exact in any one snapshot, and write nothing.
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
    # trigger event: (REFERENCING clause, the rows whose net change is appended, the touched rows)
    "insert": ("NEW TABLE AS new_rows", _pg_rows("new_rows", "1"), "new_rows"),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows",
               _pg_rows("old_rows", "-1") + "\n        UNION ALL" + _pg_rows("new_rows", "1"),
               "(SELECT candidate_id FROM old_rows UNION SELECT candidate_id FROM new_rows)"),
    "delete": ("OLD TABLE AS old_rows", _pg_rows("old_rows", "-1"), "old_rows"),
}
FOLD_CHANCE = 0.02  # a writer folds once in ~50 statements: a few hundred deltas per candidate at most

# Fold a candidate's deltas into the counters. Whoever folds a candidate holds its advisory lock
# to the end of the transaction, and only a folder locks that candidate's counter rows, so a
# fold never waits: one that does not get the lock leaves the deltas for the next.
PG_FOLD = f"""
    CREATE FUNCTION supporter_counts_fold(of_candidate text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT pg_try_advisory_xact_lock(hashtext('supporter_counts'), hashtext(of_candidate)) THEN
            RETURN;
        END IF;
        WITH moved AS (
            DELETE FROM supporter_count_deltas WHERE candidate_id = of_candidate RETURNING {COLUMNS}
        )
        INSERT INTO supporter_counts AS c ({COLUMNS})
        SELECT {GROUP}, sum(n) FROM moved GROUP BY {GROUP} ORDER BY {GROUP}
        ON CONFLICT ({GROUP}) DO UPDATE SET n = c.n + excluded.n;
    END $$"""


def _pg_upgrade() -> None:
    op.execute(PG_FOLD)
    for event, (referencing, rows, touched) in PG_TRIGGERS.items():
        op.execute(f"""
            CREATE FUNCTION supporter_counts_on_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO supporter_count_deltas ({COLUMNS})
                SELECT {GROUP}, sum(n) FROM ({rows}
                ) d
                GROUP BY {GROUP}
                HAVING sum(n) <> 0;
                IF random() < {FOLD_CHANCE} THEN
                    PERFORM supporter_counts_fold(t.candidate_id)
                    FROM (SELECT DISTINCT candidate_id FROM {touched} x) t;
                END IF;
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
    op.execute("DROP FUNCTION IF EXISTS supporter_counts_fold(text)")


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


SQLITE_CHANGED = ("OLD.candidate_id IS NOT NEW.candidate_id OR OLD.submission_id IS NOT NEW.submission_id "
                  "OR OLD.status IS NOT NEW.status OR OLD.district_code IS NOT NEW.district_code "
                  "OR OLD.reasons IS NOT NEW.reasons")
SQLITE_TRIGGERS = {
    # trigger event: (the event clause, the condition, the statements)
    "insert": ("INSERT", "1", _sqlite_bump("NEW", "1")),
    "update": ("UPDATE OF candidate_id, submission_id, status, district_code, reasons", SQLITE_CHANGED,
               _sqlite_bump("OLD", "-1") + _sqlite_bump("NEW", "1")),
    "delete": ("DELETE", "1", _sqlite_bump("OLD", "-1")),
}


def _sqlite_upgrade() -> None:
    for event, (clause, when, body) in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER supporter_counts_{event} AFTER {clause} ON supporters FOR EACH ROW "
                   f"WHEN {when} BEGIN {body}\nEND")
    op.execute(f"""
        INSERT INTO supporter_counts ({COLUMNS})
        SELECT {GROUP}, sum(n) FROM (
            SELECT candidate_id, submission_id, status, coalesce(district_code, '') AS district_code,
                   '' AS reason, 1 AS n
            FROM supporters
            UNION ALL
            SELECT candidate_id, submission_id, status, '', value, 1 FROM (
                SELECT DISTINCT s.id, s.candidate_id, s.submission_id, s.status, r.value
                FROM supporters s, json_each(CASE WHEN json_type(s.reasons) = 'array' THEN s.reasons ELSE '[]' END) r
                WHERE s.status = {NEEDS_REVIEW}
            )
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
