"""Editor CLI: ``python -m knowledge validate|report|build``. See the README's editor's guide."""

from knowledge.cli import main

raise SystemExit(main())
