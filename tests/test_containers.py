"""Sniffing uploads by their bytes, and unpacking ZIPs of scans without being fooled by them."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.containers import (
    JPEG,
    PDF,
    PNG,
    SNIFF_BYTES,
    TIFF,
    ZIP,
    ArchiveTooLarge,
    CorruptArchive,
    UnsafeArchive,
    UnsupportedArchive,
    ZipMember,
    iter_zip_members,
    sniff_type,
)

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 50
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
TIFF_BYTES = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 40


def members(
    source: Path | io.BytesIO,
    *,
    max_members: int = 50,
    max_total_bytes: int = 50 * 1024 * 1024,
    max_ratio: float = 200.0,
) -> Iterator[ZipMember]:
    return iter_zip_members(
        source, max_members=max_members, max_total_bytes=max_total_bytes, max_ratio=max_ratio, chunk_size=4096
    )


def make_zip(path: Path, members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def unpack(
    source: Path | io.BytesIO, *, max_members: int = 50, max_total_bytes: int = 50 * 1024 * 1024
) -> list[tuple[str, int, str | None, bytes]]:
    """Read every member fully, in small pieces, as a caller would while spooling."""
    out = []
    for member in members(source, max_members=max_members, max_total_bytes=max_total_bytes):
        pieces = []
        while piece := member.stream.read(1000):
            pieces.append(piece)
        out.append((member.name, member.size, member.content_type, b"".join(pieces)))
    return out


# -- sniffing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF_BYTES, PDF),
        (b"\r\n junk from a scanner \n" + PDF_BYTES, PDF),
        (JPEG_BYTES, JPEG),
        (PNG_BYTES, PNG),
        (TIFF_BYTES, TIFF),
        (b"MM\x00*\x00\x00\x00\x08", TIFF),
        (b"PK\x03\x04\x14\x00", ZIP),
        (b"PK\x05\x06" + b"\x00" * 18, ZIP),
        (b"Surat dukungan (text saved as dukungan.pdf)\n", None),
        (b"", None),
        (b"\xff\xd8", None),  # a truncated JPEG marker is not a JPEG
        (b"GIF89a", None),
        (b"x" * SNIFF_BYTES + b"%PDF-1.4", None),  # header too far in
    ],
)
def test_sniff_type(head: bytes, expected: str | None) -> None:
    assert sniff_type(head) == expected


# -- good archives -------------------------------------------------------------------------------


def test_good_zip_yields_documents_in_order(tmp_path: Path) -> None:
    big_jpeg = JPEG_BYTES + bytes(range(256)) * 400  # several chunks, to exercise the head replay
    path = make_zip(
        tmp_path / "batch.zip",
        {
            "kecamatan-a/": b"",
            "kecamatan-a/form-001.pdf": PDF_BYTES,
            "kecamatan-a/ktp-001.jpg": big_jpeg,
            "__MACOSX/kecamatan-a/._ktp-001.jpg": b"\x00\x05\x16\x07resource fork",
            "kecamatan-a/.DS_Store": b"junk",
            "ktp-002.png": PNG_BYTES,
            "scan.tif": TIFF_BYTES,
        },
    )
    got = unpack(path)
    assert [(name, size, ctype) for name, size, ctype, _ in got] == [
        ("kecamatan-a/form-001.pdf", len(PDF_BYTES), PDF),
        ("kecamatan-a/ktp-001.jpg", len(big_jpeg), JPEG),
        ("ktp-002.png", len(PNG_BYTES), PNG),
        ("scan.tif", len(TIFF_BYTES), TIFF),
    ]
    assert got[0][3] == PDF_BYTES
    assert got[1][3] == big_jpeg


def test_stream_source_and_stored_members(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "s.zip", {"a.pdf": PDF_BYTES}, method=zipfile.ZIP_STORED)
    assert unpack(io.BytesIO(path.read_bytes())) == [("a.pdf", len(PDF_BYTES), PDF, PDF_BYTES)]


def test_nested_zip_and_unknown_types_are_reported_unsupported(tmp_path: Path) -> None:
    inner = make_zip(tmp_path / "inner.zip", {"x.pdf": PDF_BYTES}).read_bytes()
    path = make_zip(tmp_path / "outer.zip", {"inner.zip": inner, "notes.txt": b"hello", "ok.pdf": PDF_BYTES})
    found = [(m.name, m.content_type, m.supported) for m in members(path)]
    assert found == [("inner.zip", ZIP, False), ("notes.txt", None, False), ("ok.pdf", PDF, True)]


def test_empty_archive_yields_nothing(tmp_path: Path) -> None:
    assert unpack(make_zip(tmp_path / "empty.zip", {})) == []


# -- refused archives ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../evil.pdf", "scans/../../etc/passwd", "/etc/passwd", "..\\windows.pdf", "C:\\x.pdf"]
)
def test_traversal_and_absolute_names_refuse_the_archive(tmp_path: Path, name: str) -> None:
    path = make_zip(tmp_path / "evil.zip", {"fine.pdf": PDF_BYTES, name: PDF_BYTES})
    with pytest.raises(UnsafeArchive):
        next(members(path))  # refused before the first, harmless member is handed out


def test_zip_bomb_is_refused_by_ratio(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {"form.pdf": b"%PDF-1.4\n" + bytes(20 * 1024 * 1024)})
    assert path.stat().st_size < 100_000
    with pytest.raises(UnsafeArchive, match="inflates"):
        unpack(path)


def test_small_compressible_member_is_not_a_bomb(tmp_path: Path) -> None:
    data = b"%PDF-1.4\n" + bytes(200_000)  # ratio far above 200:1, but tiny once unpacked
    assert unpack(make_zip(tmp_path / "ok.zip", {"blank.pdf": data}))[0][3] == data


def test_total_size_limit(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "big.zip", {f"{i}.jpg": JPEG_BYTES + bytes(300) for i in range(5)})
    assert len(unpack(path, max_total_bytes=5 * 400)) == 5
    with pytest.raises(ArchiveTooLarge, match="unpacks"):
        unpack(path, max_total_bytes=4 * 400)


def test_member_count_limit(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "many.zip", {f"scan-{i:03}.jpg": JPEG_BYTES for i in range(11)})
    assert len(unpack(path, max_members=11)) == 11
    with pytest.raises(ArchiveTooLarge, match="members"):
        unpack(path, max_members=10)


def test_junk_entries_are_bounded_too(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "junk.zip", {f"__MACOSX/._{i}": b"" for i in range(200)})
    with pytest.raises(ArchiveTooLarge, match="entries"):
        unpack(path, max_members=10)


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("ktp.jpg")
        info.external_attr = (0o120777 << 16) | 0
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchive, match="link"):
        unpack(path)


def test_encrypted_member_is_unsupported(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "enc.zip", {"a.pdf": PDF_BYTES}, method=zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    # Set the "encrypted" flag bit in the central directory entry (general purpose flags at +8).
    central = raw.rindex(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    path.write_bytes(bytes(raw))
    with pytest.raises(UnsupportedArchive):
        unpack(path)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK\x03\x04 this is not really an archive")
    with pytest.raises(CorruptArchive):
        unpack(path)


def test_lying_size_header_reads_no_more_than_declared(tmp_path: Path) -> None:
    """A member whose headers claim 1 KB but which inflates to 20 MB: the bomb the ratio check
    cannot see. The reader must stop at the declared size and report corruption."""
    real = bytes(20 * 1024 * 1024)
    path = make_zip(tmp_path / "liar.zip", {"a.pdf": real})
    raw = bytearray(path.read_bytes())
    lie = 1024
    local = raw.index(b"PK\x03\x04")
    struct.pack_into("<I", raw, local + 22, lie)  # uncompressed size in the local header
    central = raw.rindex(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, lie)  # and in the central directory
    path.write_bytes(bytes(raw))

    read = 0
    with pytest.raises(CorruptArchive):
        for member in members(path):
            assert member.size == lie
            while piece := member.stream.read(4096):
                read += len(piece)
    assert read <= lie
