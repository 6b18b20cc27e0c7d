"""The `losswalk` subcommands, one module each or per related group (tui/cli.py routes to them)."""
