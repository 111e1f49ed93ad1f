"""A small streaming .xlsx writer: exactly what a report needs, and fast.

Why not a library: a report copies every cell of the user's sheets (a 10,000-dataset file
has ~500,000 filled cells). Measured on that file (bench/RESULTS-check.md), xlsxwriter in
constant-memory mode took 3.2 s, openpyxl's write-only mode ~1.7x longer, while writing
the same cells as XML text here takes ~0.3 s: per-cell method calls dominate, and a row
built as one string avoids them. What a report uses is small and fixed: text, numbers,
booleans, dates, a fixed set of styles (red/amber/green fills, bold, date formats, link),
column widths, frozen panes, an auto-filter, cell comments, and HYPERLINK formulas.

Every text is written as an inline string (``t="inlineStr"``): it can never become a
formula, whatever it starts with. The only formulas are those passed to
:meth:`SheetWriter.formula`.

Rows stream into the zip as they are written; only one sheet is open at a time, and a
sheet's comments are kept until it is closed (one per problem cell, not per data cell).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from importer.report.cells import MAX_CELL_CHARS, display, quote_sheet
from importer.sheettext import escape_text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml."

TONES = {  # fill, font colour: Excel's own "Bad", "Neutral" and "Good" styles
    "error": ("FFC7CE", "9C0006"),
    "warning": ("FFEB9C", "9C5700"),
    "ok": ("C6EFCE", "006100"),
}
NUMBER_FORMATS = {"date": (164, "yyyy-mm-dd"), "datetime": (165, "yyyy-mm-dd hh:mm:ss")}
_TONE_ORDER = (None, "error", "warning", "ok")
_NUM_ORDER = (None, "date", "datetime")
_EPOCH = dt.datetime(1899, 12, 30)
# characters that need work before going into XML text: markup, and control characters
# XML 1.0 cannot hold at all (replaced, so a report never fails on odd input).
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def style(tone: str | None = None, num: str | None = None, bold: bool = False) -> int:
    """The cellXfs index of a style: 0 is plain; see :func:`_styles_xml` for the table."""
    return 1 + (_TONE_ORDER.index(tone) * 3 + _NUM_ORDER.index(num)) * 2 + int(bold)


PLAIN = 0
BOLD = style(bold=True)
LINK = 1 + len(_TONE_ORDER) * len(_NUM_ORDER) * 2


def column_letter(index: int) -> str:
    """0 -> ``A``, 26 -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_LETTERS = [column_letter(i) for i in range(1024)]


def letter(index: int) -> str:
    return _LETTERS[index] if index < len(_LETTERS) else column_letter(index)


def xml_text(text: str) -> str:
    """Text for an XML element: escaped, control characters replaced, cut to Excel's
    32,767-character cell limit."""
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    if _SPECIAL.search(text) is None:
        return text
    # OOXML escapes (_xHHHH_, a carriage return) first, so they read back as written
    return escape(escape_text(_CONTROL.sub("\ufffd", text)))


def cell_xml(ref: str, value: Any, s: int = PLAIN) -> str:
    """One ``<c>`` element. Text is always an inline string (never a formula)."""
    attr = f' s="{s}"' if s else ""
    if value.__class__ is str and value:
        return (f'<c r="{ref}"{attr} t="inlineStr"><is><t xml:space="preserve">'
                f"{xml_text(value)}</t></is></c>")
    if value is None or value == "":
        return f'<c r="{ref}"{attr}/>' if s else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{attr} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)) and value == value and abs(value) != float("inf"):
        return f'<c r="{ref}"{attr}><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{_with_num(s, "datetime")}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        serial = (dt.datetime.combine(value, dt.time()) - _EPOCH).days
        return f'<c r="{ref}" s="{_with_num(s, "date")}"><v>{serial}</v></c>'
    return cell_xml(ref, display(value), s)


#: ``<c r="B`` for each column: a text cell is then four pieces of text, no formatting.
_OPENS = [f'<c r="{col}' for col in _LETTERS]
_TEXT_END = "</t></is></c>"


