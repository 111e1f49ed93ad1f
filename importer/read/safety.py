"""Decide what a file is, and refuse it early and cheaply when it cannot be used safely.

Everything here looks at bytes and at the zip directory only: nothing is decompressed in
bulk, so a hostile file (a zip bomb, an XML entity bomb, an encrypted or legacy workbook)
is refused within milliseconds with one line naming the cause.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from importer.errors import WorkbookError

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument"

#: caps on the zip directory (a workbook of 100,000 full rows stays far below them).
MAX_MEMBERS = 2_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
#: deflate rarely beats ~40:1 on worksheet XML; bombs are 1000:1 and more.
MAX_RATIO = 200
RATIO_APPLIES_ABOVE = 4 * 1024 * 1024
#: how far into each XML part to look for a DTD (it can only be in the prolog).
DTD_SCAN_BYTES = 4096
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
SAVE_AS = "open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook)"


class FileKind(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class Sniffed:
    kind: FileKind


def sniff(path: Path) -> Sniffed:
    """What kind of file ``path`` is; :class:`WorkbookError` when it cannot be used."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise WorkbookError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise WorkbookError(f"{path} is a directory, not a workbook") from None
    except OSError as err:
        raise WorkbookError(f"cannot read {path}: {err.strerror}") from None
    suffix = path.suffix.lower()
    if not head:
        raise WorkbookError(f"{path.name} is empty (0 bytes)")
    if head.startswith(CFB_MAGIC):
        if _contains(path, ENCRYPTED_MARK):
            raise WorkbookError(
                f"{path.name} is password-protected (encrypted): remove the password in Excel "
                "(File > Info > Protect Workbook > Encrypt with Password) and save it again"
            )
        raise WorkbookError(f"{path.name} is an old-style Excel 97-2003 (.xls) file: {SAVE_AS}")
    if head.startswith(ZIP_MAGICS):
        check_zip(path)
        return Sniffed(FileKind.XLSX)
    if suffix in (".csv", ".txt"):
        return Sniffed(FileKind.CSV)
    if suffix in (".xlsx", ".xlsm"):
        raise WorkbookError(
            f"{path.name} is not a valid .xlsx file (it is not a zip archive; it may be "
            f"damaged, or another kind of file renamed): {SAVE_AS}"
        )
    raise WorkbookError(
        f"{path.name} is not a workbook this tool reads (.xlsx, .xlsm or .csv): {SAVE_AS}"
    )


def check_zip(path: Path) -> None:
    """Refuse a zip that is damaged, not an Excel workbook, or would expand dangerously."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "mimetype" in names and zf.read("mimetype")[:64].startswith(ODS_MIMETYPE):
                raise WorkbookError(
                    f"{path.name} is an OpenDocument spreadsheet (.ods): {SAVE_AS}"
                )
            if "xl/workbook.xml" not in names:
                if "EncryptedPackage" in names:
                    raise WorkbookError(f"{path.name} is password-protected (encrypted)")
                raise WorkbookError(
                    f"{path.name} is a zip archive but not an Excel workbook "
                    f"(no xl/workbook.xml): {SAVE_AS}"
                )
            _check_sizes(path, infos)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and info.file_size:
                    with zf.open(info) as fh:
                        if _DTD.search(fh.read(DTD_SCAN_BYTES)):
                            raise WorkbookError(
                                f"{path.name} contains an XML document type declaration in "
                                f"{info.filename}, which Excel never writes; refusing it as "
                                "unsafe (possible XML entity bomb)"
                            )
    except zipfile.BadZipFile:
        raise WorkbookError(
            f"{path.name} is damaged or incomplete (not a readable zip archive; was the "
            f"download or copy cut short?): {SAVE_AS}"
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as err:
        raise WorkbookError(f"{path.name} cannot be read: {type(err).__name__}") from None


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise WorkbookError(f"{path.name} has {len(infos)} parts; a workbook has far fewer")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        bomb = size > MAX_MEMBER_BYTES or (
            size > RATIO_APPLIES_ABOVE and size > MAX_RATIO * max(info.compress_size, 1)
        )
        if bomb or total > MAX_TOTAL_BYTES:
            raise WorkbookError(
                f"{path.name} would expand to {size // (1024 * 1024)} MB in {info.filename} "
                f"(from {info.compress_size // 1024} KB): refusing it as a possible zip bomb"
            )


def _contains(path: Path, needle: bytes, limit: int = 64 * 1024 * 1024) -> bool:
    """Whether ``needle`` occurs in the first ``limit`` bytes (chunked, overlap-safe)."""
    tail = b""
    read = 0
    with path.open("rb") as fh:
        while read < limit:
            chunk = fh.read(1024 * 1024)
            if not chunk:
                return False
            read += len(chunk)
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False
