from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.cli import main as cli
from knowledge.languages import CODES
from knowledge.loader import load_article
from knowledge.report import Cell, coverage, render, totals

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "knowledge"


def test_cells_follow_provenance_review_and_staleness() -> None:
    draft = load_article(FIXTURES / "schema" / "valid" / "fixture-one.yml")
    stale = load_article(FIXTURES / "stale-translation" / "invalid" / "fixture-one.yml")
    missing = load_article(FIXTURES / "missing-language" / "invalid" / "fixture-one.yml")
    assert coverage([draft])["fixture-one"] == dict.fromkeys(CODES, Cell.draft)
    assert coverage([stale])["fixture-one"]["en"] is Cell.stale
    assert coverage([stale])["fixture-one"]["nb"] is Cell.draft
    assert coverage([missing])["fixture-one"]["ti"] is Cell.missing


def test_totals_and_rendering() -> None:
    stale = load_article(FIXTURES / "stale-translation" / "invalid" / "fixture-one.yml")
    table = coverage([stale])
    assert totals(table)["uk"][Cell.stale] == 1
    text = render(table)
    assert "fixture-one" in text and "stale" in text
    assert render(table, markdown=True).startswith("| article | nb | en |")


def test_report_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["report", str(FIXTURES / "stale-translation" / "invalid")]) == 0
    out = capsys.readouterr().out
    assert "1 article(s)" in out
    assert "  en: 0 / 1 / 0 / 0 / 0" in out
