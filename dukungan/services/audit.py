"""The append-only audit trail: one helper that adds an event to the caller's transaction.

`record` does not commit: the event is written in the same unit of work as the change it
describes, so either both land or neither does.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent

BOOTSTRAP_ACTOR = "bootstrap-admin"  # the actor of calls made with DUKUNGAN_ADMIN_TOKEN
MACHINE_ACTOR = "machine"  # workers and automatic checks


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return _jsonable(value.value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def record(
    session: Session,
    actor: str,
    action: str,
    object_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> AuditEvent:
    """Add one audit event to `session` (flushed with it; committed by the caller's unit of work).

    `before`/`after` are snapshots of the fields that matter (dates become ISO strings).
    Keep NIKs out of them unless the object *is* personal data the commission must trace.
    """
    event = AuditEvent(
        actor=actor,
        action=action,
        object_id=object_id,
        before=None if before is None else _jsonable(before),
        after=None if after is None else _jsonable(after),
    )
    session.add(event)
    return event


def trail(session: Session, object_id: str | None = None, *, limit: int = 1000) -> list[AuditEvent]:
    """Events oldest first, optionally for one object."""
    stmt = select(AuditEvent).order_by(AuditEvent.id).limit(limit)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return list(session.scalars(stmt))