def plain_cells(values: Sequence[Any], shift: int, number: int) -> str:
    """The unstyled cells of one row, ``values[0]`` going to column ``shift``: the same
    XML as :func:`cell_xml` for each, built in one pass (this is most of a report)."""
    if shift + len(values) > len(_OPENS):
        return "".join(cell_xml(f"{letter(c + shift)}{number}", v)
                       for c, v in enumerate(values))
    opens = _OPENS[shift:shift + len(values)]
    mid = f'{number}" t="inlineStr"><is><t xml:space="preserve">'
    special = _SPECIAL.search
    out = []
    for c, v in enumerate(values):
        if v.__class__ is str:
            if not v:
                continue
            if len(v) > MAX_CELL_CHARS or special(v) is not None:
                v = xml_text(v)
            out.append(f"{opens[c]}{mid}{v}{_TEXT_END}")
        elif v is not None:
            out.append(cell_xml(f"{letter(c + shift)}{number}", v))
    return "".join(out)


def formula_xml(ref: str, formula: str, cached: str) -> str:
    """A formula cell (link style) with its cached text, shown before any recalculation.
    Only for formulas the report builds itself, never for user values."""
    return (f'<c r="{ref}" s="{LINK}" t="str"><f>{xml_text(formula.removeprefix("="))}</f>'
            f"<v>{xml_text(cached)}</v></c>")


def _with_num(s: int, num: str) -> int:
    """The same style as ``s`` with a date number format."""
    if s == LINK or s <= 0:
        return style(num=num)
    index = s - 1
    bold = index % 2
    tone = _TONE_ORDER[index // 2 // 3]
    return style(tone, num, bool(bold))


@dataclass
class _Sheet:
    name: str
    number: int
    comments: list[tuple[int, int, str]] = field(default_factory=list)
    filter_ref: str | None = None


class SheetWriter:
    """Writes one worksheet, row by row, in increasing row order."""

    def __init__(self, fh: IO[bytes], sheet: _Sheet, widths: Sequence[tuple[int, float]],
                 freeze: tuple[int, int] | None, selected: bool) -> None:
        self._fh = fh
        self._sheet = sheet
        self._buffer: list[str] = []
        self._size = 0
        head = [XML_HEAD, f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
                "<sheetViews>", _sheet_view(freeze, selected), "</sheetViews>",
                '<sheetFormatPr defaultRowHeight="15"/>']
        if widths:
            head.append("<cols>")
            head += [f'<col min="{c + 1}" max="{c + 1}" width="{w:.2f}" customWidth="1"/>'
                     for c, w in sorted(widths)]
            head.append("</cols>")
        head.append("<sheetData>")
        self._write("".join(head))

    def _write(self, text: str) -> None:
        self._buffer.append(text)
        self._size += len(text)
        if self._size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        self._fh.write("".join(self._buffer).encode("utf-8"))
        self._buffer.clear()
        self._size = 0

    def row(self, number: int, cells: Iterable[str]) -> None:
        """A row of ``<c>`` elements (from :func:`cell_xml`), 1-based ``number``."""
        self._write(f'<row r="{number}">{"".join(cells)}</row>')

    def comment(self, row: int, col: int, text: str) -> None:
        """A cell comment (note) at 0-based ``row``/``col``."""
        self._sheet.comments.append((row, col, text))

    def autofilter(self, ref: str) -> None:
        self._sheet.filter_ref = ref

    def close(self) -> None:
        tail = ["</sheetData>"]
        if self._sheet.filter_ref:
            tail.append(f'<autoFilter ref="{self._sheet.filter_ref}"/>')
        tail.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                    'header="0.3" footer="0.3"/>')
        if self._sheet.comments:
            tail.append('<legacyDrawing r:id="rId1"/>')
        tail.append("</worksheet>")
        self._write("".join(tail))
        self.flush()


def _sheet_view(freeze: tuple[int, int] | None, selected: bool) -> str:
    sel = ' tabSelected="1"' if selected else ""
    if not freeze or freeze == (0, 0):
        return f'<sheetView workbookViewId="0"{sel}/>'
    rows, cols = freeze
    top_left = f"{letter(cols)}{rows + 1}"
    pane = ("bottomRight" if rows and cols else "bottomLeft" if rows else "topRight")
    split = (f' xSplit="{cols}"' if cols else "") + (f' ySplit="{rows}"' if rows else "")
    return (f'<sheetView workbookViewId="0"{sel}><pane{split} topLeftCell="{top_left}" '
            f'activePane="{pane}" state="frozen"/><selection pane="{pane}"/></sheetView>')


