"""The Rasa training data is generated from the knowledge files and must be in sync."""

from __future__ import annotations

from knowledge import build


def test_generated_files_are_in_sync_with_the_articles() -> None:
    stale = build.out_of_date(build.generate(build.load_all()))
    assert stale == [], f"run `.venv/bin/python -m knowledge build`: {stale}"


def test_every_article_has_an_intent_and_a_rule() -> None:
    articles = build.load_all()
    nlu, domain, rules = build.generate(articles)
    for article in articles:
        intent = build.intent_for(article.id)
        assert f"intent: {intent}" in nlu.content
        assert f"- {intent}" in domain.content
        assert f"rule: answer {article.id}" in rules.content
        assert build.article_id_for(intent) == article.id
