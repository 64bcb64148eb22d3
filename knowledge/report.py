"""Coverage report: article × language, each cell ok / stale / draft / machine / missing."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from knowledge.languages import CODES
from knowledge.model import Article, Provenance, ReviewState


class Cell(StrEnum):
    ok = "ok"  # reviewed by a person and made from the current master
    stale = "stale"  # made from an older version of the Norwegian master
    draft = "draft"  # not yet reviewed by a person
    machine = "machine"  # machine translation, not reviewed
    missing = "missing"  # no text in this language


def cell(article: Article, code: str) -> Cell:
    answer = article.answers.get(code)
    if answer is None:
        return Cell.missing
    if article.is_stale(code):
        return Cell.stale
    if answer.review.state is ReviewState.reviewed:
        return Cell.ok
    if answer.provenance is Provenance.machine:
        return Cell.machine
    return Cell.draft


def coverage(articles: list[Article]) -> dict[str, dict[str, Cell]]:
    return {a.id: {code: cell(a, code) for code in CODES} for a in sorted(articles, key=lambda a: a.id)}


def totals(table: dict[str, dict[str, Cell]]) -> dict[str, Counter[Cell]]:
    result: dict[str, Counter[Cell]] = {code: Counter() for code in CODES}
    for row in table.values():
        for code, value in row.items():
            result[code][value] += 1
    return result


def render(table: dict[str, dict[str, Cell]], markdown: bool = False) -> str:
    sums = totals(table)
    order = list(Cell)
    if markdown:
        lines = ["| article | " + " | ".join(CODES) + " |", "|---" * (len(CODES) + 1) + "|"]
        lines += [f"| {aid} | " + " | ".join(row[c] for c in CODES) + " |" for aid, row in table.items()]
        lines += ["", "| language | " + " | ".join(order) + " |", "|---" * (len(order) + 1) + "|"]
        lines += [f"| {c} | " + " | ".join(str(sums[c][k]) for k in order) + " |" for c in CODES]
        return "\n".join(lines)
    width = max([len("article"), *(len(a) for a in table)]) + 2
    lines = ["article".ljust(width) + "".join(c.ljust(9) for c in CODES)]
    lines += [aid.ljust(width) + "".join(row[c].value.ljust(9) for c in CODES) for aid, row in table.items()]
    lines += ["", f"{len(table)} article(s). Per language: " + " / ".join(order)]
    lines += [f"  {c}: " + " / ".join(str(sums[c][k]) for k in order) for c in CODES]
    return "\n".join(lines)
