"""Closing a submission: the handover is complete; reconciliation runs once every document is done."""

from __future__ import annotations

from dukungan import errors
from dukungan.runtime import Runtime
from dukungan.services.audit import record
from pipelines.domain import SubmissionStatus
from storage.models import Submission

ACTOR_RECONCILE = "reconcile_submission"


def close_submission(rt: Runtime, submission_id: str, actor_id: str) -> Submission:
    with rt.db.session() as session:
        sub = session.get(Submission, submission_id, with_for_update=True)
        if sub is None:
            raise errors.NotFound.of("submission", submission_id)
        if sub.status == SubmissionStatus.OPEN:
            sub.status = SubmissionStatus.CLOSING
            record(session, actor_id, "submission.close", sub.id, {"status": "open"}, {"status": "closing"})
    if sub.status == SubmissionStatus.CLOSING:
        rt.send(ACTOR_RECONCILE, submission_id)
    return sub
