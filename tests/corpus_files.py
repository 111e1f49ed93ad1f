"""Generators of bad (and awkward) input files, written into a test's tmp_path.

One function per case of issue 3's bad-input corpus; each returns the path it wrote.
Built from bytes or from the committed valid sample, so no binary fixture is stored and
every file is small to keep in the repository (the bombs are built at test time).
"""

from __future__ import annotations

import csv
import io
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "samples" / "datasets.xlsx"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="datasets" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def _raw_xlsx(path: Path, sheet_xml: bytes | None = None, shared: bytes | None = None,
              big_member: tuple[str, int] | None = None) -> Path:
    """A minimal workbook written part by part (for files openpyxl would refuse to make)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml or (
            _SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + _SHEET_TAIL
        ).encode())
        zf.writestr("xl/sharedStrings.xml", shared or (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>title</t></si>'
            b"</sst>"))
        if big_member:
            name, size = big_member
            with zf.open(name, "w", force_zip64=True) as fh:
                chunk = b" " * (1024 * 1024)
                for _ in range(size // len(chunk)):
                    fh.write(chunk)
    return path


def truncated_xlsx(tmp: Path) -> Path:
    data = VALID.read_bytes()
    path = tmp / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def not_a_zip_xlsx(tmp: Path) -> Path:
    path = tmp / "notes.xlsx"
    path.write_text("These are my notes, not a spreadsheet.\n")
    return path


def xls_file(tmp: Path) -> Path:
    """An Excel 97-2003 file: a compound document (CFB) with a Workbook stream."""
    path = tmp / "old.xls"
    header = CFB_MAGIC + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    path.write_bytes(header.ljust(512, b"\x00") + "Workbook".encode("utf-16-le").ljust(512, b"\0"))
    return path


def encrypted_xlsx(tmp: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: a CFB holding EncryptedPackage."""
    path = tmp / "secret.xlsx"
    header = CFB_MAGIC + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    body = "EncryptionInfo".encode("utf-16-le") + b"\0" * 50 + "EncryptedPackage".encode(
        "utf-16-le")
    path.write_bytes(header.ljust(512, b"\x00") + body.ljust(1024, b"\0"))
    return path


def ods_file(tmp: Path) -> Path:
    path = tmp / "datasets.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", "<office:document-content/>")
    return path


def empty_file(tmp: Path) -> Path:
    path = tmp / "empty.xlsx"
    path.write_bytes(b"")
    return path


def empty_workbook(tmp: Path) -> Path:
    """A new workbook saved as is: one blank sheet called Sheet."""
    path = tmp / "blank.xlsx"
    Workbook().save(path)
    return path


def empty_datasets_sheet(tmp: Path) -> Path:
    path = tmp / "blank-datasets.xlsx"
    book = Workbook()
    book.active.title = "datasets"
    book.save(path)
    return path


def _sample_rows(sheet: str) -> list[list[object]]:
    book = load_workbook(VALID, read_only=True)
    rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    book.close()
    return rows


def headers_only(tmp: Path) -> Path:
    path = tmp / "headers-only.xlsx"
    book = Workbook()
    book.active.title = "datasets"
    book.active.append(_sample_rows("datasets")[0])
    book.save(path)
    return path


def _write(path: Path, datasets: list[list[object]], resources: list[list[object]] | None = None,
           merge: str | None = None) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "datasets"
    for row in datasets:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    if resources is not None:
        res = book.create_sheet("resources")
        for row in resources:
            res.append(row)
    book.save(path)
    return path


def header_not_on_row_1(tmp: Path) -> Path:
    """Two lines of notes above the header: every cell keeps its real row number."""
    rows = _sample_rows("datasets")[:3]
    return _write(tmp / "header-row-3.xlsx", [["Filled by the forest branch, June"], [], *rows])


def merged_header_cells(tmp: Path) -> Path:
    rows = _sample_rows("datasets")[:2]
    rows[0][1] = None  # B1 is covered by the merge of A1:B1
    return _write(tmp / "merged.xlsx", rows, merge="A1:B1")


def duplicate_headers(tmp: Path) -> Path:
    rows = _sample_rows("datasets")[:2]
    rows[0].append("title")
    rows[1].append("Another title")
    return _write(tmp / "duplicate-headers.xlsx", rows)


