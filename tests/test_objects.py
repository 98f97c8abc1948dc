"""Contract tests of the object-store port, run against every adapter (local disk, real S3)."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.objects import (
    InvalidKey,
    InvalidStorageUrl,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreUnavailable,
    TooLarge,
    derived_key,
    open_object_store,
    original_key,
    spool_and_hash,
)
from storage.objects_local import LocalDiskStore
from storage.objects_s3 import S3Store
from tests.conftest_s3 import S3Server


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return open_object_store(f"file://{tmp_path}/objects")
    url: str = request.getfixturevalue("s3_url")
    return open_object_store(url)


def unique_bytes(size: int = 1000) -> bytes:
    """Random content: every test gets keys of its own even in the session's shared bucket."""
    return secrets.token_bytes(size)


def write_tmp(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / f"upload-{secrets.token_hex(4)}"
    path.write_bytes(data)
    return path


# -- originals ---------------------------------------------------------------------------------


def test_put_original_is_content_addressed(store: ObjectStore, tmp_path: Path) -> None:
    data = unique_bytes()
    sha = store.put_original_file(write_tmp(tmp_path, data))
    assert sha == hashlib.sha256(data).hexdigest()
    key = original_key(sha)
    assert key == f"originals/{sha[:2]}/{sha}"
    assert store.exists(key)
    assert store.get(key) == data


def test_put_original_twice_does_not_rewrite(
    store: ObjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = unique_bytes()
    first = store.put_original_file(write_tmp(tmp_path, data))

    def must_not_write(*args: object) -> None:
        raise AssertionError("an existing original was written again")

    monkeypatch.setattr(store, "_write_original", must_not_write)
    assert store.put_original_file(write_tmp(tmp_path, data)) == first
    assert store.get(original_key(first)) == data


def test_originals_cannot_be_written_through_put(store: ObjectStore, tmp_path: Path) -> None:
    data = unique_bytes()
    sha = store.put_original_file(write_tmp(tmp_path, data))
    with pytest.raises(InvalidKey, match="write-once"):
        store.put(original_key(sha), b"tampered")
    assert store.get(original_key(sha)) == data


def test_port_offers_no_delete(store: ObjectStore) -> None:
    assert not any(hasattr(store, name) for name in ("delete", "remove", "remove_object"))


def test_large_original_round_trips(store: ObjectStore, tmp_path: Path) -> None:
    # Above 5 MiB the S3 client switches to a multipart upload.
    data = unique_bytes(6 * 1024 * 1024 + 123)
    sha = store.put_original_file(write_tmp(tmp_path, data))
    target = tmp_path / "out" / "copy.bin"
    store.download_to(original_key(sha), target)
    assert target.read_bytes() == data
    assert [p.name for p in target.parent.iterdir()] == ["copy.bin"]  # no temp file left


# -- derived artefacts ---------------------------------------------------------------------------


def test_derived_put_get_and_replace(store: ObjectStore) -> None:
    sha = hashlib.sha256(unique_bytes()).hexdigest()
    key = derived_key(sha, "pages", "0001.png")
    assert key == f"derived/{sha}/pages/0001.png"
    assert not store.exists(key)
    store.put(key, b"\x89PNG first", "image/png")
    assert store.exists(key)
    assert store.get(key) == b"\x89PNG first"
    store.put(key, b"\x89PNG second", "image/png")  # derived data may be recomputed
    assert store.get(key) == b"\x89PNG second"


def test_open_streams_in_pieces(store: ObjectStore) -> None:
    sha = hashlib.sha256(unique_bytes()).hexdigest()
    key = derived_key(sha, "crop.jpg")
    store.put(key, b"abcdefghij", "image/jpeg")
    with store.open(key) as f:
        assert f.read(3) == b"abc"
        assert f.read(3) == b"def"
        assert f.read() == b"ghij"


def test_missing_objects(store: ObjectStore, tmp_path: Path) -> None:
    key = derived_key(hashlib.sha256(unique_bytes()).hexdigest(), "nothing")
    assert not store.exists(key)
    with pytest.raises(ObjectNotFound) as info:
        store.get(key)
    assert info.value.key == key
    with pytest.raises(ObjectNotFound), store.open(key):
        pass
    with pytest.raises(ObjectNotFound):
        store.download_to(key, tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "key",
    ["", "/abs", "../escape", "a/../b", "a//b", "a/./b", ".hidden", "a\\b", "a b", "a/\x00", "x/" * 600],
)
def test_bad_keys_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.put(key, b"x")
    with pytest.raises(InvalidKey):
        store.exists(key)
    with pytest.raises(InvalidKey):
        store.get(key)


def test_key_helpers_refuse_non_sha() -> None:
    with pytest.raises(InvalidKey):
        original_key("ABC")
    with pytest.raises(InvalidKey):
        derived_key("0" * 64)
    with pytest.raises(InvalidKey):
        derived_key("0" * 64, "..")


def test_ping(store: ObjectStore) -> None:
    store.ping()


# -- spooling uploads ----------------------------------------------------------------------------


class EndlessStream(io.RawIOBase):
    """Hands out zeros forever and remembers the largest read: a whole-body read never ends."""

    def __init__(self) -> None:
        self.largest_read = 0
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = len(buffer)
        buffer[:n] = bytes(n)
        self.largest_read = max(self.largest_read, n)
        self.total += n
        return n


def test_spool_and_hash(tmp_path: Path) -> None:
    data = unique_bytes(3 * 1024 * 1024 + 7)
    spooled = spool_and_hash(io.BytesIO(data), tmp_path / "spool", max_bytes=len(data), chunk_size=65536)
    path, sha, size = spooled
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert path.parent == tmp_path / "spool"
    assert path.read_bytes() == data


def test_spool_stops_at_the_limit_and_cleans_up(tmp_path: Path) -> None:
    stream = EndlessStream()
    with pytest.raises(TooLarge) as info:
        spool_and_hash(stream, tmp_path, max_bytes=10_000_000, chunk_size=65536)  # type: ignore[arg-type]
    assert info.value.max_bytes == 10_000_000
    assert stream.largest_read <= 65536
    assert stream.total <= 10_000_000 + 65536
    assert list(tmp_path.iterdir()) == []


def test_spool_exact_limit_is_allowed(tmp_path: Path) -> None:
    assert spool_and_hash(io.BytesIO(b"12345"), tmp_path, max_bytes=5).size == 5
    with pytest.raises(TooLarge):
        spool_and_hash(io.BytesIO(b"123456"), tmp_path, max_bytes=5)


# -- URLs and failures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x/y",
        "file://relative/path",
        "s3://host:9000/bucket",
        "s3://key:secret@host:9000/",
        "s3://key:secret@host:9000/a/b",
        "s3://key:secret@host:notaport/b",
    ],
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(InvalidStorageUrl):
        open_object_store(url, create=False)


def test_s3_url_parsing_keeps_secrets_out_of_descriptions() -> None:
    store = open_object_store("s3://AK:s%2Fe%40cret@minio:9000/dukungan?secure=1", create=False)
    assert isinstance(store, S3Store)
    assert (store.endpoint, store.bucket, store.secure) == ("minio:9000", "dukungan", True)
    assert "cret" not in repr(store)
    assert store.describe() == "https://minio:9000/dukungan"


def test_file_url_creates_root(tmp_path: Path) -> None:
    store = open_object_store(f"file://{tmp_path}/a/b")
    assert isinstance(store, LocalDiskStore)
    assert (tmp_path / "a" / "b").is_dir()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_unreachable_s3_is_a_quick_clear_error() -> None:
    started = time.monotonic()
    with pytest.raises(ObjectStoreUnavailable) as info:
        open_object_store(f"s3://k:s@127.0.0.1:{closed_port()}/bucket")
    assert time.monotonic() - started < 10
    message = str(info.value)
    assert "\n" not in message
    assert "unreachable" in message
    assert ":s@" not in message


def test_wrong_credentials_fail_ping(s3_server: S3Server) -> None:
    store = open_object_store(
        f"s3://{s3_server.access_key}:wrong-secret@{s3_server.endpoint}/whatever", create=False
    )
    with pytest.raises(
        ObjectStoreUnavailable, match=r"SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId"
    ):
        store.ping()


def test_local_ping_fails_when_root_is_gone(tmp_path: Path) -> None:
    store = LocalDiskStore(tmp_path / "missing")
    with pytest.raises(ObjectStoreUnavailable, match="does not exist"):
        store.ping()


# -- local disk specifics ------------------------------------------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> Iterator[LocalDiskStore]:
    store = LocalDiskStore(tmp_path / "objects")
    store.ensure_root()
    yield store


def test_local_originals_are_read_only_and_no_temp_left(local: LocalDiskStore, tmp_path: Path) -> None:
    sha = local.put_original_file(write_tmp(tmp_path, b"scan"))
    path = local.root / original_key(sha)
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert os.listdir(path.parent) == [sha]


def test_local_original_that_appears_meanwhile_is_kept(local: LocalDiskStore, tmp_path: Path) -> None:
    # Two workers race: the second finds the key taken at link time and must leave it alone.
    data = b"same bytes"
    sha = hashlib.sha256(data).hexdigest()
    target = local.root / original_key(sha)
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    before = target.stat().st_ino
    local._write_original(original_key(sha), write_tmp(tmp_path, data), "application/pdf")
    assert target.stat().st_ino == before
    assert os.listdir(target.parent) == [sha]


def test_local_symlink_out_of_root_is_refused(local: LocalDiskStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"x")
    (local.root / "derived").symlink_to(outside)
    with pytest.raises(Exception, match="escapes"):
        local.get("derived/secret")


def test_missing_server_skips_locally_but_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest_s3 import skip_or_fail

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        skip_or_fail("no server")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        skip_or_fail("no server")
