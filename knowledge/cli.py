"""The editor's command line: ``python -m knowledge validate|report|build``."""

from __future__ import annotations

import argparse
from pathlib import Path

from knowledge import build, report
from knowledge.loader import ARTICLES_DIR, KnowledgeError
from knowledge.validate import validate_tree

ROOT = Path(__file__).resolve().parent.parent


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _validate(root: Path) -> int:
    report = validate_tree(root)
    for problem in report.problems:
        print(problem.render())
    print(f"{report.files} file(s): {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return 1 if report.errors else 0


def _report(root: Path, markdown: bool) -> int:
    result = validate_tree(root)
    print(report.render(report.coverage(result.articles), markdown=markdown))
    unreadable = [p for p in result.errors if p.rule == "schema"]
    if unreadable:
        print(f"\n{len(unreadable)} file(s) could not be read and are not counted (run validate)")
    return 0


def _build(check: bool) -> int:
    try:
        generated = build.generate(build.load_all())
    except KnowledgeError as exc:
        print(f"ERROR: {exc}\nFix the file (python -m knowledge validate), then build again.")
        return 1
    if check:
        stale = build.out_of_date(generated)
        for path in stale:
            print(f"OUT OF DATE: {_rel(path)} (run: python -m knowledge build)")
        return 1 if stale else 0
    changed = build.write(generated)
    for path in changed:
        print(f"wrote {_rel(path)}")
    if not changed:
        print("generated files are up to date")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="Tools for content editors.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_validate = sub.add_parser("validate", help="check every article file; exit 1 on errors")
    p_validate.add_argument("root", nargs="?", type=Path, default=ARTICLES_DIR)
    p_report = sub.add_parser("report", help="coverage table: article x language (ok/stale/draft/machine/missing)")
    p_report.add_argument("root", nargs="?", type=Path, default=ARTICLES_DIR)
    p_report.add_argument("--markdown", action="store_true", help="print Markdown tables")
    p_build = sub.add_parser("build", help="generate the Rasa training data under data/nlu/ and bot/")
    p_build.add_argument("--check", action="store_true", help="only check that the generated files are current")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.root)
    if args.command == "report":
        return _report(args.root, args.markdown)
    return _build(args.check)
