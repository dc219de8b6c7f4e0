"""Subcommands ``import``, ``export`` and ``stats``: moving annotated text in and out of a project."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from nerdesk.commands.arguments import TAG_NAMES_HELP
from nerdesk.core.document import STATUSES, Document
from nerdesk.core.wording import counted

SOURCES = ("gold", "pred", "all")
TEXT_UNITS = ("line", "paragraph", "document")  # the text format's option split: what one document is
PROGRESS_MIN_DOCUMENTS = 2000


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands to the nerdesk parser."""
    register_import(subparsers)
    register_export(subparsers)
    register_stats(subparsers)


def register_import(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import", help="add annotated or plain text files to a project (created if missing)",
        description="Read FILEs (format detected unless --format is given) and add their documents to "
                    "PROJECT in one transaction: a bad record imports nothing.",
    )
    parser.add_argument("project", type=Path, metavar="PROJECT", help="project file (.nerdesk)")
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE", help="files, or folders (brat, WebAnno TSV)")
    parser.add_argument("--format", help="input format (nerdesk-json, jsonl, cluener, cmeee, conll, ...)")
    parser.add_argument("--encoding", help="text encoding (default: detected)")
    parser.add_argument("--newline", choices=("keep", "normalize"), default="keep",
                        help="keep \\r\\n as it is (default) or turn it into \\n")
    parser.add_argument("--status", choices=STATUSES, help="status of every imported document")
    parser.add_argument("--split", metavar="SPLIT",
                        help="the data split: put every document in SPLIT (train, dev, test, any name), or share "
                             "them out deterministically, e.g. train=0.8,dev=0.1,test=0.1 (how a text file is cut "
                             "into documents is --text-unit)")
    parser.add_argument("--duplicates", choices=("skip", "keep"), default="skip",
                        help="documents whose text and metadata equal one already in the project or earlier in "
                             "the files: skip them with a count (default) or keep them")
    parser.add_argument("--text-unit", choices=TEXT_UNITS,
                        help="plain-text input: one document per line (default), per paragraph or per file")
    parser.add_argument("--level", choices=("auto", "char", "token"), help="CoNLL input: character or token rows")
    parser.add_argument("--answers", choices=("accept", "all"),
                        help="Prodigy input: import only accepted examples (default) or also reject/ignore")
    parser.add_argument("--text-field", metavar="NAME",
                        help="Label Studio input: the data field that holds the text (default: the one the "
                             "spans point at or fit, else 'text')")
    parser.add_argument("--offsets", choices=("utf16", "graphemes"),
                        help="doccano input: offsets in UTF-16 units (default) or in grapheme clusters (a project "
                             "set to 'Count grapheme clusters as one character')")
    parser.add_argument("--tag-names", metavar="NAMES",
                        help=TAG_NAMES_HELP)
    parser.set_defaults(handler=run_import)


