"""Subcommand: eval (score a model bundle on annotated files).

The model predicts exactly as ``nerdesk predict`` does (ONNX Runtime, the bundle's default variant,
windows, decoder and span cap), and its spans are scored against the files' gold spans.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nerdesk.commands.arguments import add_data_format
from nerdesk.core.errors import NerdeskError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("eval", help="score a model on annotated data",
                                   description="Print per-label precision, recall and F1 of a model on files, "
                                               "predicting exactly as 'nerdesk predict' does.")
    parser.add_argument("--model", required=True, metavar="BUNDLE",
                        help="model bundle directory, or the name of an embedded model (see nerdesk models)")
    parser.add_argument("data", nargs="+", type=Path, help="annotated file(s)")
    add_data_format(parser, "format of the data files (default: guessed from the file)")
    parser.add_argument("--threads", type=int, help="ONNX Runtime threads (default: its choice)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run_eval)


def run_eval(args: argparse.Namespace) -> int:
    from nerdesk.commands.train import read_documents
    from nerdesk.workflows.default_models import resolve_model
    from nerdesk.workflows.evaluation import evaluate_bundle

    if args.threads is not None and args.threads < 1:
        raise NerdeskError(f"--threads must be at least 1, not {args.threads}; leave it out to let ONNX Runtime "
                           "choose", code="E544")
    documents = read_documents(args.data, args.format, args.tag_names)
    result = evaluate_bundle(resolve_model(args.model), documents, threads=args.threads)
    for warning in result.warnings:
        print(f"nerdesk: warning: {warning}", file=sys.stderr)
    print(json.dumps(result.report.as_dict(), indent=2) if args.json else result.report.table())
    return 0
