"""The fetch address policy: every non-public address class and spelling refused, before connecting and at connect
time, at every redirect hop, with the reason stored like any fetch failure; the allow-list admits only what it
names. Real servers on 127.0.0.1, no name ever looked up beyond `localhost`."""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from recorded_site import article_page
from test_bad_input import rss
from test_ingest_flow import write_sources

from extractors.address_policy import AddressPolicy, address_class, host_literal
from extractors.errors import BlockedURL
from extractors.http import Fetcher, FetchLimits
from extractors.probe import probe_source
from extractors.records import Source
from extractors.transport import GuardedBackend
from flows.demo import allow_demo_server
from flows.ingest import daily_ingest
from flows.settings import Settings

SECRET = "INTERNAL-SECRET"
PUBLIC = AddressPolicy()  # the default: the public internet only


# --- the policy function ----------------------------------------------------------------------------------------

CLASSES = {
    "127.0.0.1": "loopback", "127.255.0.9": "loopback", "::1": "loopback",
    "10.1.2.3": "private", "172.16.0.1": "private", "172.31.255.255": "private", "192.168.1.1": "private",
    "fc00::1": "private", "fd12:3456::1": "private", "fec0::1": "private", "64:ff9b:1::a00:1": "private",
    "169.254.1.1": "link-local", "fe80::1": "link-local",
    "224.0.0.1": "multicast", "239.255.255.250": "multicast", "ff02::1": "multicast",
    "0.0.0.0": "unspecified", "0.1.2.3": "unspecified", "::": "unspecified",
    "240.0.0.1": "reserved", "255.255.255.255": "reserved", "192.0.2.1": "reserved", "198.18.0.1": "reserved",
    "2001:db8::1": "reserved", "2001::1": "reserved", "::127.0.0.1": "reserved", "100::1": "reserved",
    "100.64.0.1": "carrier-grade NAT (shared address space)",
    "169.254.169.254": "cloud metadata", "169.254.170.2": "cloud metadata", "100.100.100.200": "cloud metadata",
    "168.63.129.16": "cloud metadata", "fd00:ec2::254": "cloud metadata",
    # IPv4 inside IPv6: mapped, 6to4 and NAT64 reach the IPv4 address they carry.
    "::ffff:127.0.0.1": "loopback (as 127.0.0.1)", "::ffff:10.0.0.1": "private (as 10.0.0.1)",
    "::ffff:169.254.169.254": "cloud metadata (as 169.254.169.254)", "2002:7f00:1::1": "loopback (as 127.0.0.1)",
    "2002:c0a8:101::": "private (as 192.168.1.1)", "64:ff9b::7f00:1": "loopback (as 127.0.0.1)",
}
PUBLIC_ADDRESSES = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
                    "::ffff:93.184.216.34", "2002:5db8:d822::1", "64:ff9b::808:808"]


