"""`radar review --serve` (issue #36 item 3): answering five passages by keyboard in headless Chromium finds them in
the judgments table; the server refuses malformed answers with 400 and writes nothing, shows third-party text
escaped, and listens on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import typer
from report_page import CHROMIUM, chromium, full_page_screenshot
from typer.testing import CliRunner

from flows.classify_step import load_params
from flows.cli import app
from flows.discovery_step import narrative_vectors
from flows.judgments_step import build_queue, read_judgments
from flows.review_server import DEFAULT_HOST, ReviewSession, is_loopback, serve_review
from flows.settings import Settings
from models.catalogue import load_catalogue
from warehouse.writer import Writer

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # git-ignored; CI keeps it
RADAR = Path(sys.executable).with_name("radar")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason=f"{CHROMIUM} is not installed (apt-get install -y chromium chromium-driver)")


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    """A copy of the session's demo warehouse (built once), so judging here leaves the shared one alone."""
    path = tmp_path / "radar.duckdb"
    shutil.copy(demo_db[0], path)
    return path


def session_on(db: Path, analyst: str = "tester", limit: int = 10) -> ReviewSession:
    """The session `radar review --serve` builds."""
    settings = Settings(db=db)
    writer, catalogue = Writer(db), load_catalogue(settings.narratives)
    model_id = settings.embedder().model_id
    queue = build_queue(writer, model_id, load_params(settings), limit=limit)
    return ReviewSession(writer, queue, analyst, {n.narrative_id: n.label for n in catalogue.narratives},
                         catalogue.ids, narrative_vectors(writer, catalogue, model_id))


