"""Word documents laid out after GB/T 9704-2012 (党政机关公文格式).

The ``*.docx.j2`` templates render to a small line format, one block per line, ``kind: arg ¦ arg …``;
this module turns those blocks into a .docx with python-docx. Layout lives in the template (what is said,
in which order); the standard's typography lives here:

* A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm);
* title 方正小标宋简体 二号 (22 pt) centred; body 仿宋_GB2312 三号 (16 pt), exact line spacing 28.95 pt
  (22 lines a page), first line indented two characters;
* headings: 一级 黑体, 二级 楷体_GB2312, 三级 仿宋 bold;
* bordered tables with a repeated header row;
* page numbers 宋体 四号 “— 5 —”: odd pages right, even pages left, one character in from the edge.

Font names are written for Latin and East-Asian text alike (``w:eastAsia``); a machine without them
substitutes its own (see include/templates/notices/fonts/fonts.conf for LibreOffice).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
BODY_PT = 16.0
LINE_PT = 28.95
TEXT_WIDTH_MM = 156
RED = RGBColor(0xC0, 0x00, 0x00)
SEP = " ¦ "
BLOCK_RE = re.compile(r"^([a-z_0-9]+):(?: (.*))?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Block:
    kind: str
    args: list[str] = field(default_factory=list)


def parse_blocks(text: str) -> Iterator[Block]:
    """The blocks of a rendered ``*.docx.j2`` template; blank lines are ignored."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = BLOCK_RE.match(line)
        if not m:
            raise ValueError(f"docx template line {lineno}: not a block `kind: text`: {line[:60]!r}")
        args = m.group(2).split(SEP) if m.group(2) is not None else []
        yield Block(m.group(1), [a.strip() for a in args])


def clean(text: str) -> str:
    """Text that may go into a block: no line breaks, no separator, no XML-illegal characters."""
    return _CONTROL.sub("", str(text)).replace("\r", " ").replace("\n", " ").replace("\t", " ").replace("¦", "|")


def _width(text: str, ascii_em: float = 0.5) -> float:
    """Width in characters of the body font: CJK and full-width count 1, ASCII ``ascii_em``."""
    return sum(ascii_em if ord(ch) < 0x2E80 else 1.0 for ch in text)


# ------------------------------------------------------------------------------------------ low level


def _fonts(run_or_style: Any, name: str, size: float | None = None, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _spacing(par: Any, line_pt: float = LINE_PT) -> None:
    pf = par.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(line_pt)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)


def _indent_chars(par: Any, first: int = 0, left: int = 0, right: int = 0, hanging: int = 0) -> None:
    """Indents in characters (w:*Chars, which scale with the font) with point fallbacks for old readers."""
    pf = par.paragraph_format
    unit = BODY_PT
    if first:
        pf.first_line_indent = Pt(first * unit)
    if hanging:
        pf.first_line_indent = Pt(-hanging * unit)
    if left:
        pf.left_indent = Pt(left * unit)
    if right:
        pf.right_indent = Pt(right * unit)
    ind = par._p.get_or_add_pPr().get_or_add_ind()
    if first:
        ind.set(qn("w:firstLineChars"), str(first * 100))
    if hanging:
        ind.set(qn("w:hangingChars"), str(hanging * 100))
    if left:
        ind.set(qn("w:leftChars"), str(left * 100))
    if right:
        ind.set(qn("w:rightChars"), str(right * 100))


def _page_field(par: Any) -> None:
    """A PAGE field: Word and LibreOffice fill in the page number."""
    def run_with(tag: str, **attrs: str) -> None:
        run = par.add_run()
        _fonts(run, SONGTI, 14)
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        if tag == "w:instrText":
            el.text = " PAGE "
        run._r.append(el)

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    run_with("w:instrText", **{"xml:space": "preserve"})
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    r = par.add_run("1")
    _fonts(r, SONGTI, 14)
    run_with("w:fldChar", **{"w:fldCharType": "end"})


def _footer(footer: Any, align: WD_ALIGN_PARAGRAPH) -> None:
    par = footer.paragraphs[0]
    par.alignment = align
    _spacing(par, 18)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        par.paragraph_format.right_indent = Pt(14)
    else:
        par.paragraph_format.left_indent = Pt(14)
    r = par.add_run("— ")
    _fonts(r, SONGTI, 14)
    _page_field(par)
    r = par.add_run(" —")
    _fonts(r, SONGTI, 14)


