"""The error tree every service raises; one handler in `ingest_api.app` maps it to HTTP.

Each error carries a machine `code` (stable, for clients) and a human `message`. Messages
never hold a raw NIK: build them with `pipelines.domain.mask_nik`.

    DukunganError
    ├── Unauthorized      401  (no token, or a token we do not know)
    ├── NotFound          404  (also: an object outside the caller's scope)
    ├── Forbidden         403
    ├── Conflict          409  (SubmissionNotOpen, LeaseLost, AlreadyExists)
    ├── TooLarge          413
    ├── UnsupportedMedia  415
    └── BadInput          422
"""

from __future__ import annotations

from typing import Any, ClassVar


class DukunganError(Exception):
    """Base of every error a service raises on purpose. `status` is the HTTP outcome."""

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class Unauthorized(DukunganError):
    status = 401
    default_code = "UNAUTHORIZED"


class NotFound(DukunganError):
    status = 404
    default_code = "NOT_FOUND"

    @classmethod
    def of(cls, kind: str, object_id: str) -> NotFound:
        return cls(f"{kind} {object_id} not found", code=f"{kind.upper().replace(' ', '_')}_NOT_FOUND")


class Forbidden(DukunganError):
    status = 403
    default_code = "FORBIDDEN"


class Conflict(DukunganError):
    status = 409
    default_code = "CONFLICT"


class SubmissionNotOpen(Conflict):
    default_code = "SUBMISSION_NOT_OPEN"

    def __init__(self, submission_id: str, status: str) -> None:
        super().__init__(f"submission {submission_id} is {status}, not open", submission_status=status)
        self.submission_id = submission_id
        self.submission_status = status


class AlreadyExists(Conflict):
    default_code = "ALREADY_EXISTS"


class LeaseLost(Conflict):
    default_code = "LEASE_LOST"


class TooLarge(DukunganError):
    status = 413
    default_code = "TOO_LARGE"


class UnsupportedMedia(DukunganError):
    status = 415
    default_code = "UNSUPPORTED_MEDIA"


class BadInput(DukunganError):
    status = 422
    default_code = "BAD_INPUT"
