"""The report in a real headless Chromium: every chart rendered, no console errors, a screenshot kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_report import populate

from flows.report_html import write_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--window-size=1400,4000")


@pytest.mark.browser
def test_report_renders_in_chromium(tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    out = tmp_path / "report.html"
    write_report(populate(tmp_path / "radar.duckdb"), out)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER) if CHROMEDRIVER.exists()
                                                               else shutil.which("chromedriver")))
    try:
        driver.get(out.as_uri())
        charts = driver.find_elements(By.CSS_SELECTOR, ".plotly-graph-div")
        assert len(charts) == 6
        WebDriverWait(driver, 20).until(
            lambda d: all(c.find_elements(By.CSS_SELECTOR, ".main-svg") for c in d.find_elements(By.CSS_SELECTOR, ".plotly-graph-div")))
        assert len(driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")) >= 5
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
        ARTIFACTS.mkdir(exist_ok=True)
        assert driver.save_screenshot(str(ARTIFACTS / "report.png"))
    finally:
        driver.quit()
