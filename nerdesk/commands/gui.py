"""Subcommands: gui."""

from __future__ import annotations

import argparse
import importlib


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the nerdesk parser."""
    parser = subparsers.add_parser(
        "gui", help="open the annotation window",
        description="Open the annotation window, with PROJECT (a .nerdesk file; created if missing) "
                    "or the most recent project.",
    )
    parser.add_argument("project", nargs="?", help="project file to open")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Loaded by name, like the no-argument start in nerdesk.cli: the commands package itself stays
    # free of Qt (see the "PySide6 only in the GUI" import contract) and the GUI starts only here.
    app = importlib.import_module("nerdesk.gui.app")
    return app.run_app([args.project] if args.project else [])
