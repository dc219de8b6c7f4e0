"""Subcommands ``import``, ``export`` and ``stats``: moving annotated text in and out of a project."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nerdesk.core.document import STATUSES

SOURCES = ("gold", "pred", "all")
PROGRESS_MIN_DOCUMENTS = 2000


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the nerdesk parser."""
    register_import(subparsers)
    register_export(subparsers)
    register_stats(subparsers)


def register_import(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="add annotated or plain text files to a project (created if missing)",
        description="Read FILEs (format detected unless --format is given) and add their documents to "
                    "PROJECT in one transaction: a bad record imports nothing.",
    )
    parser.add_argument("project", type=Path, metavar="PROJECT", help="project file (.nerdesk)")
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE", help="files or brat directories")
    parser.add_argument("--format", help="input format (nerdesk-json, jsonl, cluener, cmeee, conll, ...)")
    parser.add_argument("--encoding", help="text encoding (default: detected)")
    parser.add_argument("--newline", choices=("keep", "normalize"), default="keep",
                        help="keep \\r\\n as it is (default) or turn it into \\n")
    parser.add_argument("--status", choices=STATUSES, help="status of every imported document")
    parser.set_defaults(handler=run_import)


def register_export(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="write a project's documents to a file")
    parser.add_argument("project", type=Path, metavar="PROJECT", help="project file (.nerdesk)")
    parser.add_argument("--format", required=True, help="output format (nerdesk-json, cluener, cmeee, conll, ...)")
    parser.add_argument("--out", type=Path, required=True, help="output file (or directory for brat)")
    parser.add_argument("--source", choices=SOURCES,
                        help="spans to write: gold, pred or all (default: what the format keeps, gold for "
                             "formats with one kind of span)")
    parser.add_argument("--status", choices=STATUSES, nargs="+", help="only documents with these statuses")
    parser.set_defaults(handler=run_export)


def register_stats(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("stats", help="documents, spans per label and nesting of a project")
    parser.add_argument("project", type=Path, metavar="PROJECT", help="project file (.nerdesk)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(handler=run_stats)


def run_import(args: argparse.Namespace) -> int:
    from nerdesk.workflows.transfer import read_import, store_into_file

    result = read_import(args.files, args.format, encoding=args.encoding, newline=args.newline, status=args.status)
    print_warnings(result.warnings)
    with import_progress(len(result.documents)) as progress:
        report = store_into_file(args.project, result,
                                 progress=progress and (lambda done, _total: progress(done)))
    print(f"imported {len(report.ids)} documents ({report.gold} gold spans, {report.pred} predictions) as "
          f"{report.format} ({report.encoding}) into {args.project}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from nerdesk.storage import Project
    from nerdesk.workflows.transfer import export_documents

    with Project.open(args.project) as project:
        report = export_documents(project, args.out, args.format, status=args.status, source=args.source,
                                  only=args.source)
    print_warnings(report.warnings)
    print(f"exported {report.documents} documents ({report.spans} spans) as {args.format} to {args.out}")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    from nerdesk.storage import Project

    with Project.open(args.project) as project:
        stats = project.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        print_stats(args.project, stats)
    return 0


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"nerdesk: warning: {warning}", file=sys.stderr)


def import_progress(total: int):
    """A rich progress bar on stderr for long imports in a terminal; a no-op context otherwise."""
    from contextlib import nullcontext

    if total < PROGRESS_MIN_DOCUMENTS or not sys.stderr.isatty():
        return nullcontext(None)
    return _RichProgress(total)


class _RichProgress:
    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self.total = total
        self.bar = Progress(console=Console(stderr=True), transient=True)

    def __enter__(self):
        self.bar.start()
        task = self.bar.add_task("storing documents", total=self.total)
        return lambda done: self.bar.update(task, completed=done)

    def __exit__(self, *exc_info: object) -> None:
        self.bar.stop()


def print_stats(path: Path, stats: dict) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(soft_wrap=True, highlight=False)
    statuses = ", ".join(f"{count} {status}" for status, count in stats["by_status"].items())
    console.print(f"[bold]{escape(str(path))}[/bold]: {stats['documents']} documents ({statuses})")
    splits = {split or "(none)": count for split, count in stats["by_split"].items()}
    if set(splits) != {"(none)"}:
        console.print("splits: " + ", ".join(f"{split} {count}" for split, count in splits.items()))
    table = Table("label", "gold", "pred")
    for label, counts in stats["labels"].items():
        table.add_row(escape(label), str(counts["gold"]), str(counts["pred"]))
    table.add_row("[bold]total[/bold]", str(stats["spans"]["gold"]), str(stats["spans"]["pred"]))
    console.print(table)
    console.print(
        f"nesting depth {stats['nesting_depth']}; {stats['overlapping_spans']} gold spans overlap another "
        f"in {stats['documents_with_overlaps']} documents"
    )
