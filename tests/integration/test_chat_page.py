"""The chat page in a real headless Chromium (Debian's ``chromium``, driven by Playwright) against
the real stack: trained Rasa model, action server and API on loopback. Phone viewport 360×740.

Playwright never downloads a browser here: it is pointed at ``/usr/bin/chromium``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route, expect

from api import conversations as store
from api.db import session_scope
from api.models import Sender
from tests.integration.browser import SCREENSHOTS, launch
from tests.integration.conftest import RunningStack

pytestmark = pytest.mark.integration

VIEWPORT = {"width": 360, "height": 740}
STORE_KEY = "nra-chat"
NATIVE_NAMES = ("Norsk", "English", "Українська", "العربية", "ትግርኛ", "Soomaali", "دری/فارسی")
PAGE_BUDGET = 100 * 1024

expect.set_options(timeout=20_000)  # a first answer may wait for Rasa to warm up


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch()


@dataclass
class Tab:
    """One fresh browser context and page; records CSP violations and script errors."""

    context: BrowserContext
    page: Page
    problems: list[str] = field(default_factory=list)

    def check_clean(self) -> None:
        assert not self.problems, f"the page broke its Content-Security-Policy or threw: {self.problems}"


def _open(browser: Browser, running: RunningStack, **options: Any) -> Tab:
    context = browser.new_context(
        viewport=VIEWPORT,  # type: ignore[arg-type]
        base_url=f"http://127.0.0.1:{running.settings.api_port}",
        service_workers="block",
        **options,
    )
    page = context.new_page()
    tab = Tab(context, page)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            tab.problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.problems.append(f"script error: {error}"))
    return tab


@pytest.fixture
def tab(browser: Browser, running: RunningStack) -> Iterator[Tab]:
    tab = _open(browser, running)
    yield tab
    tab.context.close()


def pick(page: Page, code: str, url: str = "/") -> None:
    page.goto(url)
    page.locator(f'.lang-choice[data-lang="{code}"]').click()
    expect(page.locator("#chat")).to_be_visible()
    expect(page.locator("#input")).to_be_visible()


def ask(page: Page, text: str) -> None:
    """Type a question, send it with Enter and wait until the reply to it is shown."""
    replies = page.locator("#log > .msg:not(.msg-person)")
    before = replies.count()
    page.locator("#input").fill(text)
    page.locator("#input").press("Enter")
    expect(replies).not_to_have_count(before)
    expect(page.locator("#typing")).to_be_hidden()


def conversation_id(page: Page) -> str:
    stored = page.evaluate(f"localStorage.getItem('{STORE_KEY}')")
    assert stored, "the page keeps the conversation id in localStorage"
    cid: str = json.loads(stored)["id"]
    return cid


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def test_norwegian_answer_with_sources_draft_label_and_feedback(tab: Tab, running: RunningStack) -> None:
    page = tab.page
    page.goto("/")
    expect(page.locator("#picker")).to_be_visible()
    for name in NATIVE_NAMES:
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    page.get_by_role("button", name="Norsk", exact=True).click()
    privacy = page.locator(".privacy")
    expect(privacy).to_contain_text(f"{running.settings.retention_days} dager")
    expect(privacy).to_contain_text("logget")
    expect(privacy).to_contain_text("«Slett chatten min»")
    expect(page.locator(".topics button")).to_have_count(5)

    ask(page, "hvordan bytter jeg fastlege")
    answer = page.locator("#log .msg-bot.kind-answer").last
    expect(answer.locator(".text")).to_contain_text("fastlege")
    source = answer.locator("a.source").first
    expect(source).to_have_attribute("href", re.compile(r"^https://"))
    expect(source).to_have_attribute("rel", "noopener noreferrer")
    expect(source).to_have_attribute("target", "_blank")
    expect(answer.locator(".sources-title")).to_have_text("Kilder")
    expect(answer.locator(".badge-draft")).to_have_text("Utkast – ikke kontrollert av en person ennå")
    expect(answer.locator(".checked")).to_contain_text(re.compile(r"Sist kontrollert \d{4}-\d{2}-\d{2}"))
    expect(page.locator("#log .msg-person").last).to_have_text(re.compile("hvordan bytter jeg fastlege"))
    screenshot(page, "chat-nb.png")

    # feedback names the bot message by the seq the transcript gave it
    seq = int(answer.get_attribute("data-seq") or 0)
    transcript = running.api.get(f"/api/conversations/{conversation_id(page)}").json()
    by_seq = {m["seq"]: m for m in transcript["messages"]}
    assert by_seq[seq]["sender"] == "bot" and by_seq[seq]["kind"] == "answer"
    with page.expect_request("**/feedback") as request:
        answer.get_by_role("button", name="Nyttig", exact=True).click()
    assert request.value.post_data_json == {"seq": seq, "helpful": True}
    expect(answer.locator(".feedback-status")).to_have_text("Takk for tilbakemeldingen!")
    expect(answer.get_by_role("button", name="Nyttig", exact=True)).to_have_count(0)

    # a topic button sends its payload; the person's bubble shows the button's title, not the payload
    page.get_by_role("button", name="Barnevernet", exact=True).click()
    expect(page.locator("#log .msg-person").last).to_have_text(re.compile("Barnevernet"))
    expect(page.locator("#log .msg-bot.kind-answer")).to_have_count(2)
    tab.check_clean()


def test_arabic_is_right_to_left(tab: Tab) -> None:
    page = tab.page
    pick(page, "ar")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    expect(page.locator(".privacy")).to_contain_text("يومًا")
    ask(page, "كيف اغير fastlege")
    answer = page.locator("#log .msg-bot.kind-answer").last
    expect(answer.locator(".badge-draft")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.getElementById('log')).direction") == "rtl"
    assert answer.locator(".text").get_attribute("dir") == "rtl"

    # the content box of the scrolling area, without its padding and scroll bar
    start, end = page.evaluate(
        """() => {
             const m = document.getElementById('main'); const r = m.getBoundingClientRect();
             const s = getComputedStyle(m);
             return [r.left + parseFloat(s.paddingLeft), r.left + m.clientWidth - parseFloat(s.paddingRight)];
           }"""
    )
    bot = answer.locator(".bubble").bounding_box()
    person = page.locator("#log .msg-person .bubble").last.bounding_box()
    assert bot and person
    assert abs(bot["x"] + bot["width"] - end) <= 2, (bot, end)  # the bot speaks from the right ...
    assert abs(person["x"] - start) <= 2, (person, start)  # ... the person from the left
    assert bot["x"] > person["x"]
    screenshot(page, "chat-ar.png")

    # phone numbers inside Arabic text are links, isolated left-to-right ("116 117" keeps its order)
    ask(page, "شو رقم الاسعاف في النرويج")
    numbers = page.locator("#log .msg-bot").last.locator('bdi[dir="ltr"] > a[href="tel:116117"]')
    expect(numbers).to_have_text(re.compile(r"116\s117"))
    tab.check_clean()


GEEZ_CHECK = """(el) => {
  const cs = getComputedStyle(el);
  const font = cs.fontSize + ' ' + cs.fontFamily;
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const g = canvas.getContext('2d');
  const draw = (ch) => {
    g.clearRect(0, 0, 64, 64); g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
    g.fillText(ch, 4, 4);
    return g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3).join(',');
  };
  const notdef = draw('\\u0378');  // an unassigned code point: always the .notdef box
  const letters = [...new Set(Array.from(el.textContent).filter((ch) => /[\\u1200-\\u137F]/.test(ch)))];
  return {
    font,
    letters: letters.length,
    tofu: letters.filter((ch) => draw(ch) === notdef),
    distinct: new Set(letters.map(draw)).size,
    control: draw('\\u0379') === notdef,
  };
}"""


def test_tigrinya_renders_without_tofu(tab: Tab) -> None:
    page = tab.page
    pick(page, "ti")
    ask(page, "fastlege ከመይ ገይረ ይቕይር")
    text = page.locator("#log .msg-bot.kind-answer .text").last
    expect(text).to_be_visible()
    result = text.evaluate(GEEZ_CHECK)
    assert result["control"], "the check itself: two unassigned code points draw the same .notdef box"
    assert result["letters"] >= 20, result
    assert result["tofu"] == [], f"Ge'ez letters drawn as .notdef boxes: {result}"
    assert result["distinct"] == result["letters"], f"different letters must look different: {result}"

    # and the fonts Chromium really used for the answer's text cover Ethiopic
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#log .msg-bot.kind-answer .text"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    families = {f["familyName"] for f in fonts}
    assert any(re.search("Ethiopic|Abyssinica|Nyala|Kefa", name) for name in families), families
    screenshot(page, "chat-ti.png")
    tab.check_clean()


def test_talk_to_a_person_and_live_staff_reply(tab: Tab, running: RunningStack) -> None:
    page = tab.page
    pick(page, "en")
    page.locator("#human-button").click()
    handoff = page.locator("#log .msg-bot.kind-handoff")
    expect(handoff.first).to_be_visible()
    expect(page.locator('#log .quick button[data-payload="handoff:cancel"]')).to_have_text("Back to the assistant")
    expect(page.locator("#handoff-bar")).to_be_visible()
    expect(page.locator("#human-button")).to_be_hidden()
    expect(page.locator("#log .msg-person").last).to_have_text(re.compile("Talk to a person"))

    cid = conversation_id(page)
    with session_scope(running.settings.database_url) as session:
        conversation = store.get(session, cid, lock=True)
        assert conversation is not None and conversation.state == "handoff"
        store.add_message(
            session,
            conversation,
            sender=Sender.staff,
            text="Hello, I can help you find a GP.",
            language="en",
            kind="handoff",
            payload={"staff_role": "Helsesykepleier"},
        )
    staff = page.locator("#log .msg-staff")
    expect(staff).to_have_count(1, timeout=10_000)  # polled every 3 s while staff have the chat
    expect(staff.locator(".sender")).to_have_text(re.compile(r"Staff member\s·\sHelsesykepleier"))
    expect(staff.locator(".text")).to_have_text("Hello, I can help you find a GP.")

    page.locator("#handoff-bar button").click()
    expect(page.locator("#handoff-bar")).to_be_hidden()
    expect(page.locator("#log")).to_contain_text("You are talking to the assistant again.")
    expect(page.locator("#human-button")).to_be_visible()
    tab.check_clean()


def test_delete_my_chat(tab: Tab, running: RunningStack) -> None:
    page = tab.page
    pick(page, "en")
    ask(page, "how do i get a GP")
    cid = conversation_id(page)
    dialog = page.locator("#confirm")

    page.locator("#menu summary").click()
    page.locator("#delete-button").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Are you sure?")
    page.locator("#confirm-no").click()  # changed my mind: nothing is deleted
    expect(dialog).to_be_hidden()
    expect(page.locator("#log .msg-bot")).not_to_have_count(0)
    assert running.api.get(f"/api/conversations/{cid}").status_code == 200

    page.locator("#menu summary").click()
    page.locator("#delete-button").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#picker")).to_be_visible()
    expect(page.locator("#chat")).to_be_hidden()
    expect(page.locator("#notice")).to_have_text("Your chat has been deleted.")
    assert page.evaluate(f"localStorage.getItem('{STORE_KEY}')") is None
    assert running.api.get(f"/api/conversations/{cid}").status_code == 404
    tab.check_clean()


def test_reload_resumes_language_switch_and_new_conversation(tab: Tab, running: RunningStack) -> None:
    page = tab.page
    pick(page, "uk")
    ask(page, "як змінити fastlege")
    cid = conversation_id(page)
    shown = page.locator("#log > .msg").count()
    page.reload()
    expect(page.locator("#chat")).to_be_visible()
    expect(page.locator("#log > .msg")).to_have_count(shown)
    expect(page.locator("#log .msg-person").first).to_have_text(re.compile("як змінити fastlege"))
    assert page.evaluate("document.documentElement.lang") == "uk"
    assert conversation_id(page) == cid

    # the language button: the picker again; the conversation goes on in Somali
    page.locator("#lang-button").click()
    page.get_by_role("button", name="Soomaali", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "so")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#log > .msg")).to_have_count(shown)
    expect(page.locator("#log .msg-person .sr-only").first).to_have_text(re.compile("^Adiga:"))  # drawn again in Somali
    assert running.api.get(f"/api/conversations/{cid}").json()["language"] == "so"
    expect(page.locator("#input")).to_have_attribute("placeholder", "Qor su'aashaada …")

    page.locator("#menu summary").click()
    page.locator("#new-button").click()
    expect(page.locator("#log > .msg")).to_have_count(0)
    expect(page.locator(".intro")).to_be_visible()
    ask(page, "як змінити fastlege")
    assert conversation_id(page) != cid
    tab.check_clean()


def test_machine_translation_label_and_norwegian_original(tab: Tab) -> None:
    """How a machine-translated, stale answer is shown (the transcript is altered on its way in:
    every curated text exists in all seven languages, so the stack never machine-translates)."""
    page = tab.page
    pick(page, "en")
    original = "Du bytter fastlege på helsenorge.no."

    def machine(route: Route) -> None:
        transcript = route.fetch().json()
        for message in transcript["messages"]:
            if message["kind"] == "answer":
                message["reply"]["provenance"].update(method="machine", review="unreviewed", stale=True)
                message["reply"]["original"] = original
                message["reply"]["notes"] = ["Machine translated – may contain mistakes"]
        route.fulfill(json=transcript)

    page.route(re.compile(r"/api/conversations/[^/?]+\?after="), machine)
    ask(page, "how do i change my fastlege")
    answer = page.locator("#log .msg-bot.kind-answer").last
    expect(answer.locator(".badge-machine")).to_have_text("Machine translated – may contain mistakes")
    expect(answer.locator(".badge-stale")).to_have_text(
        "The Norwegian text has changed since this translation was made"
    )
    expect(answer.locator(".badge-draft")).to_have_count(0)
    expect(answer.locator(".note")).to_have_count(0)  # the same words as the label: shown once
    toggle = answer.get_by_role("button", name="Show the Norwegian original")
    box = answer.locator(".original")
    expect(box).to_be_hidden()
    toggle.click()
    expect(box).to_be_visible()
    expect(box.locator("[lang=nb]")).to_have_text(original)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(box).to_be_hidden()
    tab.check_clean()


def test_errors_keep_what_was_typed(tab: Tab) -> None:
    page = tab.page
    pick(page, "nb")
    unavailable = "Assistenten er midlertidig utilgjengelig. Meldingen din er lagret."

    def down(route: Route) -> None:
        body = {"error": "assistant_unavailable", "detail": "x", "message": unavailable, "stored": True}
        route.fulfill(status=503, content_type="application/json", body=json.dumps(body))

    def limited(route: Route) -> None:
        body = {"error": "too_many_requests", "detail": "Du sender meldinger veldig raskt."}
        route.fulfill(status=429, content_type="application/json", body=json.dumps(body))

    messages = "**/api/conversations/*/messages"
    box = page.locator("#input")
    page.route(messages, down)
    box.fill("hvordan bytter jeg fastlege")
    box.press("Enter")
    expect(page.locator("#error")).to_have_text(unavailable)
    expect(box).to_have_value("hvordan bytter jeg fastlege")
    page.unroute(messages)

    page.route(messages, limited)
    box.press("Enter")
    expect(page.locator("#error")).to_have_text("Du sender meldinger veldig raskt.")
    expect(box).to_have_value("hvordan bytter jeg fastlege")
    page.unroute(messages)

    tab.context.set_offline(True)
    box.press("Enter")
    expect(page.locator("#error")).to_contain_text("Ingen forbindelse")
    expect(box).to_have_value("hvordan bytter jeg fastlege")
    tab.context.set_offline(False)

    box.press("Enter")
    expect(page.locator("#log .msg-bot.kind-answer")).not_to_have_count(0)
    expect(page.locator("#error")).to_be_hidden()
    expect(box).to_have_value("")
    tab.check_clean()


def test_emergency_numbers_without_javascript(browser: Browser, running: RunningStack) -> None:
    tab = _open(browser, running, java_script_enabled=False)
    try:
        page = tab.page
        page.goto("/?lang=en")
        for number, href in (("113", "tel:113"), ("112", "tel:112"), (r"116\s117", "tel:116117")):
            link = page.locator(f'a[href="{href}"]')
            expect(link).to_be_visible()
            expect(link).to_contain_text(re.compile(number))
        expect(page.locator(".emergency-label")).to_contain_text("Emergency numbers")
        expect(page.locator(".noscript")).to_be_visible()
    finally:
        tab.context.close()


def test_page_weight(tab: Tab, capsys: pytest.CaptureFixture[str]) -> None:
    page = tab.page
    finished: list[tuple[str, str, int]] = []

    def on_finished(request: Any) -> None:
        sizes = request.sizes()
        finished.append((request.resource_type, request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", on_finished)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    counted = [(kind, url, size) for kind, url, size in finished if kind in ("document", "stylesheet", "script")]
    total = sum(size for _, _, size in counted)
    assert {kind for kind, _, _ in counted} == {"document", "stylesheet", "script"}, finished
    assert not [url for kind, url, _ in finished if kind == "font"], "no web font is downloaded"
    with capsys.disabled():
        parts = ", ".join(f"{url.rsplit('/', 1)[-1] or '/'} {size / 1024:.1f} KB" for _, url, size in counted)
        print(f"\npage weight: {total / 1024:.1f} KB transferred ({parts}); budget {PAGE_BUDGET // 1024} KB")
    assert total <= PAGE_BUDGET
    tab.check_clean()


def _serious(page: Page, where: str, report: list[str]) -> list[str]:
    violations = Axe().run(page).response["violations"]
    report.extend(f"{where}: {v['impact']} {v['id']} ({len(v['nodes'])})" for v in violations)
    return [
        f"{where}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_accessibility(tab: Tab, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    page = tab.page
    report: list[str] = []
    page.goto(f"/?lang={lang}")
    expect(page.locator("#picker")).to_be_visible()
    problems = _serious(page, f"{lang} language picker", report)
    page.locator(f'.lang-choice[data-lang="{lang}"]').click()
    expect(page.locator(".intro")).to_be_visible()
    problems += _serious(page, f"{lang} privacy notice", report)
    ask(page, "how do i change my fastlege" if lang == "en" else "كيف اغير fastlege")
    expect(page.locator("#log .msg-bot.kind-answer")).to_have_count(1)
    problems += _serious(page, f"{lang} conversation", report)
    with capsys.disabled():
        print(f"\naxe ({lang}): " + ("; ".join(report) if report else "no violations"))
    assert not problems, "\n".join(problems)
    tab.check_clean()
