"""The ``nerdesk`` command: no arguments opens the GUI; subcommands work from the shell.

Each subcommand lives in its own module under ``nerdesk.commands`` and imports its heavy
dependencies (torch, onnxruntime, Qt) only when it runs, so ``nerdesk --help`` stays instant.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys

from nerdesk import __version__
from nerdesk.core.errors import NerdeskError

# What the file system says of a path that cannot be one, wherever a command first touches it (``Path.exists``
# raises these): one coded line instead of a traceback.
PATH_ERRORS = (errno.ENAMETOOLONG, errno.ELOOP, errno.ENOTDIR)

COMMAND_MODULES = (
    "nerdesk.commands.data",      # import, export, stats
    "nerdesk.commands.predict",   # predict
    "nerdesk.commands.train",     # train
    "nerdesk.commands.evaluate",  # eval
    "nerdesk.commands.retrain",   # retrain
    "nerdesk.commands.activate",  # activate
    "nerdesk.commands.gui",       # gui
    "nerdesk.commands.models",    # models
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nerdesk",
        description="Annotate named entities (nested ones too), train GlobalPointer models, predict offline.",
    )
    parser.add_argument("--version", action="version", version=f"nerdesk {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        return gui_main()
    args = build_parser().parse_args(argv)
    if not getattr(args, "handler", None):
        build_parser().print_help()
        return 2
    try:
        return args.handler(args) or 0
    except NerdeskError as error:
        return _report(error)
    except KeyboardInterrupt:
        print("nerdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output left (``nerdesk models --json | head``): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that the exit flush cannot fail again
        return 141  # 128 + SIGPIPE, as a shell reports it
    except OSError as error:
        if error.errno not in PATH_ERRORS:
            raise
        return _report(NerdeskError(f"{error.filename}: {error.strerror}; nothing was changed: shorten or correct "
                                    "the path", code="E128"))


def _report(error: NerdeskError) -> int:
    print(f"nerdesk: error{f' {error.code}' if error.code else ''}: {error}", file=sys.stderr)
    return 1


def gui_main(argv: list[str] | None = None) -> int:
    from nerdesk.gui.app import run_app

    return run_app(argv or [])