@pytest.mark.parametrize(("address", "kind"), CLASSES.items(), ids=list(CLASSES))
def test_each_non_public_class_is_named(address, kind):
    assert address_class(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_pass(address):
    assert address_class(ipaddress.ip_address(address)) is None
    PUBLIC.check_literal(address, 80)
    assert PUBLIC.resolve(address, 80) == [str(ipaddress.ip_address(address))]


SPELLINGS = {
    "2130706433": "refused: 2130706433 is 127.0.0.1, which is loopback",
    "0177.0.0.1": "refused: 0177.0.0.1 is 127.0.0.1, which is loopback",
    "0x7f.1": "refused: 0x7f.1 is 127.0.0.1, which is loopback",
    "0x7F000001": "refused: 0x7f000001 is 127.0.0.1, which is loopback",
    "127.1": "refused: 127.1 is 127.0.0.1, which is loopback",
    "0": "refused: 0 is 0.0.0.0, which is unspecified",
    "2852039166": "refused: 2852039166 is 169.254.169.254, which is cloud metadata",
    "0xa9.0xfe.0xa9.0xfe": "refused: 0xa9.0xfe.0xa9.0xfe is 169.254.169.254, which is cloud metadata",
    "127.0.0.1.": "refused: 127.0.0.1 is loopback",
    "[::1]": "refused: ::1 is loopback",
    "[::ffff:127.0.0.1]": "refused: ::ffff:127.0.0.1 is loopback (as 127.0.0.1)",
    "[::ffff:7f00:1]": "refused: ::ffff:7f00:1 is loopback (as 127.0.0.1)",
    "[0:0:0:0:0:ffff:127.0.0.1]": "refused: 0:0:0:0:0:ffff:127.0.0.1 is loopback (as 127.0.0.1)",
}


@pytest.mark.parametrize(("host", "reason"), SPELLINGS.items(), ids=list(SPELLINGS))
def test_every_spelling_of_an_internal_address_is_refused_without_a_lookup(host, reason):
    with pytest.raises(BlockedURL) as caught:
        PUBLIC.check_literal(host, 80)
    assert caught.value.reason == reason


def test_host_names_are_not_taken_for_addresses():
    assert [host_literal(h) for h in ("example.com", "cafe.be", "0x7f.example", "1.2.3.4.5", "deadbeef")] == [None] * 5


def test_a_name_is_resolved_and_every_address_checked():
    with pytest.raises(BlockedURL, match=r"^refused: localhost resolves to (127\.0\.0\.1|::1), which is loopback$"):
        PUBLIC.resolve("localhost", 80)
    assert AddressPolicy.parse(["localhost"]).resolve("localhost", 80)  # allowed by name


def test_the_allow_list_admits_only_what_it_names():
    policy = AddressPolicy.parse(["10.0.0.0/8", "127.0.0.1:8765", "[::1]", "intranet.example", "169.254.0.0/16"])
    loop, ten = ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.9.8.7")
    assert policy.refusal("10.9.8.7", 443, ten) is None
    assert policy.refusal("127.0.0.1", 8765, loop) is None
    assert policy.refusal("127.0.0.1", 8766, loop) == "refused: 127.0.0.1 is loopback"  # another port
    assert policy.refusal("other.example", 80, loop) == "refused: other.example resolves to 127.0.0.1, which is loopback"
    assert policy.refusal("intranet.example", 80, loop) is None  # a named host is trusted whatever it resolves to
    assert policy.refusal("INTRANET.example.", 80, loop) is None
    assert policy.refusal("::1", 80, ipaddress.ip_address("::1")) is None
    assert policy.refusal("::ffff:10.0.0.1", 80, ipaddress.ip_address("::ffff:10.0.0.1")) is None
    assert policy.refusal("169.254.9.9", 80, ipaddress.ip_address("169.254.9.9")) is None
    # A range never admits a metadata address by accident; naming the address itself does.
    metadata = ipaddress.ip_address("169.254.169.254")
    assert policy.refusal("169.254.169.254", 80, metadata) == "refused: 169.254.169.254 is cloud metadata"
    assert AddressPolicy.parse(["169.254.169.254"]).refusal("169.254.169.254", 80, metadata) is None


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "host:99999", "two words", "[::1]:port", "a..b"])
def test_a_bad_allow_list_entry_fails_at_start_up(entry):
    with pytest.raises(ValueError, match="fetch allow-list entry"):
        AddressPolicy.parse([entry])
    with pytest.raises(ValidationError, match="fetch allow-list entry"):
        Settings(fetch_allow=f"10.0.0.0/8,{entry}")


def test_the_setting_reaches_the_fetcher():
    assert Settings(fetch_allow="").fetch_limits().allow == ()
    limits = Settings(fetch_allow=" 10.0.0.0/8, intranet.example:8080 ,").fetch_limits()
    assert limits.allow == ("10.0.0.0/8", "intranet.example:8080")
    assert Fetcher(limits).policy == AddressPolicy.parse(["10.0.0.0/8", "intranet.example:8080"])


def test_the_demo_allows_exactly_its_own_server():
    settings = allow_demo_server(Settings(fetch_allow=""), "http://127.0.0.1:8765")
    assert settings.fetch_limits().allow == ("127.0.0.1:8765",)
    policy = Fetcher(settings.fetch_limits()).policy
    assert policy.refusal("127.0.0.1", 8765, ipaddress.ip_address("127.0.0.1")) is None
    assert policy.refusal("127.0.0.1", 8080, ipaddress.ip_address("127.0.0.1")) == "refused: 127.0.0.1 is loopback"


