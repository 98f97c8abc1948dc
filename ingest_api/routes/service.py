"""For the machines around the service: liveness, readiness, and Prometheus metrics (no auth)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from dukungan.runtime import Runtime
from ingest_api.deps import RuntimeDep
from ingest_api.schemas import Health, Readiness
from pipelines.domain import DocumentStatus
from storage.db import ping as ping_database
from storage.models import Document, ReviewItem

log = logging.getLogger(__name__)
router = APIRouter(tags=["service"])

CHECK_TIMEOUT_SECONDS = 5.0


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up (nothing else is asked)."""
    return Health()


def readiness_checks(rt: Runtime) -> dict[str, Callable[[], None]]:
    checks: dict[str, Callable[[], None]] = {
        "database": lambda: ping_database(rt.db.engine),
        "object_store": rt.store.ping,
    }
    broker_ping = rt.extras.get("broker_ping")
    if callable(broker_ping):
        checks["broker"] = broker_ping
    return checks


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(rt: RuntimeDep) -> JSONResponse:
    """The database, the broker and the object store answer; 503 names the part that does not."""
    checks = readiness_checks(rt)
    results: dict[str, str] = {}
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    try:
        futures = {name: pool.submit(check) for name, check in checks.items()}
        for name, future in futures.items():
            try:
                future.result(timeout=CHECK_TIMEOUT_SECONDS)
                results[name] = "ok"
            except FutureTimeout:
                results[name] = f"no answer within {CHECK_TIMEOUT_SECONDS:g}s"
            except Exception as exc:
                results[name] = _first_line(exc)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a hung check must not hang the probe
    if "broker" not in results:
        results["broker"] = "not checked (no broker ping configured)"
    ok = all(v == "ok" or v.startswith("not checked") for v in results.values())
    body = Readiness(status="ok" if ok else "unavailable", checks=results)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


class DatabaseCollector(Collector):
    """Gauges read from the database on each scrape: small GROUP BYs over indexed columns."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Names only, so registering the collector does not query the database.
        yield GaugeMetricFamily("dukungan_documents", "Documents by status", labels=["status"])
        yield GaugeMetricFamily("dukungan_review_items", "Review items by status", labels=["status"])

    def collect(self) -> Iterator[GaugeMetricFamily]:
        documents = GaugeMetricFamily("dukungan_documents", "Documents by status", labels=["status"])
        review = GaugeMetricFamily("dukungan_review_items", "Review items by status", labels=["status"])
        try:
            with self.rt.db.session() as session:
                by_doc: dict[str, int] = {status: n for status, n in session.execute(
                    select(Document.status, func.count()).group_by(Document.status))}
                by_review: dict[str, int] = {status: n for status, n in session.execute(
                    select(ReviewItem.status, func.count()).group_by(ReviewItem.status))}
        except Exception as exc:  # a scrape must not fail: the gauges are left out, /readyz says why
            log.warning("metrics: cannot read the database: %s", _first_line(exc))
            return
        for known in DocumentStatus:
            documents.add_metric([known.value], by_doc.pop(known.value, 0))
        for other, n in by_doc.items():
            documents.add_metric([other], n)
        for status, n in by_review.items():
            review.add_metric([status], n)
        yield documents
        yield review


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
def metrics(request: Request) -> Response:
    registry: CollectorRegistry = request.app.state.metrics_registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
