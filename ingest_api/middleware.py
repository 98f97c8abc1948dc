"""ASGI middleware: refuse oversized uploads early (413), and count requests for /metrics.

Both are plain ASGI callables (not `BaseHTTPMiddleware`), so a streamed body or a streamed
answer passes through untouched.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Sequence
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_UPLOAD_METHODS = frozenset({"POST", "PUT", "PATCH"})


class _BodyTooLarge(Exception):
    pass


async def _answer_413(send: Send, limit: int) -> None:
    body = json.dumps({"error": {"code": "TOO_LARGE",
                                 "message": f"the request body is larger than the limit of {limit} bytes"}})
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body.encode()})


class BodySizeLimit:
    """Answer 413 as soon as an upload is known to be too large.

    A `Content-Length` above the limit is refused before a byte of the body is read; a body
    sent without one (chunked) is counted as it streams in and cut off at the limit. The
    services still check each file as they spool it: this only spares the disk and the wait.
    """

    def __init__(self, app: ASGIApp, rules: Sequence[tuple[str, int]]) -> None:
        self.app = app
        self.rules = [(re.compile(pattern), limit) for pattern, limit in rules]

    def _limit_for(self, path: str) -> int | None:
        for pattern, limit in self.rules:
            if pattern.fullmatch(path):
                return limit
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _UPLOAD_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _answer_413(send, limit)
            return

        seen = 0
        cut = False
        answered = False

        async def counting_receive() -> Message:
            nonlocal seen, cut
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    cut = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if not cut:
                await send(message)
            elif not answered and message["type"] == "http.response.start":
                # The framework turned our interruption into an error answer: send ours instead.
                answered = True
                await _answer_413(send, limit)

        with contextlib.suppress(_BodyTooLarge):  # already answered, or answered just below
            await self.app(scope, counting_receive, guarded_send)
        if cut and not answered:
            await _answer_413(send, limit)


class RequestMetrics:
    """Count requests and time them by route *template* (`/api/v1/documents/{document_id}`).

    Paths that match no route are counted as "unmatched" so scanners cannot blow up the labels.
    """

    def __init__(self, app: ASGIApp, requests: Counter, latency: Histogram) -> None:
        self.app = app
        self.requests = requests
        self.latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self.requests.labels(method, template, str(status)).inc()
            self.latency.labels(method, template).observe(time.perf_counter() - start)