# --- the fetcher, against real servers ---------------------------------------------------------------------------


def server() -> HTTPServer:
    s = HTTPServer(host="127.0.0.1", port=0)
    s.start()
    return s


@pytest.fixture
def outside() -> Iterator[HTTPServer]:
    """The server the allow-list admits (by address and port), standing in for the public web."""
    s = server()
    yield s
    s.clear()
    s.stop()


@pytest.fixture
def inside() -> Iterator[HTTPServer]:
    """An internal service nothing may reach: every path answers with the secret."""
    s = server()
    s.expect_request(re.compile("^/")).respond_with_data(f"<html><body><p>{SECRET} " * 50, content_type="text/html")
    yield s
    assert s.log == []  # not one request ever reached it
    s.clear()
    s.stop()


def fetcher_for(*allow: str, connect_timeout: float = 2.0) -> Fetcher:
    return Fetcher(FetchLimits(connect_timeout=connect_timeout, read_timeout=2, total_timeout=5, retries=0,
                               allow=allow))


def refused(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(BlockedURL) as caught:
        fetcher.fetch(url)
    return caught.value.reason


def test_with_an_empty_allow_list_loopback_is_refused_before_any_request(inside):
    with fetcher_for() as fetcher:
        assert refused(fetcher, f"http://127.0.0.1:{inside.port}/admin") == "refused: 127.0.0.1 is loopback"
        assert re.match(r"refused: localhost resolves to (127\.0\.0\.1|::1), which is loopback$",
                        refused(fetcher, f"http://localhost:{inside.port}/admin"))
        assert refused(fetcher, f"http://2130706433:{inside.port}/") == "refused: 2130706433 is 127.0.0.1, which is loopback"
        assert refused(fetcher, f"http://[::ffff:127.0.0.1]:{inside.port}/") == (
            "refused: ::ffff:127.0.0.1 is loopback (as 127.0.0.1)")


def test_the_metadata_address_is_refused_without_a_connection_attempt():
    # A long connect timeout: were a connection tried, the unroutable address would hold the fetch for 30 s.
    with fetcher_for(connect_timeout=30) as fetcher:
        started = time.monotonic()
        reason = refused(fetcher, "http://169.254.169.254/latest/meta-data/")
        assert time.monotonic() - started < 1
    assert reason == "refused: 169.254.169.254 is cloud metadata"


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/secret", "http://localhost:{port}/secret",
                                    "http://0x7f.1:{port}/secret", "http://[::ffff:127.0.0.1]:{port}/secret"])
def test_a_redirect_to_loopback_is_refused_when_loopback_is_not_allowed(outside, inside, target):
    outside.expect_request("/go").respond_with_data("", status=302, headers={"Location": target.format(port=inside.port)})
    with fetcher_for(f"127.0.0.1:{outside.port}") as fetcher:
        assert refused(fetcher, f"http://127.0.0.1:{outside.port}/go").startswith("refused: ")
    assert len(outside.log) == 1


def test_the_connect_time_check_holds_without_the_url_check(inside):
    """A name is judged on the addresses it resolves to when the socket is opened, not earlier: a name that
    re-resolves to 127.0.0.1 after some earlier check (DNS rebinding) is refused at connect time."""
    with pytest.raises(BlockedURL, match=r"^refused: localhost resolves to"):
        GuardedBackend(PUBLIC).connect_tcp("localhost", inside.port, timeout=2)
    stream = GuardedBackend(AddressPolicy.parse([f"127.0.0.1:{inside.port}"])).connect_tcp("localhost", inside.port)
    assert stream.get_extra_info("server_addr")[0] == "127.0.0.1"  # connected to the address it checked
    stream.close()
    inside.clear_log()  # the bare connection sent no request


