"""``python -m ganedu ...``: see ``ganedu.interface.cli``."""

from ganedu.interface.cli import main

raise SystemExit(main())
