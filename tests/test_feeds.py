"""parse_feed on recorded bad feeds: usable ones come back with their problem named, the rest raise UnusableFeed."""

from __future__ import annotations

import gzip
import json
import time

import pytest
from conftest import FIXTURES
from hostile import billion_laughs, utf16

from extractors.errors import UnusableFeed
from extractors.feeds import parse_feed

NODE = FIXTURES / "feeds" / "node-feedparser"
REAL = FIXTURES / "feeds" / "real-news"
FEED_URL = "http://127.0.0.1:8000/feed"

# First titles of iconv.xml, a windows-1251 Russian regional news feed.
CYRILLIC_TITLES = ["В Бузулуке главные стройплощадки – детсад и Ледовый дворец",
                   "ЧОПовцы в Оренбурге избили молодого человека"]


def test_saxerror_feed_is_used_with_its_problem_recorded():
    parsed = parse_feed((NODE / "saxerror.xml").read_bytes(), FEED_URL, "application/rss+xml")
    assert [e.title for e in parsed.entries] == ["Good Item", "Bad Item", "Item After Error"]
    assert parsed.problem.startswith("malformed feed: SAXParseException")
    assert "not well-formed" in parsed.problem


@pytest.mark.parametrize(
    "body",
    [
        b"<rss version='2.0'><channel><<<>>>&&&</channel>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title><item><title>Half an it',
        b"\x00\x01\x02\x03 binary noise \xff\xfe",
    ],
    ids=["garbage-markup", "truncated-mid-item", "binary"],
)
def test_broken_xml_without_usable_entries_is_unusable(body):
    """The truncated feed used to come back as 'malformed' with zero entries and count as a working feed."""
    with pytest.raises(UnusableFeed, match="^malformed feed: SAXParseException"):
        parse_feed(body, FEED_URL, "application/xml")


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", ""])
def test_html_page_is_not_a_feed(content_type):
    with pytest.raises(UnusableFeed) as err:
        parse_feed((NODE / "notafeed.html").read_bytes(), FEED_URL, content_type)
    assert err.value.reason == "not a feed: an HTML page"


@pytest.mark.parametrize("body", [b"", b"   \r\n\t  "])
def test_empty_body_is_unusable(body):
    with pytest.raises(UnusableFeed, match="^empty body$"):
        parse_feed(body, FEED_URL, "application/rss+xml")


@pytest.mark.parametrize(
    "content_type", ["application/rss+xml", "text/xml", "text/html", "", "application/xml; charset=utf-8"]
)
def test_windows_1251_feed_decodes_to_cyrillic_whatever_the_content_type(content_type):
    """The XML declaration names the encoding; text/xml without charset used to mark the feed 'malformed'."""
    parsed = parse_feed((NODE / "iconv.xml").read_bytes(), FEED_URL, content_type)
    assert [e.title for e in parsed.entries[:2]] == CYRILLIC_TITLES
    assert len(parsed.entries) == 10 and parsed.problem is None
    assert parsed.title == "Новости Оренбурга и области / Раздел Новости"


def test_utf16_real_feed_parses_like_its_utf8_original():
    original = REAL / "washingtonpost-world__4bf53cb602417030.xml"
    expected = parse_feed(original.read_bytes(), FEED_URL, "application/rss+xml")
    for content_type in ("application/rss+xml", "text/xml"):
        parsed = parse_feed(utf16(original.read_bytes()), FEED_URL, content_type)
        assert parsed.problem is None
        assert parsed.entries == expected.entries and len(parsed.entries) == 9


def test_recorded_utf16le_bom_feed_is_well_formed():
    parsed = parse_feed((FIXTURES / "feeds" / "feedparser-unit" / "utf-16le-bom.xml").read_bytes(), FEED_URL, "")
    assert parsed.problem is None and parsed.entries == ()


def test_gzip_body_without_content_encoding_gets_a_clear_reason():
    raw = (NODE / "compressed.xml").read_bytes()
    with pytest.raises(UnusableFeed, match="^gzip-compressed body sent without Content-Encoding: gzip$"):
        parse_feed(raw, FEED_URL, "application/xml")
    # Once decoded (as the fetcher does for Content-Encoding: gzip) it is the windows-1251 feed.
    assert [e.title for e in parse_feed(gzip.decompress(raw), FEED_URL).entries[:2]] == CYRILLIC_TITLES


@pytest.mark.parametrize(
    "body",
    [
        billion_laughs("UTF-8", pad="").encode(),
        # A prolog padded past 64 KB with a comment used to slip past the check.
        billion_laughs("UTF-8", pad="<!--" + " " * 70_000 + "-->\n").encode(),
        # So did UTF-16, where "<!ENTITY" is not those bytes.
        billion_laughs("UTF-16", pad="").encode("utf-16"),
        # Markup inside a comment or PI before the DTD is not the root element.
        billion_laughs("UTF-8", pad='<?xml-stylesheet href="<a>"?><!-- <a href="x"> -->\n').encode(),
    ],
    ids=["utf8", "padded-prolog", "utf16", "markup-in-comment"],
)
def test_entity_expansion_is_refused_fast(body):
    started = time.monotonic()
    with pytest.raises(UnusableFeed, match=r"^XML entity declarations refused \(entity-expansion risk\)$"):
        parse_feed(body, FEED_URL, "application/rss+xml")
    assert time.monotonic() - started < 0.5


def test_entity_text_inside_an_item_is_not_mistaken_for_a_declaration():
    body = (
        b'<rss version="2.0"><channel><title>XML tips</title><item><title>DTDs</title>'
        b"<link>http://127.0.0.1/dtd</link><description><![CDATA[Write <!ENTITY name 'value'> in the DTD.]]>"
        b"</description></item></channel></rss>"
    )
    assert [e.title for e in parse_feed(body, FEED_URL).entries] == ["DTDs"]


def test_entry_without_link_is_skipped_with_a_reason_and_the_others_kept():
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>First</title><link>http://127.0.0.1/1</link></item>"
        b"<item><title>No link at all</title><description>orphan</description></item>"
        b"<item><title>Last</title><link>/3</link></item></channel></rss>"
    )
    parsed = parse_feed(body, FEED_URL, "application/rss+xml")
    assert [e.url for e in parsed.entries] == ["http://127.0.0.1/1", "http://127.0.0.1:8000/3"]
    assert parsed.skipped == ("entry without link: 'No link at all'",)
    assert parsed.problem is None


def test_json_feed_item_with_a_malformed_link_is_skipped_not_raised():
    """urljoin raises ValueError on such links; it used to escape parse_feed and fail the whole feed."""
    body = json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "j",
        "items": [{"id": "1", "url": "http://[oops/", "title": "bad"}, {"id": "2", "url": "/ok", "title": "good"}],
    }).encode()
    parsed = parse_feed(body, FEED_URL, "application/feed+json")
    assert [e.url for e in parsed.entries] == ["http://127.0.0.1:8000/ok"]
    assert parsed.skipped[0].startswith("entry with a malformed link 'http://[oops/'")
