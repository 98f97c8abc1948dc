"""The API's routers. Each route parses, calls one service function, and returns.

`ERROR_RESPONSES` documents the error shape in /openapi.json for every /api/v1 route.
"""

from __future__ import annotations

from typing import Any

from ingest_api.schemas import ErrorBody

API_PREFIX = "/api/v1"

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No token, or a token we do not know"},
    403: {"model": ErrorBody, "description": "The caller's role may not do this"},
    404: {"model": ErrorBody, "description": "No such object, or it is outside the caller's scope"},
    422: {"model": ErrorBody, "description": "The request does not validate"},
}