def ten_thousand_columns(tmp: Path) -> Path:
    rows = _sample_rows("datasets")[:2]
    width = len(rows[0])
    rows[0] += [f"extra_{i}" for i in range(10_000 - width)]
    rows[1] += [None] * (10_000 - width - 1) + ["far away"]
    return _write(tmp / "wide.xlsx", rows)


def big_shared_strings(tmp: Path, megabytes: int = 50) -> Path:
    """A 50 MB sharedStrings part (distinct strings, so it does not compress like a bomb)."""
    items = ["<si><t>title</t></si>"]
    size = 0
    i = 0
    while size < megabytes * 1024 * 1024:
        text = f"<si><t>string number {i} {i * 7919 % 104729:06d} padding text</t></si>"
        items.append(text)
        size += len(text)
        i += 1
    shared = ('<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.'
              f'openxmlformats.org/spreadsheetml/2006/main" count="{i + 1}" uniqueCount="{i + 1}">'
              + "".join(items) + "</sst>").encode()
    return _raw_xlsx(tmp / "big-strings.xlsx", shared=shared)


def zip_bomb(tmp: Path) -> Path:
    """A worksheet that inflates from ~250 KB to 256 MB (spaces compress ~1000:1)."""
    return _raw_xlsx(tmp / "bomb.xlsx", big_member=("xl/worksheets/sheet2.xml", 256 * 1024 ** 2))


def entity_bomb(tmp: Path) -> Path:
    """Billion laughs in the worksheet XML."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10))
    sheet = (f'<?xml version="1.0"?>\n<!DOCTYPE worksheet [{entities}]>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
             "</sheetData></worksheet>").encode()
    return _raw_xlsx(tmp / "entities.xlsx", sheet_xml=sheet)


def _csv_bytes(encoding: str) -> bytes:
    rows = _sample_rows("datasets")[:3]
    rows[1][0] = "Café wells – Québec Street"  # non-ASCII in the title
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat")
                                               else v) for v in row])
    return out.getvalue().encode(encoding, errors="replace")


def csv_windows_1252(tmp: Path) -> Path:
    path = tmp / "datasets-1252.csv"
    path.write_bytes(_csv_bytes("cp1252"))
    return path


def csv_with_bom(tmp: Path) -> Path:
    path = tmp / "datasets-bom.csv"
    path.write_bytes(_csv_bytes("utf-8-sig"))
    return path


def valid_copy(tmp: Path) -> Path:
    path = tmp / "datasets.xlsx"
    shutil.copy(VALID, path)
    return path


SAVE_AS = "open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook)"

#: every generated file that cannot be used at all, with the one line that says why: the
#: library's WorkbookError text, which the command prints after "Error: ".
UNUSABLE: list[tuple[Callable[[Path], Path], str]] = [
    (truncated_xlsx,
     "truncated.xlsx is damaged or incomplete (not a readable zip archive; was the "
     f"download or copy cut short?): {SAVE_AS}"),
    (not_a_zip_xlsx,
     "notes.xlsx is not a valid .xlsx file (it is not a zip archive; it may be "
     f"damaged, or another kind of file renamed): {SAVE_AS}"),
    (xls_file, f"old.xls is an old-style Excel 97-2003 (.xls) file: {SAVE_AS}"),
    (encrypted_xlsx,
     "secret.xlsx is password-protected (encrypted): remove the password in Excel "
     "(File > Info > Protect Workbook > Encrypt with Password) and save it again"),
    (ods_file, f"datasets.ods is an OpenDocument spreadsheet (.ods): {SAVE_AS}"),
    (empty_file, "empty.xlsx is empty (0 bytes)"),
    (empty_workbook,
     "blank.xlsx has no 'datasets' sheet (its sheets: 'Sheet'); put one dataset per "
     "row in a sheet named 'datasets', as in the template"),
    (empty_datasets_sheet, "sheet 'datasets' is empty"),
    (ten_thousand_columns,
     "sheet 'datasets' has 10000 header cells in row 1; a catalogue sheet has about "
     "100 (at most 1000 are read): is this the right file?"),
    (zip_bomb,
     "bomb.xlsx would expand to 256 MB in xl/worksheets/sheet2.xml (from 254 KB): "
     "refusing it as a possible zip bomb"),
    (entity_bomb,
     "entities.xlsx contains an XML document type declaration in "
     "xl/worksheets/sheet1.xml, which Excel never writes; refusing it as unsafe (possible "
     "XML entity bomb)"),
]
