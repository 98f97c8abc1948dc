"""The object-store port: where uploaded originals and derived artefacts (page images, crops) live.

Originals are content-addressed (`originals/<sha[:2]>/<sha>`) and write-once: the port offers no
way to overwrite or delete one. Derived artefacts sit beside them under `derived/<sha>/...`.
Adapters (`objects_local.LocalDiskStore`, `objects_s3.S3Store`) implement the small protected
hooks; the public methods here validate keys and keep the write-once rule in one place.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

ORIGINALS_PREFIX = "originals/"
DERIVED_PREFIX = "derived/"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
CHUNK_SIZE = 1024 * 1024

_SHA256 = re.compile(r"[0-9a-f]{64}")
# Keys are built by our own code (sha, page numbers, stage names), never from user file names,
# so a strict alphabet costs nothing and rules out traversal and odd encodings on every backend.
_SEGMENT = re.compile(r"[A-Za-z0-9_=+-][A-Za-z0-9._=+-]*")
_MAX_KEY_LENGTH = 1024


class ObjectStoreError(Exception):
    """Base of every error raised through the port."""


class ObjectNotFound(ObjectStoreError):
    def __init__(self, key: str) -> None:
        super().__init__(f"object not found: {key}")
        self.key = key


class ObjectStoreUnavailable(ObjectStoreError):
    """The backend cannot be reached or refuses us (transient, or a configuration error)."""


class InvalidKey(ObjectStoreError, ValueError):
    """A key outside the allowed alphabet, a traversal attempt, or a write to an original."""


class InvalidStorageUrl(ObjectStoreError, ValueError):
    """The storage URL cannot be parsed."""


class TooLarge(ValueError):
    """An upload went past the size limit while it was being spooled (control flow: answer 413)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"upload exceeds the limit of {max_bytes} bytes")
        self.max_bytes = max_bytes


class SpooledFile(NamedTuple):
    path: Path
    sha256: str
    size: int


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is a safe relative key, else raise `InvalidKey`."""
    if not key or len(key) > _MAX_KEY_LENGTH:
        raise InvalidKey(f"invalid object key length: {len(key)}")
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment):
            raise InvalidKey(f"invalid object key: {key!r}")
    return key


def _check_sha(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise InvalidKey(f"not a lowercase hex SHA-256: {sha256!r}")
    return sha256


def original_key(sha256: str) -> str:
    _check_sha(sha256)
    return f"{ORIGINALS_PREFIX}{sha256[:2]}/{sha256}"


def derived_key(sha256: str, *parts: str) -> str:
    """`derived/<sha>/<parts...>`: artefacts computed from one original, e.g. ("pages", "0001.png")."""
    _check_sha(sha256)
    if not parts:
        raise InvalidKey("derived_key needs at least one part after the sha")
    return validate_key("/".join((f"{DERIVED_PREFIX.rstrip('/')}", sha256, *parts)))


def sha256_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def spool_and_hash(
    stream: BinaryIO, dest_dir: Path, max_bytes: int, *, chunk_size: int = CHUNK_SIZE
) -> SpooledFile:
    """Copy `stream` to a new temp file in `dest_dir`, hashing as it goes.

    Raises `TooLarge` as soon as more than `max_bytes` have been read (the partial file is
    removed); memory use is one chunk whatever the upload's size. The caller owns the file.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(dir=dest_dir, prefix="upload-", suffix=".part")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(chunk_size):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(max_bytes)
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return SpooledFile(path, digest.hexdigest(), size)


class ObjectStore(ABC):
    """Port: a flat namespace of keys holding bytes. Adapters implement the `_` hooks."""

    # -- public API: validation and the write-once rule live here, once --------------------

    def put_original_file(self, path: Path, content_type: str = DEFAULT_CONTENT_TYPE) -> str:
        """Store `path`'s bytes under their SHA-256 unless already there; return the sha.

        Idempotent: the same bytes give the same key and are never rewritten.
        """
        sha = sha256_file(path)
        key = original_key(sha)
        if not self._exists(key):
            self._write_original(key, path, content_type)
        return sha

    def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        """Store a derived artefact (replacing an earlier one: derived data can be recomputed)."""
        validate_key(key)
        if key.startswith(ORIGINALS_PREFIX):
            raise InvalidKey(f"originals are write-once; use put_original_file, not put({key!r})")
        self._write(key, data, content_type)

    def get(self, key: str) -> bytes:
        with self.open(key) as f:
            return f.read()

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """`with store.open(key) as f: f.read(n)`; raises `ObjectNotFound` on entry."""
        return self._open(validate_key(key))

    def download_to(self, key: str, path: Path) -> None:
        """Copy an object to a local file, atomically (a temp file beside `path`, then rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.open(key) as src, _atomic_file(path) as out:
            shutil.copyfileobj(src, out, CHUNK_SIZE)

    def exists(self, key: str) -> bool:
        return self._exists(validate_key(key))

    @abstractmethod
    def ping(self) -> None:
        """Raise `ObjectStoreUnavailable` with a one-line message when the store cannot serve."""

    @abstractmethod
    def describe(self) -> str:
        """Where the store is, for logs and error messages (never includes secrets)."""

    # -- adapter hooks (keys already validated) --------------------------------------------

    @abstractmethod
    def _write_original(self, key: str, path: Path, content_type: str) -> None:
        """Store the file under `key`; must not replace an object that appeared meanwhile."""

    @abstractmethod
    def _write(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    def _open(self, key: str) -> AbstractContextManager[BinaryIO]: ...

    @abstractmethod
    def _exists(self, key: str) -> bool: ...

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


@contextmanager
def _atomic_file(path: Path) -> Iterator[BinaryIO]:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def open_object_store(url: str, *, create: bool = True) -> ObjectStore:
    """Build the store named by a storage URL (see API.md, "Running it").

    `file:///abs/path` is the local disk; `s3://KEY:SECRET@HOST:PORT/BUCKET[?secure=1]` is
    MinIO or any S3 server. With `create`, the root directory or the bucket is created when
    missing, which talks to the server: an unreachable one raises `ObjectStoreUnavailable`.
    """
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise InvalidStorageUrl("file storage URL must be absolute: file:///abs/path")
        from storage.objects_local import LocalDiskStore

        local = LocalDiskStore(Path(unquote(parts.path)))
        if create:
            local.ensure_root()
        return local
    if parts.scheme == "s3":
        return _open_s3(url, create=create)
    raise InvalidStorageUrl(f"unsupported storage URL scheme {parts.scheme!r} (use file:// or s3://)")


def _open_s3(url: str, *, create: bool) -> ObjectStore:
    parts = urlsplit(url)
    bucket = parts.path.strip("/")
    try:
        port = parts.port
    except ValueError as e:
        raise InvalidStorageUrl(f"bad port in s3 storage URL: {e}") from None
    if not parts.hostname or not parts.username or parts.password is None or not bucket or "/" in bucket:
        raise InvalidStorageUrl("s3 storage URL must look like s3://ACCESS_KEY:SECRET_KEY@HOST:PORT/BUCKET")
    query = parse_qs(parts.query)
    secure = query.get("secure", ["0"])[-1].lower() in ("1", "true", "yes", "on")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    endpoint = f"{host}:{port}" if port else host

    from storage.objects_s3 import S3Store

    s3 = S3Store(
        endpoint=endpoint,
        access_key=unquote(parts.username),
        secret_key=unquote(parts.password),
        bucket=bucket,
        secure=secure,
    )
    if create:
        s3.ensure_bucket()
    return s3