def request(url: str, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, str]:
    parts = urlsplit(url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        con.request(method, parts.path or "/", body=body, headers=headers or {})
        res = con.getresponse()
        return res.status, res.read().decode("utf-8")
    finally:
        con.close()


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_five_passages_answered_by_keyboard_are_in_the_judgments_table(demo_copy):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    expected_queue = session_on(demo_copy).queue
    server = subprocess.Popen([str(RADAR), "review", "--serve", "--db", str(demo_copy), "--limit", "10"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "USER": "tester", "COLUMNS": "120"})
    try:
        line = server.stdout.readline()
        assert line.startswith("review page: http://127.0.0.1:"), line + server.stderr.read()
        url = line.split()[2]
        with chromium() as driver:
            driver.get(url)
            wait = WebDriverWait(driver, 20)
            shown: list[dict] = []

            def read() -> dict:
                return {"passage": driver.find_element(By.ID, "card").get_attribute("data-passage"),
                        "proposed": driver.find_element(By.ID, "proposed").get_attribute("data-narrative"),
                        "stance": driver.find_element(By.ID, "stance").text,
                        "others": [li.get_attribute("data-narrative")
                                   for li in driver.find_elements(By.CSS_SELECTOR, "#others li")]}

            for k, keys in enumerate(["y", "n", "2r", "c", "s", "m"]):
                wait.until(lambda d, k=k: d.find_element(By.ID, "progress").get_attribute("data-position") == str(k + 1))
                shown.append(read())
                if k == 2:
                    ActionChains(driver).send_keys("2").perform()
                    wait.until(lambda d: "narrative 2" in d.find_element(By.ID, "pending").text)
                    shot = full_page_screenshot(driver, ARTIFACTS / "review-page.png")  # a digit waiting for c/r/m
                    print(f"screenshot: {shot}")
                    keys = "r"
                ActionChains(driver).send_keys(keys).perform()
            wait.until(lambda d: d.find_element(By.ID, "progress").get_attribute("data-position") == "7")
            assert driver.find_element(By.ID, "judged").text == "5"
            legend = driver.find_element(By.ID, "legend").text
            assert all(w in legend for w in ("accept", "none of these", "skip", "claim / rebuttal / mention"))
            severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert severe == []
        server.send_signal(signal.SIGINT)  # Ctrl-C
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, err
    assert out.strip().endswith(f"5 judgments by tester written to {demo_copy}") and "Traceback" not in err
    assert [s["passage"] for s in shown] == [p.passage_id for p in expected_queue[:6]]  # the terminal's queue
    got = sorted(read_judgments(Writer(demo_copy)), key=lambda j: j.judged_at)
    first, second, third, fourth, _, sixth = shown
    assert [(j.passage_id, j.narrative_id, j.stance, j.analyst) for j in got] == [
        (first["passage"], first["proposed"], first["stance"], "tester"),
        (second["passage"], None, None, "tester"),
        (third["passage"], third["others"][1], "rebuttal", "tester"),
        (fourth["passage"], fourth["proposed"], "claim", "tester"),
        (sixth["passage"], sixth["proposed"], "mention", "tester")]
    assert all(j.proposed_narrative_id == s["proposed"] for j, s in zip(got, [first, second, third, fourth, sixth]))


def test_malformed_answers_get_400_and_write_nothing(demo_copy):
    session = session_on(demo_copy, limit=3)
    current = session.queue[0].passage_id
    json_type = {"Content-Type": "application/json"}
    bad = [
        (b"y", json_type),                                                     # not JSON
        (b'{"passage_id": "' + current.encode() + b'", "keys": "y"', json_type),  # cut short
        (b"\xff\xfe", json_type),                                              # not UTF-8
        (b'["y"]', json_type),                                                 # not an object
        (json.dumps({"passage_id": current}).encode(), json_type),             # no keys
        (json.dumps({"passage_id": current, "keys": 1}).encode(), json_type),  # keys not text
        (json.dumps({"passage_id": current, "keys": "x"}).encode(), json_type),     # no answer
        (json.dumps({"passage_id": current, "keys": "9r"}).encode(), json_type),    # no ninth narrative
        (json.dumps({"passage_id": current, "keys": "q"}).encode(), json_type),     # quitting is closing the tab
        (json.dumps({"passage_id": current, "keys": "y" * 40}).encode(), json_type),
        (json.dumps({"passage_id": current, "keys": "y"}).encode(), {"Content-Type": "text/plain"}),
        (b"", json_type),                                                      # empty
        (b"{" + b" " * 5000 + b"}", json_type),                                # too long
    ]
    with serve_review(session) as url:
        replies = [request(url + "answer", "POST", body, headers) for body, headers in bad]
        stale = request(url + "answer", "POST", json.dumps({"passage_id": "elsewhere", "keys": "y"}).encode(),
                        json_type)
        foreign = request(url + "answer", "POST", json.dumps({"passage_id": current, "keys": "y"}).encode(),
                          {**json_type, "Origin": "http://evil.example"})
        rebound = request(url, headers={"Host": "evil.example"})
        assert session.position == 0 and session.judged == 0
        status, page = request(url)
    assert [s for s, _ in replies] == [400] * len(bad), replies
    reasons = [json.loads(body)["message"] for _, body in replies]
    assert "not JSON" in reasons[0] and "'x' is no answer" in reasons[6] and "Content-Type" in reasons[10]
    assert stale[0] == 409 and foreign[0] == 403 and rebound[0] == 403
    assert read_judgments(Writer(demo_copy)) == []
    assert status == 200 and f'data-passage="{current}"' in page  # still the first passage


def test_third_party_text_is_shown_escaped(demo_copy):
    session = session_on(demo_copy, limit=2)
    hostile = '<script>alert("passage")</script> & <img src=x onerror=alert(1)>'
    session.queue[0] = replace(session.queue[0], text=hostile, title='<b onmouseover="x()">title</b>',
                               outlet="<i>outlet</i>", article_url='javascript:alert("url")',
                               reason="<u>why</u>")
    with serve_review(session) as url:
        status, page = request(url)
        _, script = request(url + "review.js")
    assert status == 200
    assert "&lt;script&gt;alert(&quot;passage&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;title&lt;/b&gt;" in page and "&lt;i&gt;outlet&lt;/i&gt;" in page
    assert "&lt;u&gt;why&lt;/u&gt;" in page
    for raw in ("<script>alert", "<img", "<b onmouseover", "<i>", "<u>", 'href="javascript'):
        assert raw not in page
    assert "<script" not in page.replace('<script src="/review.js" defer></script>', "")  # no inline script
    assert " on" + "keydown=" not in page and "innerHTML = body.html" in script  # the one HTML the script inserts


def test_the_page_listens_on_127_0_0_1_by_default(demo_copy):
    session = session_on(demo_copy, limit=1)
    assert DEFAULT_HOST == "127.0.0.1"
    assert all(map(is_loopback, ("127.0.0.1", "127.0.0.2", "::1", "localhost")))
    assert not any(map(is_loopback, ("0.0.0.0", "192.168.1.5", "::", "radar.example.org")))  # these get the warning
    with serve_review(session) as url:
        assert urlsplit(url).hostname == "127.0.0.1"
        assert request(url)[0] == 200
    host = next(o for o in typer.main.get_command(app).commands["review"].params if o.name == "host")
    assert host.default == "127.0.0.1"
    # another address only when asked, and then loudly (203.0.113.9 is a documentation address: never bound here)
    result = CliRunner().invoke(app, ["review", "--serve", "--db", str(demo_copy), "--host", "203.0.113.9"],
                                env={"USER": "tester"})
    assert result.exit_code == 1
    assert "WARNING: serving on 203.0.113.9, not loopback: anyone who can reach this machine" in result.stderr
    assert "error: cannot serve on 203.0.113.9:0" in result.stderr and "Traceback" not in result.output
