"""Feed parsing (RSS 2.0, RSS 1.0, Atom, JSON Feed) and the new-media freshness checks."""

from __future__ import annotations

import json
from datetime import date

import pytest

from govwatch.checks.media import feed_findings
from govwatch.extract.feeds import FeedError, parse_feed
from govwatch.registry.model import Account
from govwatch.rules import load_rules
from govwatch.settings import from_env

RULES = load_rules(from_env({"GOVWATCH_HOME": "/tmp/gw-unit"}))
ACC = Account(
    id="wx-a", name="某某发布", platform="wechat", unit="u1", feed_url="http://feeds.example.cn/a.xml"
)
AS_OF = date(2026, 11, 19)  # Thursday; last complete week 11-09 … 11-15

RSS = """<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>某某发布</title>
<item><title>第一条</title><link>http://x/1</link><pubDate>Wed, 18 Nov 2026 09:00:00 +0800</pubDate></item>
<item><title>第二条</title><link>http://x/2</link><dc:date>2026-11-12T10:00:00+08:00</dc:date></item>
<item><title>第三条</title><guid>http://x/3</guid><pubDate>Sun, 15 Nov 2026 15:30:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>旧文</title><link rel="alternate" href="http://x/a"/><published>2026-10-01T10:00:00+08:00</published></entry>
<entry><title>更新</title><link href="http://x/b"/><updated>2026-09-01T10:00:00Z</updated></entry></feed>"""

RDF = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>R</title></channel>
<item><title>一</title><link>http://x/r1</link><dc:date>2026-11-10</dc:date></item></rdf:RDF>"""


def test_rss_with_gb2312_declaration_and_mixed_date_fields():
    feed = parse_feed(RSS.encode("gb18030"), "application/rss+xml")
    assert feed.kind == "rss" and feed.title == "某某发布"
    assert [(p.title, p.url, p.date) for p in feed.posts] == [
        ("第一条", "http://x/1", date(2026, 11, 18)),
        ("第二条", "http://x/2", date(2026, 11, 12)),
        ("第三条", "http://x/3", date(2026, 11, 15)),  # 15:30 GMT = 23:30 in Beijing, still the 15th
    ]


def test_atom_and_rdf():
    atom = parse_feed(ATOM)
    assert atom.kind == "atom" and [p.date for p in atom.posts] == [date(2026, 10, 1), date(2026, 9, 1)]
    assert atom.posts[0].url == "http://x/a"
    rdf = parse_feed(RDF)
    assert rdf.kind == "rdf" and rdf.posts[0].date == date(2026, 11, 10)


def test_json_feed():
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": "1", "url": "http://x/j1", "title": "甲", "date_published": "2026-11-16T01:00:00+08:00"},
        {"id": "2", "content_text": "乙", "date_modified": "2026-11-10T12:00:00Z"},
    ]}).encode()  # fmt: skip
    feed = parse_feed(body, "application/feed+json")
    assert feed.kind == "json" and [p.date for p in feed.posts] == [date(2026, 11, 16), date(2026, 11, 10)]


@pytest.mark.parametrize("body", [b"<html><body>not a feed</body></html>", b'{"no": 1}', b"", b"{broken"])
def test_not_a_feed(body):
    with pytest.raises(FeedError):
        parse_feed(body)


def codes(findings):
    return sorted(f.check for f in findings)


def test_fresh_account_with_two_posts_last_week_is_fine():
    assert feed_findings(ACC, parse_feed(RSS), AS_OF, RULES) == []


def test_stale_account():
    fs = feed_findings(ACC, parse_feed(ATOM), AS_OF, RULES)
    assert codes(fs) == ["media_infrequent", "media_stale"]
    stale = next(f for f in fs if f.check == "media_stale")
    assert stale.severity == "veto" and stale.target_type == "account" and stale.unit_id == "u1"
    assert stale.evidence == "最近一次发布 2026-10-01，超过 14 天未更新（已 49 天）"


def test_boundaries_of_the_fourteen_days_and_the_week():
    def feed(*days: str):
        return parse_feed(
            json.dumps({"items": [{"title": d, "date_published": d + "T10:00:00+08:00"} for d in days]})
        )

    # exactly 14 days old is still within "the 14 days before as-of"; 15 is not
    assert "media_stale" not in codes(feed_findings(ACC, feed("2026-11-05"), AS_OF, RULES))
    assert "media_stale" in codes(feed_findings(ACC, feed("2026-11-04"), AS_OF, RULES))
    # two posts on Monday 11-09 and Sunday 11-15 make the week; a post on 11-16 (this week) does not count
    assert "media_infrequent" not in codes(feed_findings(ACC, feed("2026-11-09", "2026-11-15"), AS_OF, RULES))
    assert "media_infrequent" in codes(
        feed_findings(ACC, feed("2026-11-08", "2026-11-16", "2026-11-18"), AS_OF, RULES)
    )
    # posts dated after the as-of date are ignored
    assert "media_stale" in codes(feed_findings(ACC, feed("2026-12-01"), AS_OF, RULES))


def test_empty_feed_is_stale():
    fs = feed_findings(ACC, parse_feed(json.dumps({"items": []})), AS_OF, RULES)
    assert codes(fs) == ["media_infrequent", "media_stale"]


def test_plain_json_shapes_and_epoch_times():
    body = json.dumps({"code": 0, "data": {"list": [
        {"title": "甲", "link": "http://x/1", "create_time": 1763427600},  # 2025-11-18 09:00 +08:00
        {"title": "乙", "link": "http://x/2", "publish_time": "1763427600000"},
        {"title": "丙", "link": "http://x/3", "pubDate": "2026/11/18 10:00"},
    ]}})  # fmt: skip
    feed = parse_feed(body)
    assert [p.date for p in feed.posts] == [date(2025, 11, 18), date(2025, 11, 18), date(2026, 11, 18)]
