"""The sample province served on loopback: registry import, charsets, links, attachments, feeds."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from govwatch.registry.load import load_registry
from govwatch.registry.store import import_registry
from govwatch.sample import generate, serve

AS_OF = date(2026, 11, 22)


@pytest.fixture(scope="module")
def served():
    prov = generate(AS_OF)
    with serve(prov) as s:
        yield s


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")


def _links(text: str) -> list[str]:
    p = _Links()
    p.feed(text)
    return p.links


def test_registry_imports_cleanly(served, store, tmp_path):
    paths = served.write(tmp_path)
    reg = load_registry(paths["registry"])
    assert len(reg.sites) == len(served.province.sites) >= 18
    assert sum(len(s.columns) for s in reg.sites) >= 55
    assert len(reg.accounts) >= 28
    counts = import_registry(store, reg)
    assert counts["sites"]["inserted"] == len(reg.sites)
    again = import_registry(store, load_registry(paths["registry"]))
    assert all(v["inserted"] == 0 and v["updated"] == 0 for v in again.values())
    truth = json.loads(paths["truth"].read_text(encoding="utf-8"))
    assert {e["check"] for e in truth["expected"]} >= {"site_unreachable", "media_no_interaction"}


def test_every_site_page_decodes_with_its_declared_charset(served):
    prov = served.province
    with httpx.Client(timeout=5) as client:
        for site in prov.sites:
            if site.status == "down":
                assert client.get(served.site_url(site.id)).status_code == 503
                continue
            r = client.get(served.site_url(site.id))
            assert r.status_code == 200
            ctype = r.headers["content-type"]
            if site.encoding == "gbk":
                assert "charset=GBK" in ctype
                assert b'<meta charset="gbk">' in r.content
                with pytest.raises(UnicodeDecodeError):
                    r.content.decode("utf-8")
                text = r.content.decode("gbk")  # strict: every character is GBK
            else:
                assert "charset=utf-8" in ctype
                text = r.content.decode("utf-8")
            assert site.name in text and site.id in text
            assert (
                f"{AS_OF.year}年{AS_OF.month}月" in text
            )  # the "今天是" banner: a date that is no item date
            assert "&#" not in text  # nothing fell back to character references
            assert int(r.headers["content-length"]) == len(r.content)


def test_in_site_links_resolve_except_the_planted_ones(served):
    """Crawl every site: all links answer (after redirects) except the planted broken ones."""
    prov = served.province
    broken: set[str] = set()
    outside: set[str] = set()
    seen_pages = 0
    with httpx.Client(timeout=5) as client:
        for site in prov.sites:
            if site.status == "down":
                continue
            base = served.site_url(site.id)
            host = urlsplit(base).netloc
            todo, seen = [base], {base}
            while todo:
                url = todo.pop()
                r = client.get(url, follow_redirects=True)
                if r.status_code != 200:
                    broken.add(urlsplit(url).path if urlsplit(url).netloc == host else url)
                    continue
                seen_pages += 1
                if not r.headers["content-type"].startswith("text/html"):
                    continue
                text = r.content.decode("gbk" if site.encoding == "gbk" else "utf-8")
                for href in _links(text):
                    if href.startswith(("javascript:", "#")) or "/rl/index.html?" in href:
                        continue  # not pages; the endless 活动日历 is tested on its own
                    full = urljoin(url, href).split("#")[0]
                    if urlsplit(full).netloc == host and full not in seen:
                        seen.add(full)
                        todo.append(full)
                    elif urlsplit(full).netloc != host:
                        outside.add(full)
        assert broken == {"/wjdt/old/2019/notice_88.html", "/hdjl/index.html"}
        assert seen_pages > 600
        bad_outside = set()
        for url in sorted(outside):
            try:
                r = client.get(url, follow_redirects=True)
                if r.status_code != 200:
                    bad_outside.add(url)
            except httpx.TransportError:
                bad_outside.add(urlsplit(url).netloc)
        # the crawler trap: every day links to the next, without end
        cal = served.url("3901000001", "/rl/index.html?date=2031-01-01")
        text = client.get(cal).text
        assert "2031年1月1日" in text and "/rl/index.html?date=2031-01-02" in text
    dead = f"{served.host_base}.{prov.dead_host}:{served.port}"
    assert bad_outside == {"nosuch.example.invalid", dead}


def test_unreachable_column_blank_column_and_nodates(served):
    with httpx.Client(timeout=5) as client:
        assert client.get(served.column_url("3901000005/jkkp")).status_code == 404
        assert client.get(served.column_url("3901000013/aqsc")).status_code == 500
        import time

        t0 = time.monotonic()
        assert client.get(served.column_url("3901000001/ghjh")).status_code == 200
        assert 1.9 < time.monotonic() - t0 < 4
        r = client.get(served.column_url("3901000004/slgh"))
        assert r.status_code == 200 and "暂无信息" in r.content.decode("gbk")
        text = client.get(served.column_url("3901000008/scdt")).text
        assert "gwDate(" in text and not re.search(
            r"\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}",
            text.split('<div class="main">')[1].split('<div class="yqlj">')[0],
        )


def test_attachments_carry_text(served):
    from pypdf import PdfReader

    prov = served.province
    atts = [(s, a) for s in prov.sites for c in s.columns for it in c.items for a in it.attachments]
    kinds = {a.kind for _, a in atts}
    assert kinds == {"pdf", "docx"}
    with httpx.Client(timeout=5) as client:
        for site, att in atts:
            r = client.get(served.url(site.id, att.path))
            assert r.status_code == 200
            if att.kind == "pdf":
                assert r.headers["content-type"] == "application/pdf"
                text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
            else:
                import docx

                text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
            assert att.title in text
            assert att.lines[1].split()[1] in text


def test_feeds_menus_and_outside_world(served):
    prov = served.province
    reg = served.registry()
    with httpx.Client(timeout=5) as client:
        kinds = set()
        for acct in reg["accounts"]:
            r = client.get(acct["feed_url"])
            assert r.status_code == 200
            kinds.add(r.headers["content-type"].split(";")[0])
            if "menu_url" in acct:
                menu = client.get(acct["menu_url"]).json()
                assert "button" in menu["selfmenu_info"]
            if "interaction_url" in acct:
                assert client.get(acct["interaction_url"]).status_code == 200
        assert kinds == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
        dead = prov.account("wx-yzjt").menu["selfmenu_info"]["button"][-1]["sub_button"]["list"][0]["url"]
        assert client.get(dead.replace("@@OUT@@", served.outside_url)).status_code == 404
        # HEAD refused but GET fine (a broken-link decoy), HEAD elsewhere has a Content-Length and no body
        assert client.head(served.outside_url + "/zwfw/").status_code == 405
        assert client.get(served.outside_url + "/zwfw/").status_code == 200
        h = client.head(served.site_url("3901000001"))
        assert h.status_code == 200 and int(h.headers["content-length"]) > 1000 and h.content == b""
        assert client.get(served.url("3901000001", "/no/such/page.html")).status_code == 404


def test_state_controls(served):
    sid = served.province.flaky_site
    url = served.site_url(sid)
    with httpx.Client(timeout=5) as client:
        assert client.get(url).status_code == 200
        served.fail_every(sid, 4)
        codes = [client.get(url).status_code for _ in range(8)]
        assert codes.count(503) == 2
        served.fail_every(sid, 0)
        served.set_state(sid, "reset")
        with pytest.raises(httpx.TransportError):
            client.get(url)
    served.set_state(sid, "ok")
    with httpx.Client(timeout=5) as client:
        assert client.get(url).status_code == 200
        with pytest.raises(httpx.ReadTimeout):
            client.get(served.url(sid, "/__slow__/2/x.html"), timeout=0.5)


def test_serve_command_writes_registry_and_truth(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    out = tmp_path / "demo"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govwatch.sample",
            "serve",
            "--as-of",
            "2026-11-22",
            "--out",
            str(out),
            "--host-base",
            "127.0.78",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("truth:"):
                break
        assert (out / "registry.yaml").exists() and (out / "truth.json").exists(), "".join(lines)
        url = next(ln.split()[1] for ln in lines if ln.strip().startswith("3901000001"))
        assert url.startswith("http://127.0.78.1:")
        assert httpx.get(url, timeout=5).status_code == 200
        reg = load_registry(out / "registry.yaml")
        assert reg.sites[0].url == url
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    bad = subprocess.run(
        [sys.executable, "-m", "govwatch.sample", "serve", "--as-of", "22/11/2026", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--as-of" in bad.stderr


def test_site_states_set_on_the_province_before_serving():
    prov = generate(AS_OF)
    prov.site(prov.flaky_site).fail_every = 2
    prov.site("3901000013").status = "down"
    with serve(prov) as s, httpx.Client(timeout=5) as client:
        codes = [client.get(s.site_url(prov.flaky_site)).status_code for _ in range(4)]
        assert codes == [200, 503, 200, 503]
        assert client.get(s.site_url("3901000013")).status_code == 503
