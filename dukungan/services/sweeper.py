"""Nothing stays stuck: documents and submissions whose messages were lost are sent again.

Redis here keeps nothing on disk, so a broker restart loses queued messages; a worker killed
hard loses the one it held. Every step is idempotent, so the sweeper simply re-sends the flow's
entry point for anything that has made no progress for a while, and fails a document with
`STALLED` after too many attempts (an operator sees it; nothing is silently stuck).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from dukungan.runtime import Runtime
from dukungan.services.processing import fail_document
from pipelines.domain import DocumentStatus, SubmissionStatus
from storage.models import Document, Page, Submission

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepRules:
    received_after: dt.timedelta = dt.timedelta(minutes=2)  # never picked up
    stalled_after: dt.timedelta = dt.timedelta(minutes=15)  # no page read for this long
    max_attempts: int = 5


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t


def sweep(rt: Runtime, now: dt.datetime | None = None, rules: SweepRules = SweepRules()) -> list[tuple[str, str]]:
    """Re-send what is stuck; return the (actor, id) pairs sent, for logs and tests."""
    now = now or dt.datetime.now(dt.UTC)
    sent: list[tuple[str, str]] = []
    failed: list[str] = []
    with rt.db.session() as session:
        waiting = session.scalars(select(Document).where(
            Document.status == DocumentStatus.RECEIVED, Document.created_at < now - rules.received_after))
        sent += [("process_document", d.id) for d in waiting]
        busy = session.execute(
            select(Document.id, Document.attempts, Document.started_at, func.max(Page.read_at))
            .outerjoin(Page, Page.document_id == Document.id)
            .where(Document.status == DocumentStatus.PROCESSING)
            .group_by(Document.id, Document.attempts, Document.started_at)).all()
        for doc_id, attempts, started, last_read in busy:
            progress = max(t for t in (_aware(started), _aware(last_read)) if t is not None) if (
                started or last_read) else None
            if progress is None or progress >= now - rules.stalled_after:
                continue
            if attempts >= rules.max_attempts:
                failed.append(doc_id)
            else:
                sent.append(("process_document", doc_id))
        closing = session.scalars(select(Submission.id).where(Submission.status == SubmissionStatus.CLOSING))
        sent += [("reconcile_submission", sid) for sid in closing]
    for doc_id in failed:
        fail_document(rt, doc_id, "STALLED", f"no progress after {rules.max_attempts} attempts; upload it again "
                      "or ask an administrator to look at the worker logs")
    for actor, object_id in sent:
        rt.send(actor, object_id)
    if sent or failed:
        log.warning("sweeper: re-sent %d, failed %d stalled documents", len(sent), len(failed))
    return sent
