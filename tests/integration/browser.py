"""Headless Chromium for the page tests: Debian's ``/usr/bin/chromium`` driven by Playwright,
which never downloads a browser of its own. The flags keep Chromium off the closed network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def launch() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("the page tests need Debian's chromium: apt-get install -y chromium fonts-noto-core")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
