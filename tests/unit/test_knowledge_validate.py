"""Every validator rule has a valid and an invalid fixture under tests/fixtures/knowledge/<rule>/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.cli import main as cli
from knowledge.loader import ARTICLES_DIR
from knowledge.validate import validate_tree

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "knowledge"
TODAY = dt.date(2026, 11, 22)
RULES = {
    # rule: (severity of the invalid fixture's problem, words the message must contain)
    "schema": ("error", "not a known field"),
    "missing-language": ("error", "'ti' is missing"),
    "few-examples": ("error", "'so' has 3 example"),
    "stale-translation": ("warning", "master is now version 2"),
    "bad-source-version": ("error", "master is at version 1"),
    "status-variants": ("error", "they must match"),
    "review-due": ("error", "has passed"),
    "duplicate-example": ("error", "is also in 'fixture-one'"),
    "near-duplicate-example": ("warning", "almost the same"),
    "source-url": ("error", "no valid host name"),
    "answer-length": ("error", "'ti' text is empty"),
    "numbers-differ": ("warning", "lacks number(s) ['116117']"),
}


def test_every_rule_has_fixtures() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(RULES)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_valid_fixture_passes(rule: str) -> None:
    report = validate_tree(FIXTURES / rule / "valid", today=TODAY)
    assert report.files >= 1
    assert report.problems == []


@pytest.mark.parametrize("rule", sorted(RULES))
def test_invalid_fixture_fails_with_a_clear_message(rule: str) -> None:
    severity, words = RULES[rule]
    report = validate_tree(FIXTURES / rule / "invalid", today=TODAY)
    hits = [p for p in report.problems if p.rule == rule]
    assert hits, report.problems
    assert any(p.severity == severity and words in p.message for p in hits), [p.render() for p in hits]
    assert all(p.path.suffix == ".yml" for p in hits)


def test_problems_point_at_the_line() -> None:
    report = validate_tree(FIXTURES / "review-due" / "invalid", today=TODAY)
    [problem] = report.problems
    line = (FIXTURES / "review-due" / "invalid" / "fixture-one.yml").read_text().splitlines()[problem.line - 1]
    assert line.startswith("review_by:")
    assert problem.render().startswith("ERROR [review-due] ") and ":16: " in problem.render()


def test_malformed_and_wrongly_encoded_files_are_explained() -> None:
    report = validate_tree(FIXTURES / "schema" / "invalid", today=TODAY)
    messages = {p.path.name: p.message for p in report.problems}
    assert "not valid YAML" in messages["fixture-two.yml"]
    assert "not UTF-8" in messages["fixture-three.yml"]


def test_review_by_within_30_days_is_a_warning() -> None:
    report = validate_tree(FIXTURES / "review-due" / "valid", today=dt.date(2027, 5, 20))
    assert [(p.rule, p.severity) for p in report.problems] == [("review-due", "warning")]


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["validate", str(FIXTURES / "source-url" / "valid")]) == 0
    assert cli(["validate", str(FIXTURES / "source-url" / "invalid")]) == 1
    out = capsys.readouterr().out
    assert "ERROR [source-url]" in out and "1 error(s)" in out


def test_the_repository_knowledge_is_valid() -> None:
    report = validate_tree(ARTICLES_DIR)
    assert report.errors == [], "\n".join(p.render() for p in report.errors)
    assert report.files >= 1
