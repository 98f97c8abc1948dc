"""Thin dramatiq actors: take ids, call one step, send what the flow table says comes next.

    process_document ─► read_page (one per page) ─► check_document ─► [reconcile_submission]
    import_voters                                  recheck_supporters
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import dramatiq

from dukungan.runtime import Runtime
from dukungan.services import dpt, processing
from dukungan.services.processing import Next, OriginalCache
from workers.retry import is_transient

log = logging.getLogger(__name__)

# actor name → (time limit in ms, the step's kind for the error code when it gives up)
FLOW: dict[str, int] = {
    "process_document": 300_000,
    "read_page": 180_000,
    "check_document": 1_800_000,
    "reconcile_submission": 3_600_000,
    "recheck_supporters": 600_000,
    "import_voters": 3_600_000,
    "flow_gave_up": 60_000,
}


def register(broker: dramatiq.Broker, rt: Runtime, engines_factory: Callable[[], Any]) -> dict[str, Any]:
    """Declare the actors on `broker` for this process; the runtime and engines are built once."""
    cache = OriginalCache()
    engines: dict[str, Any] = {}
    queue = rt.settings.queue_name

    def get_engines() -> Any:
        if "e" not in engines:
            engines["e"] = engines_factory()
        return engines["e"]

    def follow(document_id: str | None, nxt: Next) -> None:
        for number in nxt.read_pages:
            rt.send("read_page", document_id, number)
        if nxt.check_document and document_id:
            rt.send("check_document", document_id)
        if nxt.recheck:
            rt.send("recheck_supporters", sorted(nxt.recheck))
        if nxt.reconcile_submission:
            rt.send("reconcile_submission", nxt.reconcile_submission)

    def guarded(document_id: str, step: Callable[[], Next]) -> None:
        """A permanent error ends the document `failed` with a code; a transient one is retried."""
        try:
            follow(document_id, step())
        except Exception as exc:
            if is_transient(exc):
                raise
            log.exception("document %s failed in a step", document_id)
            follow(document_id, processing.fail_document(
                rt, document_id, "INTERNAL_ERROR", f"{type(exc).__name__}: the step failed; see the worker log"))

    def opts(name: str) -> dict[str, Any]:
        return {"actor_name": name, "queue_name": queue, "time_limit": FLOW[name],
                "on_retry_exhausted": "flow_gave_up"}

    def process_document(document_id: str) -> None:
        guarded(document_id, lambda: processing.split_document(rt, cache, document_id))

    def read_page(document_id: str, number: int) -> None:
        guarded(document_id, lambda: processing.read_document_page(rt, cache, get_engines(), document_id,
                                                                  number))

    def check_document(document_id: str) -> None:
        guarded(document_id, lambda: processing.check_document(rt, document_id))

    def reconcile_submission(submission_id: str) -> None:
        follow(None, processing.reconcile_submission(rt, submission_id))

    def recheck_supporters(ids: list[str]) -> None:
        processing.recheck(rt, ids)

    def import_voters(import_id: str) -> None:
        dpt.run_voter_import(rt, import_id)

    def flow_gave_up(message: dict[str, Any], info: dict[str, Any]) -> None:
        """Retries exhausted: the document (or import) ends failed with a code, never stuck."""
        name, args = message.get("actor_name"), message.get("args") or []
        timed_out = "TimeLimitExceeded" in str((message.get("options") or {}).get("traceback", ""))
        code = "TIMEOUT" if timed_out else "RETRIES_EXHAUSTED"
        text = (f"{name} gave up after {info.get('retries')} retries"
                + (" (time limit)" if timed_out else " (a service was unavailable)"))
        if name in ("process_document", "read_page", "check_document") and args:
            follow(args[0], processing.fail_document(rt, args[0], code, text))
        elif name == "import_voters" and args:
            dpt.fail_import(rt, args[0], text)
        else:
            log.error("%s: %s", code, text)

    actors = {}
    for fn in (process_document, read_page, check_document, reconcile_submission, recheck_supporters,
               import_voters):
        actors[fn.__name__] = dramatiq.actor(broker=broker, **opts(fn.__name__))(fn)
    actors["flow_gave_up"] = dramatiq.actor(broker=broker, actor_name="flow_gave_up", queue_name=queue,
                                            time_limit=FLOW["flow_gave_up"], max_retries=0)(flow_gave_up)
    return actors
