"""The staff pages in a real browser: log in, the queue, a transcript with right-to-left text and
Norwegian beside it, an accessibility check, and the screenshots the README shows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from api.db import session_scope
from api.models import Role
from api.staff import auth
from tests.integration.browser import SCREENSHOTS, launch
from tests.integration.conftest import RunningStack

pytestmark = pytest.mark.integration
PASSWORD = "another synthetic test password"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch()


def test_queue_and_transcript_in_a_browser(running: RunningStack, browser: Browser) -> None:
    with session_scope(running.settings.database_url) as session:
        auth.create_user(session, "page-nurse", PASSWORD, Role.staff, "Helsesykepleier")
    arabic = running.new_conversation("ar")
    running.say(arabic, "كيف اغير fastlege")
    running.say(arabic, "بدي انسان حقيقي")
    running.say(arabic, "رقمي 91234567 وأحتاج مساعدة اليوم")
    somali = running.new_conversation("so")
    running.say(somali, "qof bini aadam ah")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=str(running.api.base_url))
    page = context.new_page()
    page.goto("/staff/")
    assert page.url.endswith("/staff/login")
    page.get_by_label("Brukernavn").fill("page-nurse")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/staff/")
    assert page.locator("tbody tr").count() >= 2
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "staff-queue.png"), full_page=True)
    assert not [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]

    page.goto(f"/staff/conversations/{arabic}")
    original = page.locator('td[lang="ar"]').first
    assert original.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert "[PHONE]" in page.content()  # redacted before it was stored
    page.get_by_label("Svar på norsk", exact=False).fill("Hei! Jeg er helsesykepleier. Hva kan jeg hjelpe med?")
    page.get_by_role("button", name="Send svar").click()
    page.wait_for_selector("text=Svaret er sendt.")
    page.screenshot(path=str(SCREENSHOTS / "staff-transcript.png"), full_page=True)
    assert not [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    context.close()