def test_an_allowed_server_is_fetched_as_before(outside):
    outside.expect_request("/page").respond_with_data("<p>hello</p>", content_type="text/html")
    with fetcher_for(f"127.0.0.1:{outside.port}") as by_address, fetcher_for("localhost") as by_name:
        assert by_address.fetch(f"http://127.0.0.1:{outside.port}/page").body == b"<p>hello</p>"
        assert by_name.fetch(f"http://localhost:{outside.port}/page").body == b"<p>hello</p>"


def test_sources_check_fetch_follows_the_same_policy(outside):
    outside.expect_request("/feed.xml").respond_with_data(rss("F", []), content_type="application/rss+xml")
    outlet = Source("Local", f"http://127.0.0.1:{outside.port}/feed.xml", "test", "en", "http://127.0.0.1/")
    with Fetcher(Settings(fetch_allow="").fetch_limits()) as fetcher:
        probe = probe_source(outlet, fetcher)
    assert (probe.feed, probe.problem) == ("failed", "refused: 127.0.0.1 is loopback")
    assert outside.log == []


# --- through the daily ingest flow into DuckDB --------------------------------------------------------------------


@pytest.mark.usefixtures("prefect_backend")
def test_entries_and_redirects_to_internal_addresses_are_recorded_failed_and_nothing_stored(outside, inside,
                                                                                            tmp_path: Path):
    pub = f"http://127.0.0.1:{outside.port}"
    text = "The harbour council met on Tuesday and agreed the budget for the coming year after a long debate."
    outside.expect_request("/story").respond_with_data(article_page("Budget", text, f"{pub}/story", None),
                                                       content_type="text/html; charset=utf-8")
    outside.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{inside.port}/secret"})
    entries = {  # link -> the reason its page was refused
        f"{pub}/story": None,
        f"http://localhost:{inside.port}/admin": r"refused: localhost resolves to (127\.0\.0\.1|::1), which is loopback",
        f"{pub}/go": r"refused: 127\.0\.0\.1 is loopback",
        "http://169.254.169.254/latest/meta-data/": r"refused: 169\.254\.169\.254 is cloud metadata",
        f"http://2130706433:{inside.port}/secret": r"refused: 2130706433 is 127\.0\.0\.1, which is loopback",
        f"http://[::ffff:127.0.0.1]:{inside.port}/secret": r"refused: ::ffff:127\.0\.0\.1 is loopback \(as 127\.0\.0\.1\)",
    }
    outside.expect_request("/feed.xml").respond_with_data(
        rss("Mixed", [{"title": f"Entry {i}", "link": link} for i, link in enumerate(entries)]),
        content_type="application/rss+xml")
    sources = write_sources(tmp_path / "sources.yaml", {
        "Mixed": f"{pub}/feed.xml", "Inside": f"http://localhost:{inside.port}/feed.xml"})
    settings = Settings(db=tmp_path / "radar.duckdb", concurrency=2, fetch_retries=0, fetch_connect_timeout=2,
                        fetch_read_timeout=2, fetch_total_timeout=5, fetch_allow=f"127.0.0.1:{outside.port}")

    counts = daily_ingest(str(sources), str(settings.db), settings=settings, classify=False)

    assert (counts["feeds_ok"], counts["feeds_failed"]) == (1, 1)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        articles = {url: (status, error) for url, status, error
                    in con.execute("SELECT url, status, error FROM articles").fetchall()}
        feeds = dict(con.execute("SELECT s.name, f.status || ': ' || f.error FROM feed_fetches f JOIN sources s "
                                 "USING (source_id) WHERE f.status = 'failed'").fetchall())
        leaked = con.execute("SELECT (SELECT count(*) FROM passages WHERE text LIKE $s) + (SELECT count(*) FROM articles "
                             "WHERE coalesce(text, '') || coalesce(title, '') LIKE $s)", {"s": f"%{SECRET}%"}).fetchone()
    finally:
        con.close()
    assert articles.keys() == entries.keys()
    assert articles[f"{pub}/story"] == ("ok", None)
    for link, reason in entries.items():
        if reason:
            status, error = articles[link]
            assert status == "failed" and re.match(rf"^page fetch failed: {reason};", error), (link, error)
    assert re.match(r"^failed: refused: localhost resolves to (127\.0\.0\.1|::1), which is loopback$", feeds["Inside"])
    assert leaked == (0,)
