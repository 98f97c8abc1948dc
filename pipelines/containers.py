"""What an upload is (by its first bytes, not its name) and how a ZIP of scans is unpacked safely.

Pure: no I/O beyond reading the file or stream handed in. A ZIP is checked whole before the
first member is handed out (names, member count, total size, compression ratio), so a bad
archive yields nothing rather than half its documents. Python's `zipfile` never returns more
than a member's declared size (a lying header ends in a CRC error, reported as corrupt), so the
declared sizes checked up front bound what is actually read.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
ZIP = "application/zip"
DOCUMENT_TYPES = frozenset({PDF, JPEG, PNG, TIFF})  # each becomes one document

SNIFF_BYTES = 1024  # how much of a file's head `sniff_type` wants to see
CHUNK_SIZE = 1024 * 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # an empty archive
)
# Readers accept a PDF header anywhere in the first 1024 bytes (some scanners prepend junk).
_PDF_WINDOW = 1024
# Below this size a high ratio is harmless (a page of blank text compresses 500:1); bombs are big.
_RATIO_FLOOR_BYTES = 1024 * 1024
# Directory entries and macOS resource forks ride along with real members; they are skipped but
# still bounded, so a central directory of millions of junk entries is refused too.
_JUNK_ALLOWANCE = 4
_JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


class ArchiveError(Exception):
    """Base: the archive as a whole is refused. `code` is what the document's error reports."""

    code = "ARCHIVE_INVALID"


class UnsafeArchive(ArchiveError):
    """Traversal, absolute paths, links, or a member that inflates like a zip bomb."""

    code = "ARCHIVE_UNSAFE"


class ArchiveTooLarge(ArchiveError):
    """Too many members, or too many bytes once unpacked."""

    code = "ARCHIVE_TOO_LARGE"


class CorruptArchive(ArchiveError):
    code = "ARCHIVE_CORRUPT"


class UnsupportedArchive(ArchiveError):
    """Valid, but uses something we do not read (encryption)."""

    code = "ARCHIVE_UNSUPPORTED"


def sniff_type(head: bytes) -> str | None:
    """The content type told by the first bytes (pass `SNIFF_BYTES` of them), or None."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if b"%PDF-" in head[:_PDF_WINDOW]:
        return PDF
    return None


@dataclass(frozen=True)
class ZipMember:
    """One member, with a stream valid until the iterator moves on.

    `content_type` is sniffed from the member's bytes; `supported` is False for anything that
    is not a document type, nested archives included (they are not unpacked).
    """

    name: str
    size: int
    content_type: str | None
    stream: BinaryIO

    @property
    def supported(self) -> bool:
        return self.content_type in DOCUMENT_TYPES


def iter_zip_members(
    source: Path | BinaryIO,
    *,
    max_members: int,
    max_total_bytes: int,
    max_ratio: float,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[ZipMember]:
    """Yield the archive's file members in its order, after checking the whole archive.

    Raises an `ArchiveError` subclass before yielding anything if the archive is refused, and
    `CorruptArchive` from a member's stream if its data turn out bad while being read.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as e:
        raise CorruptArchive(f"not a readable ZIP archive: {e}") from e
    with archive:
        members = _checked_members(
            archive.infolist(), max_members=max_members, max_total_bytes=max_total_bytes, max_ratio=max_ratio
        )
        for info in members:
            try:
                raw = archive.open(info)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as e:
                raise CorruptArchive(f"cannot read {info.filename!r}: {e}") from e
            with raw:
                reader = _MemberReader(raw, info.filename)
                head = reader.read_head(SNIFF_BYTES)
                stream = io.BufferedReader(reader, buffer_size=chunk_size)
                yield ZipMember(info.filename, info.file_size, sniff_type(head), stream)


def _is_junk(name: str) -> bool:
    path = PurePosixPath(name)
    return path.parts[:1] == ("__MACOSX",) or path.name.startswith("._") or path.name in _JUNK_NAMES


def _check_name(name: str) -> None:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        raise UnsafeArchive(f"absolute path in archive: {name!r}")
    if ".." in normalised.split("/"):
        raise UnsafeArchive(f"path traversal in archive: {name!r}")
    if "\x00" in name:
        raise UnsafeArchive(f"NUL byte in archive member name: {name!r}")


def _checked_members(
    infos: list[zipfile.ZipInfo], *, max_members: int, max_total_bytes: int, max_ratio: float
) -> list[zipfile.ZipInfo]:
    if len(infos) > max_members * _JUNK_ALLOWANCE + 16:
        raise ArchiveTooLarge(f"archive lists {len(infos)} entries")
    kept: list[zipfile.ZipInfo] = []
    total = 0
    for info in infos:
        _check_name(info.filename)
        if info.is_dir() or _is_junk(info.filename):
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UnsafeArchive(f"symbolic link in archive: {info.filename!r}")
        if info.flag_bits & 0x1:
            raise UnsupportedArchive(f"encrypted member: {info.filename!r}")
        if info.file_size > _RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnsafeArchive(
                f"member {info.filename!r} inflates {info.file_size / max(info.compress_size, 1):.0f}:1"
                f" (limit {max_ratio:.0f}:1)"
            )
        total += info.file_size
        if total > max_total_bytes:
            raise ArchiveTooLarge(f"archive unpacks to more than {max_total_bytes} bytes")
        kept.append(info)
        if len(kept) > max_members:
            raise ArchiveTooLarge(f"archive has more than {max_members} members")
    return kept


class _MemberReader(io.RawIOBase):
    """A member's bytes as a raw stream: the sniffed head first, then the rest, errors typed."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self._raw = raw
        self._name = name
        self._pending = b""

    def readable(self) -> bool:
        return True

    def _read(self, n: int) -> bytes:
        try:
            return self._raw.read(n)
        except (zipfile.BadZipFile, zlib.error, EOFError) as e:
            raise CorruptArchive(f"corrupt data in {self._name!r}: {e}") from e

    def read_head(self, n: int) -> bytes:
        head = b""
        while len(head) < n and (chunk := self._read(n - len(head))):
            head += chunk
        self._pending = head
        return head

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._pending:
            n = min(len(view), len(self._pending))
            view[:n] = self._pending[:n]
            self._pending = self._pending[n:]
            return n
        data = self._read(len(view))
        view[: len(data)] = data
        return len(data)
