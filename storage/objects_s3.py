"""The object store on MinIO or any S3 server, through the `minio` client.

Originals are streamed from their temp file with a known length (no whole-file buffering).
Errors are translated at the boundary: a missing key is `ObjectNotFound`, a server that cannot
be reached (or answers 5xx) is `ObjectStoreUnavailable`, any other S3 refusal `ObjectStoreError`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO, cast

import certifi
import urllib3
from minio import Minio
from minio.error import MinioException, S3Error, ServerError
from urllib3.util import Retry, Timeout

from storage.objects import ObjectNotFound, ObjectStore, ObjectStoreError, ObjectStoreUnavailable

_MISSING_KEY_CODES = frozenset({"NoSuchKey", "NoSuchObject"})
_UNAVAILABLE_CODES = frozenset(
    {"NoSuchBucket", "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"}
)
_CREDENTIAL_CODES = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"})


def _http_client(*, connect_timeout: float, read_timeout: float) -> urllib3.PoolManager:
    # minio's own default retries a refused connection five times with backoff (seconds of
    # silence); a short, explicit budget gives a quick, clear error at start-up instead.
    return urllib3.PoolManager(
        timeout=Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )


class S3Store(ObjectStore):
    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool = False,
        region: str = "us-east-1",
        connect_timeout: float = 5.0,
        read_timeout: float = 120.0,
    ) -> None:
        self.endpoint = endpoint
        self.bucket = bucket
        self.secure = secure
        # A fixed region spares a GetBucketLocation round-trip; MinIO and SeaweedFS accept it.
        self._client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(connect_timeout=connect_timeout, read_timeout=read_timeout),
        )

    def describe(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.endpoint}/{self.bucket}"

    @contextmanager
    def _translate(self, key: str | None = None) -> Iterator[None]:
        try:
            yield
        except S3Error as e:
            if key is not None and e.code in _MISSING_KEY_CODES:
                raise ObjectNotFound(key) from None
            what = f"S3 server {self.describe()} refused the request: {e.code} ({e.message})"
            if e.code in _UNAVAILABLE_CODES:
                raise ObjectStoreUnavailable(what) from e
            if e.code in _CREDENTIAL_CODES:
                raise ObjectStoreUnavailable(f"{what}; check the access key and secret") from e
            raise ObjectStoreError(what) from e
        except ServerError as e:
            raise ObjectStoreUnavailable(f"S3 server {self.describe()} failed: HTTP {e.status_code}") from e
        except MinioException as e:
            raise ObjectStoreError(f"S3 server {self.describe()}: {e}") from e
        except (urllib3.exceptions.HTTPError, OSError) as e:
            reason = getattr(e, "reason", None) or e
            raise ObjectStoreUnavailable(f"S3 server {self.describe()} unreachable: {reason}") from e

    def ensure_bucket(self) -> None:
        with self._translate():
            if not self._client.bucket_exists(self.bucket):
                try:
                    self._client.make_bucket(self.bucket)
                except S3Error as e:
                    # Another process created it between our two calls: that is what we wanted.
                    if e.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise

    def ping(self) -> None:
        try:
            with self._translate():
                found = self._client.bucket_exists(self.bucket)
        except ObjectStoreUnavailable:
            raise
        except ObjectStoreError as e:
            raise ObjectStoreUnavailable(str(e)) from e
        if not found:
            raise ObjectStoreUnavailable(f"S3 bucket missing: {self.describe()}")

    def _exists(self, key: str) -> bool:
        try:
            with self._translate(key):
                self._client.stat_object(self.bucket, key)
        except ObjectNotFound:
            return False
        return True

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        with self._translate():
            self._client.put_object(self.bucket, key, io.BytesIO(data), len(data), content_type=content_type)

    def _write_original(self, key: str, path: Path, content_type: str) -> None:
        # The port checked that the key is absent. A concurrent writer of the same key writes
        # the same bytes (the key is their hash), so the last-writer race is harmless.
        with path.open("rb") as f, self._translate():
            size = os.fstat(f.fileno()).st_size
            self._client.put_object(self.bucket, key, f, size, content_type=content_type)

    def _open(self, key: str) -> AbstractContextManager[BinaryIO]:
        return self._stream(key)

    @contextmanager
    def _stream(self, key: str) -> Iterator[BinaryIO]:
        with self._translate(key):
            response = self._client.get_object(self.bucket, key)
        try:
            # urllib3's response is a readable io.IOBase (read(n) streams from the socket).
            yield cast(BinaryIO, response)
        finally:
            response.close()
            response.release_conn()
