"""The saved real government pages in ../shared/realpages/, served on loopback: the newest item date must
be right. Expected dates were read off each page by hand (the as-of dates are around when it was saved)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govwatch.extract.listing import extract_listing
from govwatch.fetch.client import fetch_all
from govwatch.fetch.loopback import LoopbackServer, Route
from govwatch.settings import from_env

pytestmark = pytest.mark.integration

REALPAGES = Path(__file__).resolve().parents[2].parent / "shared" / "realpages"

# page: (as-of, newest item date, why)
EXPECTED = {
    "01_handan-xxgk-index.html": (date(2020, 8, 10), date(2020, 8, 2), "li a + span dates"),
    "02_yichun-home.html": (
        date(2023, 10, 11),
        date(2023, 10, 11),
        "span.time; page-generation meta ignored",
    ),
    # [2018-03-16] items; 2018年3月20日 inside a title (采暖延期至…) is not an item date
    "03_bjchy-home.html": (date(2018, 3, 22), date(2018, 3, 16), "bracketed dates before links"),
    # only MM-DD dates: year inferred from the as-of date; 10-27 etc. belong to 2017
    "04_bjgjj-home.html": (date(2018, 3, 22), date(2018, 3, 15), "short dates"),
    # textarea (hidden) article text with 2018年3月… is not an item
    "05_bjciq-home.html": (date(2018, 3, 22), date(2018, 3, 20), "年月日 dates inside links"),
    # 北京劳动就业报2018年3月9日 is a title; 03-20 short dates after links are items
    "06_bjrbj-home.html": (date(2018, 3, 22), date(2018, 3, 20), "tail short dates"),
    "07_alt-home.html": (date(2018, 3, 22), date(2018, 3, 22), "bracketed tail dates, tooltips ignored"),
    # meta createDate (page generation, 2018-03-21 19:38) is not what is read: list_date spans are
    "08_bjda-home.html": (date(2018, 3, 22), date(2018, 3, 21), "span.list_date"),
}


def test_every_real_page_is_covered():
    assert sorted(p.name for p in REALPAGES.glob("*.html")) == sorted(EXPECTED)


def test_real_pages_newest_date_over_http():
    routes = {
        f"/{name}": Route(200, (REALPAGES / name).read_bytes(), content_type="text/html") for name in EXPECTED
    }
    settings = from_env({"GOVWATCH_ALLOW_PRIVATE": "1", "GOVWATCH_HOME": "/tmp/gw-realpages"})
    with LoopbackServer(routes) as srv:
        results = fetch_all([srv.url(f"/{n}") for n in EXPECTED], settings=settings)
    wrong = {}
    for name, (as_of, newest, _why) in EXPECTED.items():
        r = results[srv.url(f"/{name}")]
        assert r.ok, (name, r.error)
        listing = extract_listing(r.body, url=r.final_url, as_of=as_of, content_type=r.content_type)
        if listing.newest_date != newest:
            wrong[name] = (listing.newest_date, newest)
        assert listing.dated_count >= 5 and not listing.blank, name
        assert "\ufffd" not in r.text[:20000], f"{name}: mis-decoded"
    assert not wrong
