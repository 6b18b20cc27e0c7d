"""`python -m losswalk`: the same as the `losswalk` command."""

from losswalk.tui.cli import main

raise SystemExit(main())
