"""Text of attached documents (PDF, DOCX, XLSX, plain text), for the personal-data and wording scans.

Public API
----------
``attachment_text(body, content_type, url) -> str | None``
    The document's text, or None when the type is not one we read (old .doc/.xls, images, archives …)
    or the file is corrupt — never raises; a corrupt file is logged. The type is taken from the file's
    own signature first (servers often send ``application/octet-stream``), then the Content-Type, then the
    URL's extension. PDF via pypdf, DOCX via python-docx (paragraphs, tables, text boxes, headers and footers),
    XLSX via openpyxl (every sheet, cells tab-separated, one row a line), plain text / CSV decoded as
    UTF-8, then GB18030, then by detection. Output is capped at ``MAX_CHARS`` characters and PDFs at
    ``MAX_PDF_PAGES`` pages so one huge attachment cannot stall a crawl.
"""

from __future__ import annotations

import io
import logging
import zipfile
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000
MAX_PDF_PAGES = 300
MAX_XLSX_CELLS = 500_000

_TEXT_TYPES = ("text/plain", "text/csv", "application/csv")


def _kind(body: bytes, content_type: str, url: str) -> str | None:
    ctype = (content_type or "").split(";")[0].strip().lower()
    ext = unquote(urlsplit(url or "").path).rsplit(".", 1)[-1].lower() if "." in (url or "") else ""
    if body.startswith(b"%PDF") or b"%PDF-" in body[:1024]:
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if names:
            return None  # some other zip (pptx, odt, an archive)
        # A truncated zip: trust the declared type so the reader reports the corruption.
    if ctype == "application/pdf" or ext == "pdf":
        return "pdf"
    if "wordprocessingml" in ctype or ext == "docx":
        return "docx"
    if "spreadsheetml" in ctype or ext == "xlsx":
        return "xlsx"
    if ctype in _TEXT_TYPES or ext in ("txt", "csv"):
        return "text"
    return None


def attachment_text(body: bytes, content_type: str, url: str) -> str | None:
    """Text of an attached document (see the module docstring)."""
    if not body:
        return None
    kind = _kind(body, content_type, url)
    if kind is None:
        return None
    try:
        text = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "text": _plain}[kind](body)
    except Exception as exc:  # corrupt or hostile files raise anything; one bad file must not stop a run
        log.warning("attachment %s (%s): cannot read: %s", url, kind, exc)
        return None
    return text[:MAX_CHARS] if text is not None else None


def _pdf(body: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        # Many government PDFs are "encrypted" with an empty user password only to forbid editing.
        reader.decrypt("")
    parts: list[str] = []
    size = 0
    for i, page in enumerate(reader.pages):
        if i >= MAX_PDF_PAGES or size > MAX_CHARS:
            break
        t = page.extract_text() or ""
        parts.append(t)
        size += len(t)
    return "\n".join(parts)


def _docx(body: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(body))
    parts: list[str] = [p.text for p in doc.paragraphs]

    def tables(tbls) -> None:  # noqa: ANN001 - python-docx types
        for table in tbls:
            for row in table.rows:
                cells: list[str] = []
                for cell in row.cells:
                    if cell.text not in cells:  # merged cells repeat their text
                        cells.append(cell.text)
                    tables(cell.tables)
                parts.append("\t".join(cells))

    tables(doc.tables)
    # Text boxes (w:txbxContent) hold paragraphs python-docx does not list.
    from docx.oxml.ns import qn

    for box in doc.element.body.iter(qn("w:txbxContent")):
        for para in box.iter(qn("w:p")):
            parts.append("".join(t.text or "" for t in para.iter(qn("w:t"))))
    for section in doc.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(p for p in parts if p)


def _xlsx(body: bytes) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    lines: list[str] = []
    cells = 0
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                values = ["" if v is None else _cell(v) for v in row]
                cells += len(values)
                if any(values):
                    lines.append("\t".join(values).rstrip("\t"))
                if cells > MAX_XLSX_CELLS:
                    break
    finally:
        wb.close()
    return "\n".join(lines)


def _cell(v: object) -> str:
    # ID numbers typed as numbers come back as int (or float without a fraction): keep every digit.
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _plain(body: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    return body.decode(best.encoding if best else "gb18030", "replace")
