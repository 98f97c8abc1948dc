"""The object store on the local disk: one file per key under a root directory.

Writes are atomic (a temp file in the target directory, fsync, then rename), so a reader never
sees half an object. Originals are linked into place with `os.link`, which fails rather than
replace a file that is already there: two workers storing the same bytes cannot clobber each
other, and an original is never rewritten.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO

from storage.objects import (
    CHUNK_SIZE,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreError,
    ObjectStoreUnavailable,
)


class LocalDiskStore(ObjectStore):
    def __init__(self, root: Path) -> None:
        if not root.is_absolute():
            raise ValueError(f"LocalDiskStore root must be absolute, got {root}")
        self.root = root

    def describe(self) -> str:
        return f"file://{self.root}"

    def ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ObjectStoreUnavailable(
                f"cannot create object store directory {self.root}: {e.strerror}"
            ) from e

    def ping(self) -> None:
        if not self.root.is_dir():
            raise ObjectStoreUnavailable(f"object store directory {self.root} does not exist")
        try:
            fd, name = tempfile.mkstemp(dir=self.root, prefix=".ping-")
            os.close(fd)
            os.unlink(name)
        except OSError as e:
            raise ObjectStoreUnavailable(
                f"object store directory {self.root} is not writable: {e.strerror}"
            ) from e

    def _path(self, key: str) -> Path:
        # Keys are validated by the port (no "..", no leading "/", no dot segments); resolving
        # here is a second guard in case a symlink inside the root points elsewhere.
        path = self.root / key
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ObjectStoreError(f"object key escapes the store root: {key!r}")
        return path

    def _exists(self, key: str) -> bool:
        return self._path(key).is_file()

    @contextmanager
    def _staged(self, target: Path) -> Iterator[tuple[BinaryIO, Path]]:
        """A temp file beside `target`, removed on the way out whatever happens."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as e:
            raise ObjectStoreUnavailable(f"cannot write to {target.parent}: {e.strerror}") from e
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                yield out, tmp
        finally:
            tmp.unlink(missing_ok=True)

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        target = self._path(key)
        with self._staged(target) as (out, tmp):
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
            os.replace(tmp, target)

    def _write_original(self, key: str, path: Path, content_type: str) -> None:
        target = self._path(key)
        with self._staged(target) as (out, tmp), path.open("rb") as src:
            shutil.copyfileobj(src, out, CHUNK_SIZE)
            out.flush()
            os.fsync(out.fileno())
            os.chmod(tmp, 0o444)  # a reminder to humans and tools: originals are read-only
            try:
                os.link(tmp, target)
            except FileExistsError:
                return  # same key means same bytes: someone stored it first
            except OSError as e:
                if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):
                    raise
                # A filesystem without hard links: fall back to a rename when still absent.
                if not target.exists():
                    os.replace(tmp, target)

    def _open(self, key: str) -> AbstractContextManager[BinaryIO]:
        return self._open_file(self._path(key), key)

    @contextmanager
    def _open_file(self, path: Path, key: str) -> Iterator[BinaryIO]:
        try:
            f = path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None
        except OSError as e:
            raise ObjectStoreError(f"cannot read object {key}: {e.strerror}") from e
        with f:
            yield f
