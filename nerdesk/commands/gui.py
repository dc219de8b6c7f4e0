"""Subcommands: gui."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands to the nerdesk parser."""
    parser = subparsers.add_parser(
        "gui", help="open the annotation window",
        description="Open the annotation window, with PROJECT (a .nerdesk file; created if missing) "
                    "or the most recent project.",
    )
    parser.add_argument("project", nargs="?", help="project file to open")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from nerdesk.gui.app import run_app  # Qt loads only when the window is asked for

    return run_app([args.project] if args.project else [])
