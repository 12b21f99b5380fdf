"""Attachment text: PDF, DOCX, XLSX and plain text generated in the test; corrupt files give None."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest

from govwatch.extract.attachments import attachment_text


def _pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with Helvetica text (ASCII), assembled by hand with a correct xref table."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{obj}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_pdf():
    body = _pdf(["Applicant list", "Zhang San 13812345678"])
    text = attachment_text(body, "application/pdf", "http://x.gov.cn/f/list.pdf")
    assert text is not None and "Applicant list" in text and "13812345678" in text
    # Served as octet-stream: recognised by its signature.
    assert "13812345678" in (
        attachment_text(body, "application/octet-stream", "http://x.gov.cn/dl?id=1") or ""
    )


def test_docx_paragraphs_and_tables():
    doc = docx.Document()
    doc.add_paragraph("关于拟录用人员的公示")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "手机"
    table.cell(1, 0).text = "李四"
    table.cell(1, 1).text = "13912345678"
    buf = io.BytesIO()
    doc.save(buf)
    text = attachment_text(buf.getvalue(), "application/octet-stream", "http://x.gov.cn/a.docx")
    assert text is not None
    assert "关于拟录用人员的公示" in text and "李四\t13912345678" in text


def test_xlsx_every_sheet_and_numbers_kept_whole():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "联系电话"])
    ws.append([1, "王五", 13712345678])
    ws2 = wb.create_sheet("第二页")
    ws2.append(["备注", "秸杆禁烧"])
    buf = io.BytesIO()
    wb.save(buf)
    ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    text = attachment_text(buf.getvalue(), ctype, "http://x.gov.cn/b.xlsx")
    assert text is not None
    assert "1\t王五\t13712345678" in text and "秸杆禁烧" in text


def test_plain_text_in_gbk_and_utf8():
    assert attachment_text("公示名单".encode("gbk"), "text/plain", "http://x/a.txt") == "公示名单"
    assert attachment_text("公示名单".encode(), "text/csv; charset=utf-8", "http://x/a.csv") == "公示名单"


@pytest.mark.parametrize(
    ("body", "ctype", "url"),
    [
        (b"%PDF-1.4\n1 0 obj <<>> garbage", "application/pdf", "http://x/a.pdf"),
        (
            b"PK\x03\x04 not really a zip",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "http://x/a.docx",
        ),
        (b"\x00\x01\x02 not a workbook", "application/octet-stream", "http://x/a.xlsx"),
    ],
)
def test_corrupt_files_give_none(body: bytes, ctype: str, url: str, caplog: pytest.LogCaptureFixture):
    assert attachment_text(body, ctype, url) is None
    assert "cannot read" in caplog.text


def test_other_types_give_none():
    assert attachment_text(b"\xd0\xcf\x11\xe0 old word", "application/msword", "http://x/a.doc") is None
    assert attachment_text(b"\x89PNG\r\n", "image/png", "http://x/a.png") is None
    assert attachment_text(b"", "application/pdf", "http://x/a.pdf") is None
