"""``python -m ganedu ...``: see ``ganedu.cli``."""

from ganedu.cli import main

raise SystemExit(main())
