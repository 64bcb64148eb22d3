"""Editing an answer changes the next reply, without restart or retraining; a broken file keeps
the last good version serving and is reported on /health."""

from __future__ import annotations

import pytest
import yaml

from tests.integration.conftest import RunningStack

pytestmark = pytest.mark.integration


def test_edited_answer_is_served_on_the_next_message_and_a_broken_file_keeps_the_last_good(
    running: RunningStack,
) -> None:
    path = running.settings.knowledge_dir / "gp" / "gp-change-gp.yml"
    original = path.read_text(encoding="utf-8")
    cid = running.new_conversation("en")
    before = running.say(cid, "how do i change my fastlege").json()["replies"][0]
    assert before["article_id"] == "gp-change-gp"
    marker = "EDITED-FOR-THE-LIVE-UPDATE-TEST"
    data = yaml.safe_load(original)
    assert data["answers"]["en"]["text"] == before["text"]
    data["answers"]["en"]["text"] = f"{marker} {before['text']}"
    try:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        after = running.say(cid, "how do i change my fastlege").json()["replies"][0]
        assert after["text"].startswith(marker)

        path.write_text(original + "\n  broken: [yaml\n", encoding="utf-8")
        still = running.say(cid, "how do i change my fastlege").json()["replies"][0]
        assert still["text"].startswith(marker), "the last good version must keep serving"
        health = running.api.get("/health").json()
        assert health["status"] == "degraded"
        errors = health["components"]["knowledge"]["errors"]
        assert any("gp-change-gp.yml" in key and "not valid YAML" in msg for key, msg in errors.items())
    finally:
        path.write_text(original, encoding="utf-8")
    restored = running.say(cid, "how do i change my fastlege").json()["replies"][0]
    assert restored["text"] == before["text"]
    assert running.api.get("/health").json()["components"]["knowledge"]["errors"] == {}