def _border_bottom(par: Any, color: str = "C00000", size: int = 18) -> None:
    ppr = par._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    # Schema order: pBdr comes before shd, tabs, spacing, ind, jc.
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                              "w:rPr", "w:sectPr", "w:pPrChange")  # fmt: skip


def _no_grid(par: Any) -> None:
    """Table text keeps its own line spacing instead of snapping to the page's 28.95 pt line grid."""
    ppr = par._p.get_or_add_pPr()
    el = OxmlElement("w:snapToGrid")
    el.set(qn("w:val"), "0")
    ppr.insert_element_before(el, "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                              "w:sectPr", "w:pPrChange")  # fmt: skip


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _table_borders(table: Any) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
            el.set(qn(k), v)
        borders.append(el)
    tblpr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                "w:tblDescription")  # fmt: skip


# ----------------------------------------------------------------------------------------------- writer


class Writer:
    """Builds one GB/T 9704 document from blocks."""

    def __init__(self, images: dict[str, bytes] | None = None):
        self.doc = Document()
        self.images = images or {}
        self._table: list[list[str]] = []
        self._table_head = 0
        self._break_next = False
        self.text_width: float = TEXT_WIDTH_MM
        self._setup()

    def _setup(self) -> None:
        doc = self.doc
        sec = doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
        sec.left_margin, sec.right_margin = Mm(28), Mm(26)
        sec.header_distance, sec.footer_distance = Mm(15), Mm(24)
        # 22 lines a page come from the exact 28.95 pt line spacing; no document grid, which LibreOffice would
        # also snap table rows and titles to.
        grid = sec._sectPr.find(qn("w:docGrid"))
        if grid is not None:
            grid.set(qn("w:type"), "default")
            grid.attrib.pop(qn("w:linePitch"), None)
        normal = doc.styles["Normal"]
        _fonts(normal, FANGSONG, BODY_PT)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = Pt(LINE_PT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.widow_control = False
        doc.settings.odd_and_even_pages_header_footer = True
        _footer(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        _footer(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    # ---- paragraphs
    def _par(self, align: WD_ALIGN_PARAGRAPH | None = None, line: float = LINE_PT) -> Any:
        par = self.doc.add_paragraph()
        if self._break_next:
            # A property of the paragraph, not a break character: LibreOffice otherwise may leave a blank page.
            par.paragraph_format.page_break_before = True
            self._break_next = False
        if align is not None:
            par.alignment = align
        _spacing(par, line)
        return par

    def _run(self, par: Any, text: str, font: str = FANGSONG, size: float = BODY_PT, bold: bool = False,
             color: RGBColor | None = None) -> Any:  # fmt: skip
        run = par.add_run(text)
        _fonts(run, font, size, bold)
        if color is not None:
            run.font.color.rgb = color
        return run

    def title(self, text: str, size: float = 22) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.CENTER, line=size * 1.6)
        self._run(par, text, XIAOBIAOSONG, size)

    def masthead(self, title: str, issue: str, office: str, day: str) -> None:
        """A 简报 masthead (月报): red title, 期数, 编印单位 left and date right over a red rule."""
        self.blank()
        par = self._par(WD_ALIGN_PARAGRAPH.CENTER, line=56)
        self._run(par, title, XIAOBIAOSONG, 36, color=RED)
        par = self._par(WD_ALIGN_PARAGRAPH.CENTER)
        self._run(par, issue, KAITI, BODY_PT)
        self.blank()
        par = self._par(WD_ALIGN_PARAGRAPH.LEFT)
        par.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
        self._run(par, f"{office}\t{day}", FANGSONG, BODY_PT)
        _border_bottom(par)
        self.blank()

    def blank(self) -> None:
        self._par()

    def section(self, text: str) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.LEFT)
        self._run(par, text, HEITI, BODY_PT)

    def h1(self, text: str) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.JUSTIFY)
        _indent_chars(par, first=2)
        self._run(par, text, HEITI, BODY_PT)

    def h2(self, text: str) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.JUSTIFY)
        _indent_chars(par, first=2)
        self._run(par, text, KAITI, BODY_PT)

    def p(self, text: str, lead: str = "") -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.JUSTIFY)
        _indent_chars(par, first=2)
        if lead:
            self._run(par, lead, FANGSONG, BODY_PT, bold=True)
        self._run(par, text)

    def pl(self, lead: str, text: str) -> None:
        self.p(text, lead)

    def h2p(self, lead: str, text: str) -> None:
        """A paragraph led by a 二级标题 in 楷体 (“（一）总体情况。”) as GB/T 9704 runs them in."""
        par = self._par(WD_ALIGN_PARAGRAPH.JUSTIFY)
        _indent_chars(par, first=2)
        self._run(par, lead, KAITI, BODY_PT)
        self._run(par, text)

    def addressee(self, text: str) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.LEFT)
        self._run(par, text)

    def attachments(self, *names: str) -> None:
        """附件说明: “附件：1.名称”, following names aligned under the first."""
        names = tuple(n for n in names if n)
        if not names:
            return
        numbered = len(names) > 1
        for i, name in enumerate(names, start=1):
            text = f"{i}.{name}" if numbered else name
            par = self._par(WD_ALIGN_PARAGRAPH.LEFT)
            if i == 1:
                _indent_chars(par, left=5, hanging=3)
                self._run(par, "附件：" + text)
            else:
                _indent_chars(par, left=5)
                self._run(par, text)

    def signature(self, office: str, day: str) -> None:
        """发文机关署名 centred over the 成文日期, which stands four characters from the right edge."""
        self.blank()
        right = 4 + max(0.0, (_width(day) - _width(office)) / 2)
        par = self._par(WD_ALIGN_PARAGRAPH.RIGHT)
        par.paragraph_format.right_indent = Pt(right * BODY_PT)
        self._run(par, office)
        par = self._par(WD_ALIGN_PARAGRAPH.RIGHT)
        _indent_chars(par, right=4)
        self._run(par, day)

    def note(self, text: str) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.LEFT)
        _indent_chars(par, first=2)
        self._run(par, text)

    def right(self, text: str) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.RIGHT)
        self._run(par, text)

    def pagebreak(self) -> None:
        self._break_next = True

    def landscape(self) -> None:
        """Start a landscape section (wide attachment tables), margins turned with the page."""
        self._section(landscape=True)

    def portrait(self) -> None:
        self._section(landscape=False)

    def _section(self, *, landscape: bool) -> None:
        sec = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._break_next = False
        if landscape:
            sec.orientation = WD_ORIENT.LANDSCAPE
            sec.page_width, sec.page_height = Mm(297), Mm(210)
            sec.top_margin, sec.bottom_margin = Mm(28), Mm(26)
            sec.left_margin, sec.right_margin = Mm(37), Mm(35)
            self.text_width = 297 - 37 - 35
        else:
            sec.orientation = WD_ORIENT.PORTRAIT
            sec.page_width, sec.page_height = Mm(210), Mm(297)
            sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
            sec.left_margin, sec.right_margin = Mm(28), Mm(26)
            self.text_width = TEXT_WIDTH_MM
        sec.footer_distance = Mm(18 if landscape else 24)

    def attach_label(self, text: str) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.LEFT)
        self._run(par, text, HEITI, BODY_PT)

    def attach_title(self, text: str) -> None:
        self.blank()
        par = self._par(WD_ALIGN_PARAGRAPH.CENTER, line=32)
        self._run(par, text, XIAOBIAOSONG, 18)
        self.blank()

    def caption(self, text: str) -> None:
        par = self._par(WD_ALIGN_PARAGRAPH.CENTER, line=24)
        self._run(par, text, KAITI, 14)

    def image(self, name: str, caption: str = "") -> None:
        png = self.images.get(name)
        if not png:
            return
        par = self._par(WD_ALIGN_PARAGRAPH.CENTER, line=LINE_PT)
        par.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        par.add_run().add_picture(io.BytesIO(png), width=Mm(125))
        if caption:
            self.caption(caption)

    # ---- tables
    def table(self, *headers: str) -> None:
        self._table = [list(headers)]
        self._table_head = 1

    def tr(self, *cells: str) -> None:
        self._table.append(list(cells))

    def endtable(self) -> None:
        rows, self._table = self._table, []
        if not rows:
            return
        ncols = max(len(r) for r in rows)
        rows = [r + [""] * (ncols - len(r)) for r in rows]
        size = 12.0 if ncols <= 6 else 10.5
        widths = _column_widths(rows, size, self.text_width)
        table = self.doc.add_table(rows=len(rows), cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders(table)
        for ri, cells in enumerate(rows):
            row = table.rows[ri]
            _cant_split(row)
            if ri < self._table_head:
                _repeat_header(row)
            for ci, text in enumerate(cells):
                cell = row.cells[ci]
                cell.width = Mm(widths[ci])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                par = cell.paragraphs[0]
                _spacing(par, size * 1.5)
                _no_grid(par)
                short = _width(text) <= 6 or ci == 0
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER if ri == 0 or short else WD_ALIGN_PARAGRAPH.LEFT
                if ri == 0:
                    self._run(par, text, HEITI, size)
                else:
                    self._run(par, text, FANGSONG, size)
        # Word and LibreOffice want the grid, the table width and a fixed layout, or they redistribute the
        # widths after the content.
        grid = table._tbl.tblGrid
        for ci, gc in enumerate(grid.findall(qn("w:gridCol"))):
            gc.set(qn("w:w"), str(int(Mm(widths[ci]).twips)))
        tblpr = table._tbl.tblPr
        tblw = tblpr.find(qn("w:tblW"))
        if tblw is None:
            tblw = OxmlElement("w:tblW")
            tblpr.insert_element_before(tblw, "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                                        "w:tblLayout", "w:tblCellMar", "w:tblLook")  # fmt: skip
        tblw.set(qn("w:type"), "dxa")
        tblw.set(qn("w:w"), str(sum(int(Mm(w).twips) for w in widths)))
        tblpr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
        self.blank()

    # ---- output
    def save(self, path: Path, *, title: str, author: str, day: datetime) -> Path:
        props = self.doc.core_properties
        props.title = title
        props.author = author
        props.last_modified_by = author
        props.created = day
        props.modified = day
        props.revision = 1
        buf = io.BytesIO()
        self.doc.save(buf)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_normalise_zip(buf.getvalue()))
        return path


def _column_widths(rows: list[list[str]], size: float, text_width: float = TEXT_WIDTH_MM) -> list[float]:
    """Column widths in mm filling the 156 mm text width: short columns (序号, dates, counts, codes) get
    what their longest cell needs on one line; the rest share the remaining width after their content."""
    char_mm = size * 0.3528 * 1.02
    pad = 4.2  # the cells' default left + right margins, and a little air
    ncols = len(rows[0])
    fixed: dict[int, float] = {}
    flex: dict[int, float] = {}
    for ci in range(ncols):
        # Digits and Latin letters of the CJK fonts' companions run wider than half an em.
        cells = [_width(r[ci], 0.6) for r in rows[1:]] or [0.0]
        longest, mean = max(cells), sum(cells) / len(cells)
        head = _width(rows[0][ci])
        if longest <= 6:
            # Headers may wrap onto several lines when a table has many columns; data should not.
            fixed[ci] = max(longest, min(head, 4.0 if ncols <= 8 else 2.0), 1.0) * char_mm + pad
        else:
            # A column of mostly short notes with one long one should not take the page.
            flex[ci] = max(min(0.5 * longest + 0.5 * mean, 16.0), min(head, 6.0))
    room = text_width - sum(fixed.values())
    if not flex or room < 12 * len(flex):
        # Too many short columns for the page: scale everything down proportionally.
        need = {ci: fixed.get(ci, flex.get(ci, 4.0) * char_mm + pad) for ci in range(ncols)}
        total = sum(need.values())
        return [round(need[ci] * text_width / total, 1) for ci in range(ncols)]
    weight = sum(flex.values())
    return [round(fixed[ci] if ci in fixed else room * flex[ci] / weight, 1) for ci in range(ncols)]


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member dates, so the same content gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_docx(blocks_text: str, path: Path, *, images: dict[str, bytes], title: str, author: str,
               day: datetime) -> Path:  # fmt: skip
    """Render template blocks to a .docx at ``path``."""
    w = Writer(images)
    for b in parse_blocks(blocks_text):
        fn = getattr(w, b.kind, None)
        if fn is None or b.kind.startswith("_") or b.kind in ("save",):
            raise ValueError(f"docx template: unknown block kind {b.kind!r}")
        fn(*b.args)
    return w.save(path, title=title, author=author, day=day)


def docx_text(path: Path) -> str:
    """All text of a .docx (paragraphs and table cells, in document order), for tests and comparisons."""
    doc = Document(str(path))
    out: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            out.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for tr in child.iter(qn("w:tr")):
                out.append("\t".join("".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))))
    return "\n".join(out)