class XlsxStream:
    """A workbook written sheet by sheet into a zip. ``tab_order`` (sheet names) sets the
    order of the tabs, which may differ from the order the sheets are written in."""

    def __init__(self, path: Path, creator: str, title: str, created: str) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[_Sheet] = []
        self._open: SheetWriter | None = None
        self._fh: IO[bytes] | None = None
        self.creator, self.title, self.created = creator, title, created

    def sheet(self, name: str, widths: Sequence[tuple[int, float]] = (),
              freeze: tuple[int, int] | None = None, selected: bool = False) -> SheetWriter:
        """Start a new sheet (the previous one is closed)."""
        self._close_sheet()
        sheet = _Sheet(name, len(self._sheets) + 1)
        self._sheets.append(sheet)
        self._fh = self._zip.open(f"xl/worksheets/sheet{sheet.number}.xml", "w",
                                  force_zip64=True)
        self._open = SheetWriter(self._fh, sheet, widths, freeze, selected)
        return self._open

    def _close_sheet(self) -> None:
        if self._open is not None and self._fh is not None:
            self._open.close()
            self._fh.close()
            self._open = self._fh = None

    def close(self, tab_order: Sequence[str]) -> None:
        """Finish: comments, styles, workbook and package parts."""
        self._close_sheet()
        by_name = {s.name: s for s in self._sheets}
        tabs = [by_name[n] for n in tab_order] + [s for s in self._sheets
                                                  if s.name not in tab_order]
        z = self._zip
        block = 1  # VML shape ids come in blocks of 1024, declared per drawing, never shared
        for sheet in self._sheets:
            if sheet.comments:
                blocks = len(sheet.comments) // 1024 + 1
                z.writestr(f"xl/comments{sheet.number}.xml", _comments_xml(sheet.comments))
                z.writestr(f"xl/drawings/vmlDrawing{sheet.number}.vml",
                           _vml_xml(sheet.comments, range(block, block + blocks)))
                block += blocks
                z.writestr(f"xl/worksheets/_rels/sheet{sheet.number}.xml.rels",
                           _sheet_rels(sheet.number))
        z.writestr("xl/styles.xml", _styles_xml())
        z.writestr("xl/workbook.xml", _workbook_xml(tabs))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(self._sheets))
        z.writestr("docProps/core.xml", _core_xml(self.creator, self.title, self.created))
        z.writestr("docProps/app.xml", f'{XML_HEAD}<Properties xmlns="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/extended-properties">'
                   "<Application>bcdc-importer</Application></Properties>")
        z.writestr("_rels/.rels", _root_rels())
        z.writestr("[Content_Types].xml", _content_types(self._sheets))
        z.close()

    def abort(self) -> None:
        """Close the zip after a failure (the caller deletes the partial file)."""
        try:
            if self._fh is not None:
                self._fh.close()
            self._zip.close()
        except (OSError, ValueError):
            pass


def _comments_xml(comments: list[tuple[int, int, str]]) -> str:
    items = "".join(
        f'<comment ref="{letter(c)}{r + 1}" authorId="0"><text><r><rPr><sz val="9"/>'
        f'<rFont val="Tahoma"/><family val="2"/></rPr><t xml:space="preserve">'
        f"{xml_text(text)}</t></r></text></comment>"
        for r, c, text in comments)
    return (f'{XML_HEAD}<comments xmlns="{MAIN_NS}"><authors><author>bcdc-import</author>'
            f"</authors><commentList>{items}</commentList></comments>")


def _vml_xml(comments: list[tuple[int, int, str]], blocks: range) -> str:
    """The legacy drawing Excel needs to show notes (one hidden text box per comment).
    Shape ids are ``1024 * block + n``, in the id blocks this drawing declares."""
    shapes = []
    for i, (r, c, text) in enumerate(comments):
        lines = sum(1 + len(line) // 50 for line in text.split("\n"))
        height = min(12 + 12 * lines, 300)
        shapes.append(
            f'<v:shape id="_x0000_s{blocks[0] * 1024 + i + 1}" type="#_x0000_t202" '
            f'style="position:absolute;margin-left:60pt;margin-top:2pt;width:300pt;'
            f'height:{height}pt;z-index:{i + 1};visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" '
            'obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:'
            'auto"><div style="text-align:left"></div></v:textbox><x:ClientData '
            f'ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{c + 1}, 15, '
            f"{r}, 2, {c + 5}, 15, {r + 4 + lines}, 4</x:Anchor><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>")
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
            'office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout '
            f'v:ext="edit"><o:idmap v:ext="edit" data="{",".join(map(str, blocks))}"/>'
            '</o:shapelayout><v:shapetype '
            'id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,'
            'l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" '
            'o:connecttype="rect"/></v:shapetype>' + "".join(shapes) + "</xml>")


