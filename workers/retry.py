"""Retry rules declared by exception type: transient errors are retried, nothing else is."""

from __future__ import annotations

from dramatiq.middleware.time_limit import TimeLimitExceeded
from sqlalchemy.exc import DBAPIError, OperationalError

from pipelines.engines.base import EngineError
from storage.objects import ObjectStoreUnavailable

MAX_RETRIES = 3
TRANSIENT: tuple[type[BaseException], ...] = (
    EngineError,  # an OCR engine crashed or timed out
    ObjectStoreUnavailable,
    OperationalError,  # database connection lost, lock timeout, deadlock
    TimeLimitExceeded,
    ConnectionError,
    TimeoutError,
)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, TRANSIENT)


def retry_when(retries: int, exc: BaseException) -> bool:
    return retries < MAX_RETRIES and is_transient(exc)
