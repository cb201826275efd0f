"""Headless Chromium for the browser tests (Debian's chromium with chromium-driver, Selenium).

`chromium(width, height)` starts one, or skips the test with the reason when selenium, chromium
or chromedriver is missing; `quit_chromium(driver)` closes it and removes its profile. Shared by
the viz pages' tests and the documentation site's (tests/ is on the path of every test).
"""
import os
import shutil
import tempfile

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium(width=1400, height=900):
    """A Selenium Chrome driver on the system Chromium, `width` x `height` CSS px (skip if none)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                    "(pip install -e '.[browser]')")
    from selenium.webdriver.chrome.service import Service
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    if not os.path.exists(CHROMEDRIVER):
        pytest.skip(f"no {CHROMEDRIVER} (Debian: apt-get install chromium-driver)")
    profile = tempfile.mkdtemp(prefix="viz-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS + (f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(width, height)
    driver.profile_dir = profile
    return driver


def quit_chromium(driver):
    profile = getattr(driver, "profile_dir", None)
    driver.quit()
    if profile:
        shutil.rmtree(profile, ignore_errors=True)
