"""The chat page's server side: its texts (knowledge/ui.yml), language negotiation, the JSON
data block's escaping, and a page that works under the strict Content-Security-Policy."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from api.main import create_app
from api.web.routes import TOPICS, UI_FILE, check_ui_texts, json_for_html, negotiate, ui_texts
from knowledge.languages import CODES
from knowledge.phrases import PHRASES_FILE
from tests.helpers import make_settings


@pytest.fixture
def page_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, retention_days=14, handoff_retention_days=60)
    with TestClient(create_app(settings)) as client:
        yield client


def _data_block(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="ui-data">(.*?)</script>', html, re.S)
    assert match, "the page embeds its texts as a JSON data block"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_every_text_in_all_seven_languages() -> None:
    ui = ui_texts()
    assert set(ui.meta) == set(CODES)
    for meta in ui.meta.values():
        assert meta == {"provenance": "draft", "review": {"state": "unreviewed"}}
    for key, variants in ui.texts.items():
        assert set(variants) == set(CODES), key
        assert all(text.strip() for text in variants.values()), key
    for key in ("privacy_how_long", "privacy_delete"):
        for code in CODES:
            placeholders = set(re.findall(r"{(\w+)}", ui.texts[key][code]))
            expected = {"days", "handoff_days"} if key == "privacy_how_long" else {"delete"}
            assert placeholders == expected, (key, code)


def test_labels_agree_with_the_bots_phrases() -> None:
    """The page's labels and the bot's own phrases use the same words (a reviewer checks one)."""
    with PHRASES_FILE.open(encoding="utf-8") as fh:
        phrases = yaml.safe_load(fh)["phrases"]
    texts = ui_texts().texts
    for key in ("draft_label", "machine_label", "show_original", "helpful", "not_helpful", "handoff_cancel"):
        assert texts[key] == phrases[key], key


def test_a_missing_translation_is_named() -> None:
    with UI_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    del data["texts"]["send"]["ti"]
    with pytest.raises(ValueError, match=r"send: no text in ti"):
        check_ui_texts(data)


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        (None, None, "en"),
        ("ti", "ar", "ti"),
        ("xx", "ar,en;q=0.5", "ar"),
        (None, "de-DE,de;q=0.9,nb;q=0.8,en;q=0.7", "nb"),
        (None, "no", "nb"),
        (None, "nn-NO", "nb"),
        (None, "prs-AF,en;q=0.1", "fa"),
        (None, "en;q=0.2, uk;q=0.9", "uk"),
        (None, "so;q=0, de", "en"),
        (None, "fr;q=bad", "en"),
    ],
)
def test_negotiate(query: str | None, header: str | None, expected: str) -> None:
    assert negotiate(query, header) == expected


def test_json_block_cannot_be_closed_by_a_text() -> None:
    block = str(json_for_html({"x": "</script><script>alert('x')</script> & <!--"}))
    assert "</" not in block and "<" not in block and "'" not in block and "&" not in block
    assert json.loads(block) == {"x": "</script><script>alert('x')</script> & <!--"}


class _Inline(HTMLParser):
    """Finds what a strict CSP would block: inline scripts, style attributes and elements, on* handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if element_id := names.get("id"):
            self.ids.append(element_id)
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.problems.append("inline script")
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"{tag} {name}=")


def test_page_works_under_the_strict_csp(page_client: TestClient) -> None:
    response = page_client.get("/", headers={"accept-language": "ar"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["content-language"] == "ar"
    html = response.text
    assert '<html lang="ar" dir="rtl">' in html
    parser = _Inline()
    parser.feed(html)
    assert parser.problems == []
    assert len(parser.ids) == len(set(parser.ids)), "ids are unique"


def test_emergency_numbers_are_plain_html(page_client: TestClient) -> None:
    html = page_client.get("/?lang=so").text
    for href in ("tel:113", "tel:112", "tel:116117"):
        assert f'href="{href}"' in html
    assert "116&nbsp;117" in html
    assert "Lambarada degdegga" in html  # in the person's language, before any script runs


def test_privacy_notice_has_the_settings_values(page_client: TestClient) -> None:
    html = page_client.get("/?lang=en").text
    assert "deleted 14 days after the last message (60 days if it was passed on to a person)" in html
    data = _data_block(html)
    texts = data["texts"]
    assert isinstance(texts, dict)
    for code in CODES:
        how_long = texts["privacy_how_long"][code]
        assert "14" in how_long and "60" in how_long and "{" not in how_long, code
        assert texts["delete_chat"][code] in texts["privacy_delete"][code], code
    assert data["topics"] == [{"key": k, "payload": p} for k, p in TOPICS]
    assert [lang["code"] for lang in data["languages"]] == list(CODES)  # type: ignore[attr-defined]


def test_static_files_and_their_weight(page_client: TestClient) -> None:
    html = page_client.get("/").content
    total = len(html)
    for name, kind in (("chat.js", "javascript"), ("chat.css", "text/css")):
        response = page_client.get(f"/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
        total += len(response.content)
        assert re.search(rf'/static/{name}\?v=[0-9a-f]{{10}}"', html.decode())
    assert total <= 100 * 1024
    script = page_client.get("/static/chat.js").text
    assert not re.search(r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function", script)
