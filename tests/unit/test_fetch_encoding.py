"""Encoding detection and the private-address guard (no network)."""

from __future__ import annotations

import asyncio
import codecs

import pytest

from govwatch.fetch import guard
from govwatch.fetch.encoding import decode, normalize


def test_aliases_read_gb_family_as_gb18030():
    for label in ("GB2312", "gbk", "x-gbk", "cp936", "GB18030"):
        assert normalize(label) == "gb18030"
    assert normalize("UTF-8") == "utf-8"
    assert normalize("no-such-charset") is None


def test_bom_wins_over_wrong_header():
    body = codecs.BOM_UTF8 + "<p>政务公开</p>".encode()
    text, enc = decode(body, "text/html; charset=gbk")
    assert text == "<p>政务公开</p>" and enc == "utf-8"


def test_meta_charset_forms():
    html5 = '<meta charset="gbk"><p>信息公开</p>'.encode("gbk")
    old = '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=GB2312"><p>信息公开</p>'.encode("gbk")
    for body in (html5, old):
        text, enc = decode(body, "text/html")
        assert "信息公开" in text and enc == "gb18030"


def test_undeclared_gbk_detected():
    body = (
        "<html><body>" + "江西省人民政府办公厅关于印发政务公开工作要点的通知。" * 20 + "</body></html>"
    ).encode("gbk")
    text, _enc = decode(body, "text/html")
    assert "江西省人民政府办公厅" in text


def test_binary_has_no_text():
    assert decode(b"\x89PNG\r\n\x1a\n\x00\x00", "image/png") == ("", None)
    assert decode(b"PK\x03\x04\x00\x00", "")[0] == ""


@pytest.mark.parametrize(
    ("addr", "private"),
    [
        ("127.0.0.1", True),
        ("127.3.4.5", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("::1", True),
        ("fe80::1", True),
        ("::ffff:10.0.0.1", True),
        ("100.64.0.1", True),
        ("0.0.0.0", True),
        ("8.8.8.8", False),
        ("202.108.22.5", False),
    ],
)
def test_private_ranges(addr, private):
    assert guard.is_private_ip(addr) is private


def test_guard_checks_resolved_addresses(monkeypatch):
    async def fake(host, port):
        return {"rebind.example.cn": ["8.8.8.8", "10.0.0.5"], "ok.example.cn": ["202.108.22.5"]}[host]

    monkeypatch.setattr(guard, "resolve", fake)

    async def go():
        await guard.check_url("https://ok.example.cn/x", allow_private=False)
        with pytest.raises(guard.BlockedAddress):
            await guard.check_url("http://rebind.example.cn/", allow_private=False)
        with pytest.raises(guard.BlockedAddress):
            await guard.check_url("http://localhost:8080/", allow_private=False)
        with pytest.raises(guard.BlockedAddress):
            await guard.check_url("http://[::1]/", allow_private=False)
        await guard.check_url("http://rebind.example.cn/", allow_private=True)

    asyncio.run(go())


def test_utf8_page_with_stale_gb2312_meta():
    body = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>北京朝阳 中<b>x</b></p>'.encode()
    text, enc = decode(body, "text/html")
    assert "北京朝阳 中" in text and enc == "utf-8"


def test_refresh_targets():
    from govwatch.fetch.client import refresh_target

    base = "http://www.example.gov.cn/"
    assert refresh_target('<meta http-equiv="Refresh" content="0;URL=/col/col1/index.html">', base) == (
        "http://www.example.gov.cn/col/col1/index.html"
    )
    assert (
        refresh_target("<meta content='1; url=index.shtml' http-equiv='refresh'>", base)
        == base + "index.shtml"
    )
    frames = '<frameset rows="80,*"><frame name="top" src="top.htm"><frame name="mainFrame" src="main.htm"></frameset>'
    assert refresh_target(frames, base) == base + "main.htm"
    assert refresh_target("<script>window.location.replace('/portal/')</script>", base) == base + "portal/"
    assert refresh_target('<meta http-equiv="refresh" content="600">', base) is None
    assert refresh_target("<p>" + "内容" * 200 + "</p><script>location.href='/x'</script>", base) is None