def _sheet_rels(number: int) -> str:
    return (f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/vmlDrawing" '
            f'Target="../drawings/vmlDrawing{number}.vml"/>'
            f'<Relationship Id="rId2" Type="{REL_NS}/comments" '
            f'Target="../comments{number}.xml"/></Relationships>')


def _styles_xml() -> str:
    fonts = ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
             '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
             '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/>'
             '<family val="2"/></font>']
    font_of: dict[tuple[str | None, bool], int] = {(None, False): 0, (None, True): 1}
    fills = ['<fill><patternFill patternType="none"/></fill>',
             '<fill><patternFill patternType="gray125"/></fill>']
    fill_of: dict[str | None, int] = {None: 0}
    for tone, (fill, colour) in TONES.items():
        fill_of[tone] = len(fills)
        fills.append(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill}"/>'
                     '<bgColor indexed="64"/></patternFill></fill>')
        for bold in (False, True):
            font_of[(tone, bold)] = len(fonts)
            fonts.append(f'<font>{"<b/>" if bold else ""}<sz val="11"/><color rgb="FF{colour}"/>'
                         '<name val="Calibri"/><family val="2"/></font>')
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
    for any_tone in _TONE_ORDER:
        for num in _NUM_ORDER:
            for bold in (False, True):
                num_id = NUMBER_FORMATS[num][0] if num else 0
                apply_num = ' applyNumberFormat="1"' if num else ""
                xfs.append(
                    f'<xf numFmtId="{num_id}" fontId="{font_of[(any_tone, bold)]}" '
                    f'fillId="{fill_of[any_tone]}" borderId="0" xfId="0" applyFont="1" '
                    f'applyFill="1"{apply_num} applyAlignment="1"><alignment vertical="top"/>'
                    "</xf>")
    xfs.append('<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" '
               'applyAlignment="1"><alignment vertical="top"/></xf>')
    num_fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{code}"/>'
                       for i, code in NUMBER_FORMATS.values())
    return (f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
            f'<numFmts count="{len(NUMBER_FORMATS)}">{num_fmts}</numFmts>'
            f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
            f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>")


def _workbook_xml(tabs: Sequence[_Sheet]) -> str:
    sheets = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{s.number}" '
                     f'r:id="rId{s.number}"/>' for s in tabs)
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(quote_sheet(s.name))}!{_absolute(s.filter_ref)}</definedName>"
        for i, s in enumerate(tabs) if s.filter_ref)
    return (f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>')


def _absolute(ref: str | None) -> str:
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in (ref or "").split(":"))


def _workbook_rels(sheets: Sequence[_Sheet]) -> str:
    rels = "".join(f'<Relationship Id="rId{s.number}" Type="{REL_NS}/worksheet" '
                   f'Target="worksheets/sheet{s.number}.xml"/>' for s in sheets)
    styles = f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{rels}{styles}</Relationships>'


def _root_rels() -> str:
    return (f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>')


def _core_xml(creator: str, title: str, created: str) -> str:
    return (f"{XML_HEAD}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/"
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
            f'XMLSchema-instance"><dc:title>{escape(title)}</dc:title>'
            f"<dc:creator>{escape(creator)}</dc:creator>"
            + (f'<dcterms:created xsi:type="dcterms:W3CDTF">{escape(created)}</dcterms:created>'
               if created else "") +
            "</cp:coreProperties>")


def _content_types(sheets: Sequence[_Sheet]) -> str:
    parts = [f'<Override PartName="/xl/worksheets/sheet{s.number}.xml" '
             f'ContentType="{_CT}worksheet+xml"/>' for s in sheets]
    parts += [f'<Override PartName="/xl/comments{s.number}.xml" '
              f'ContentType="{_CT}comments+xml"/>' for s in sheets if s.comments]
    return (f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Default Extension="vml" ContentType="application/'
            'vnd.openxmlformats-officedocument.vmlDrawing"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.'
            'openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/'
            'app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-'
            f'properties+xml"/>{"".join(parts)}</Types>')
