"""``python -m stack run`` starts the whole assistant; ``python -m stack train`` only trains."""

from __future__ import annotations

import logging
import sys

from stack.model import ensure_model
from stack.run import main as run_main


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "run":
        return run_main()
    if command == "train":
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        result = ensure_model()
        print(f"{result.path} ({f'trained in {result.seconds:.0f} s' if result.trained else 'unchanged'})")
        return 0
    print("usage: python -m stack [run|train]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
