from __future__ import annotations

import shutil
from pathlib import Path

from stack.model import fingerprint, training_inputs
from stack.paths import ROOT


def copy_inputs(dest: Path) -> None:
    for path in training_inputs(ROOT):
        target = dest / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)


def test_fingerprint_covers_config_domain_rules_and_nlu(tmp_path: Path) -> None:
    copy_inputs(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in training_inputs(tmp_path)}
    assert {"bot/config.yml", "bot/requirements.lock", "data/nlu/conversation.yml"} <= names
    assert any(n.startswith("bot/domain/") for n in names)
    assert any(n.startswith("bot/data/") for n in names)


def test_fingerprint_is_stable_and_changes_with_any_input(tmp_path: Path) -> None:
    copy_inputs(tmp_path)
    first = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == first
    for path in training_inputs(tmp_path):
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert fingerprint(tmp_path) != first, path
        path.write_bytes(original)
    assert fingerprint(tmp_path) == first


def test_answer_text_is_not_a_training_input() -> None:
    assert not any("knowledge" in p.parts for p in training_inputs(ROOT))