def register_export(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("export", help="write a project's documents to a file")
    parser.add_argument("project", type=Path, metavar="PROJECT", help="project file (.nerdesk)")
    parser.add_argument("--format", required=True, help="output format (nerdesk-json, cluener, cmeee, conll, ...)")
    parser.add_argument("--out", type=Path, required=True, help="output file (a folder for brat, and for WebAnno TSV with several documents)")
    parser.add_argument("--source", choices=SOURCES,
                        help="spans to write: gold, pred or all (default: what the format keeps, gold for "
                             "formats with one kind of span)")
    parser.add_argument("--status", choices=STATUSES, nargs="+", help="only documents with these statuses")
    parser.add_argument("--text-unit", choices=TEXT_UNITS,
                        help="plain-text output (--format text): one document per line (default), per paragraph "
                             "(a blank line between documents) or all in one text")
    conll = parser.add_argument_group("CoNLL output (--format conll, bio, iob2, bioes, bmes)")
    conll.add_argument("--scheme", choices=("bio", "iob2", "bioes", "bmes"),
                       help="tag scheme (default: the one --format or the --out suffix names, else bio)")
    conll.add_argument("--level", choices=("auto", "char", "token"),
                       help="one row per character or per token (default auto: the level that drops fewer spans)")
    conll.add_argument("--flat", action="store_true",
                       help="one tag column: keep the outermost spans, drop nested ones (with a count)")
    conll.add_argument("--separator", choices=("tab", "space"), help="between token and tags (default tab)")
    parser.add_argument("--offsets", choices=("utf16", "graphemes"),
                        help="doccano output: offsets in UTF-16 units (default) or in grapheme clusters, for a "
                             "project set to 'Count grapheme clusters as one character'")
    parser.set_defaults(handler=run_export)


def register_stats(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("stats", help="documents, spans per label and nesting of a project")
    parser.add_argument("project", type=Path, metavar="PROJECT", help="project file (.nerdesk)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(handler=run_stats)


def run_import(args: argparse.Namespace) -> int:
    from nerdesk.formats import read_files
    from nerdesk.formats.batch import assign_splits, duplicates_warning, parse_split, skip_duplicates
    from nerdesk.workflows.transfer import store_into_file

    shares = parse_split(args.split) if args.split else None
    options = {key: value for key, value in (("split", args.text_unit), ("level", args.level),
                                             ("answers", args.answers), ("text_field", args.text_field),
                                             ("tag_names", args.tag_names), ("offsets", args.offsets))
               if value}
    result = read_files(args.files, args.format, encoding=args.encoding, newline=args.newline, **options)
    if args.status:
        for document in result.documents:
            document.status = args.status
    if args.duplicates == "skip":
        result.documents, skipped = skip_duplicates(result.documents, existing_documents(args.project))
        if skipped:
            result.warnings.append(duplicates_warning(skipped, "--duplicates keep"))
    counts = assign_splits(result.documents, shares)
    print_warnings(result.warnings)
    with import_progress(len(result.documents)) as progress:
        report = store_into_file(args.project, result,
                                 progress=progress and (lambda done, _total: progress(done)))
    in_splits = f"; splits: {', '.join(f'{name} {n}' for name, n in counts.items())}" if counts else ""
    print(f"imported {counted(len(report.ids), 'document')} ({counted(report.gold, 'gold span')}, "
          f"{counted(report.pred, 'prediction')}) as "
          f"{report.format} ({report.encoding}) into {args.project}{in_splits}")
    return 0


def existing_documents(project_path: Path) -> list[Document]:
    """The documents already in the project (none when it does not exist yet)."""
    from nerdesk.storage import Project

    if not project_path.exists():
        return []
    with Project.open(project_path) as project:
        return list(project.all_documents())


def run_export(args: argparse.Namespace) -> int:
    from nerdesk.storage import Project
    from nerdesk.workflows.transfer import export_documents

    with Project.open(args.project) as project:
        report = export_documents(project, args.out, args.format, status=args.status, only=args.source,
                                  **export_options(args))
    print_warnings(report.warnings)
    print(f"exported {counted(report.documents, 'document')} ({counted(report.spans, 'span')}) as {args.format} "
          f"to {args.out}")
    return 0


def export_options(args: argparse.Namespace) -> dict[str, Any]:
    """The writer options the command line asked for (only those given, so other formats are not refused)."""
    options = {name: getattr(args, name) for name in ("source", "scheme", "level", "separator", "offsets")
               if getattr(args, name)}
    if args.flat:
        options["flat"] = True
    if args.text_unit:
        from nerdesk.core.errors import FormatError
        from nerdesk.formats import resolve_format

        if resolve_format(args.format) != "text":
            raise FormatError(f"--text-unit is an option of --format text, not {args.format}", code="E108")
        options["split"] = args.text_unit
    return options


def print_to_pipe(text: str) -> None:
    """Print ``text``; a reader that stops early (``| head``) ends the output quietly, not in a traceback."""
    import os

    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not fail again


def run_stats(args: argparse.Namespace) -> int:
    from nerdesk.storage import Project

    with Project.open(args.project) as project:
        stats = project.stats()
    if args.json:
        print_to_pipe(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        print_stats(args.project, stats)
    return 0


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"nerdesk: warning: {warning}", file=sys.stderr)


def import_progress(total: int) -> AbstractContextManager[Callable[[int], None] | None]:
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

    def __enter__(self) -> Callable[[int], None]:
        self.bar.start()
        task = self.bar.add_task("storing documents", total=self.total)
        return lambda done: self.bar.update(task, completed=done)

    def __exit__(self, *exc_info: object) -> None:
        self.bar.stop()


def print_stats(path: Path, stats: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(soft_wrap=True, highlight=False)
    statuses = ", ".join(f"{count} {status}" for status, count in stats["by_status"].items())
    console.print(f"[bold]{escape(str(path))}[/bold]: {counted(stats['documents'], 'document')} ({statuses})")
    splits = {split or "(none)": count for split, count in stats["by_split"].items()}
    if set(splits) != {"(none)"}:
        console.print("splits: " + ", ".join(f"{split} {count}" for split, count in splits.items()))
    rejected: dict[str, int] = stats["rejected"]
    table = Table("label", "gold", "pred", *(["rejected"] if rejected else []))
    for label, counts in stats["labels"].items():
        table.add_row(escape(label), str(counts["gold"]), str(counts["pred"]),
                      *([str(rejected.get(label, 0))] if rejected else []))
    table.add_row("[bold]total[/bold]", str(stats["spans"]["gold"]), str(stats["spans"]["pred"]),
                  *([str(sum(rejected.get(label, 0) for label in stats["labels"]))] if rejected else []))
    console.print(table)
    console.print(
        f"nesting depth {stats['nesting_depth']}; {counted(stats['overlapping_spans'], 'gold span')} "
        f"{'overlaps' if stats['overlapping_spans'] == 1 else 'overlap'} another "
        f"in {counted(stats['documents_with_overlaps'], 'document')}"
    )
