"""Subcommands: train (a GlobalPointer model from files or a project) and eval (score a model on a file).

``--progress json`` prints one JSON object per line on stdout, for the GUI, which runs training in a
separate process: {"event": "start"}, {"event": "data"}, {"event": "step"}, {"event": "eval"},
{"event": "done"} or {"event": "error"}.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from nerdesk.core.errors import NerdeskError, TrainingError

DEV_SPLITS = ("dev", "validation", "valid", "val")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the nerdesk parser."""
    _register_train(subparsers)
    _register_eval(subparsers)


def _register_train(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a GlobalPointer model",
                                   description="Train a GlobalPointer model on annotated files or a project.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--train", nargs="+", type=Path, metavar="FILE", help="annotated training file(s)")
    source.add_argument("--project", type=Path, help="a .nerdesk project: trains on its reviewed documents")
    parser.add_argument("--dev", nargs="+", type=Path, metavar="FILE",
                        help="dev file(s) for early stopping (default with --train: none)")
    parser.add_argument("--format", help="format of --train/--dev files (default: guessed from the file)")
    parser.add_argument("--out", type=Path, required=True, help="output model directory")
    parser.add_argument("--init", default="default",
                        help="where training starts: 'default' (the encoder of the embedded default model for the "
                             "texts' script, or scratch when there is none), 'scratch', a nerdesk model directory, "
                             "or a local Hugging Face model directory")
    parser.add_argument("--head", choices=("gp", "egp"), default="gp")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--time-budget", type=_duration, help="stop after this long: seconds, or e.g. 90s, 15m, 1h")
    parser.add_argument("--max-length", type=int, default=256, help="tokens per window")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, help="learning rate (default 2e-3; 3e-5 for Hugging Face encoders)")
    parser.add_argument("--patience", type=int, default=4, help="epochs without dev improvement before stopping")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--progress", choices=("bar", "json"), default="bar")
    parser.add_argument("--no-bundle", action="store_true",
                        help="write only the checkpoint (for further training), not the ONNX bundle")
    scratch = parser.add_argument_group("model trained from scratch (--init scratch)")
    scratch.add_argument("--tokenizer", choices=("auto", "char", "word"), default="auto",
                         help="char: one token per character (CJK); word: words and punctuation; auto: by script")
    scratch.add_argument("--embedding-dim", type=int, default=200)
    scratch.add_argument("--hidden-size", type=int, default=256, help="LSTM units per direction")
    scratch.add_argument("--layers", type=int, default=2)
    parser.set_defaults(handler=run_train)


def _register_eval(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="score a trained model on annotated data",
                                   description="Print per-label precision, recall and F1 of a model on a file.")
    parser.add_argument("--model", type=Path, required=True, help="model directory written by 'nerdesk train'")
    parser.add_argument("data", nargs="+", type=Path, help="annotated file(s)")
    parser.add_argument("--format", help="format of the data files (default: guessed from the file)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run_eval)


def _duration(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration; write e.g. 600, 90s, 15m or 1h") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the time budget must be positive")
    return seconds


class Progress:
    """Reports training events as a text bar on stderr or as JSON lines on stdout."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def emit(self, event: str, **fields) -> None:
        if self.mode == "json":
            print(json.dumps({"event": event, **fields}, ensure_ascii=False), flush=True)
        elif event == "step":
            self._bar(fields["step"], fields["total"], fields["loss"])
        elif event == "eval":
            print(f"\repoch {fields['epoch']}: dev F1 {fields['f1']:.4f} (P {fields['precision']:.4f} "
                  f"R {fields['recall']:.4f})", file=sys.stderr, flush=True)
        elif event in ("start", "data", "done"):
            print(fields.get("message", ""), file=sys.stderr, flush=True)

    @staticmethod
    def _bar(step: int, total: int, loss: float, width: int = 30) -> None:
        filled = min(width, width * step // max(total, 1))
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] step {step}/{total} loss {loss:.4f}",
              end="", file=sys.stderr, flush=True)


def run_train(args: argparse.Namespace) -> int:
    progress = Progress(args.progress)
    try:
        return _train(args, progress)
    except NerdeskError as error:
        if args.progress == "json":
            progress.emit("error", message=str(error))
        raise


def _default_start(documents) -> str:
    """The embedded default model for the documents' script, or scratch when none is installed for it."""
    from nerdesk.workflows.default_models import default_model_for

    model = default_model_for(doc.text for doc in documents)
    return str(model) if model is not None else "scratch"


def _train(args: argparse.Namespace, progress: Progress) -> int:
    train_docs, dev_docs, source, label_set = _training_documents(args)
    labels = sorted({span.label for doc in train_docs for span in doc.gold})
    if not labels:
        raise TrainingError(f"{source}: no gold spans in {len(train_docs)} documents; nothing to learn")
    if args.init == "default":
        args.init = _default_start(train_docs)
    progress.emit("start", message=f"training on {len(train_docs)} documents ({len(dev_docs)} dev) "
                  f"from {source}; labels: {', '.join(labels)}", labels=labels, train_documents=len(train_docs),
                  dev_documents=len(dev_docs), init=args.init, head=args.head)

    import torch

    from nerdesk.training.model import save_checkpoint
    from nerdesk.training.start import ScratchSettings, encoder_kind, start_model
    from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks

    if args.threads:
        torch.set_num_threads(args.threads)
    scratch = ScratchSettings(tokenizer=args.tokenizer, embedding_dim=args.embedding_dim,
                              hidden_size=args.hidden_size, num_layers=args.layers)
    model, tokenizer = start_model(args.init, labels, [doc.text for doc in train_docs], head=args.head,
                                   max_length=args.max_length, scratch=scratch)
    if label_set is not None:
        model.config.flat = label_set.flat
    is_pretrained = encoder_kind(model) == "hf"
    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size,
                         learning_rate=args.lr or (3e-5 if is_pretrained else 2e-3),
                         head_learning_rate=1e-3 if is_pretrained and not args.lr else None,
                         patience=args.patience, time_budget=args.time_budget, seed=args.seed)
    callbacks = TrainingCallbacks(
        on_data=lambda train, dev: progress.emit(
            "data", message=train.describe(), train=train.as_dict(), dev=dev.as_dict() if dev else None),
        on_step=lambda step, total, loss: progress.emit("step", step=step, total=total, loss=round(loss, 5)),
        on_eval=lambda epoch, report: progress.emit("eval", epoch=epoch, f1=report.micro.f1,
                                                    precision=report.micro.precision, recall=report.micro.recall),
    )
    result = Trainer(model, tokenizer, config, callbacks).fit(train_docs, dev_docs)
    metrics = result.best_report.as_dict() if result.best_report else {}
    save_checkpoint(result.model, tokenizer, args.out)
    trained_on = {"source": source, "documents": len(train_docs), "dev_documents": len(dev_docs),
                  "init": args.init, "head": args.head, "epochs": result.epochs_run,
                  "best_epoch": result.best_epoch, "stop_reason": result.stop_reason,
                  "seconds": round(result.seconds, 1)}
    bundle_labels = _labels_in_model_order(label_set, result.model.config.labels)
    bundle_note = ("checkpoint only (--no-bundle)" if args.no_bundle else
                   _export_bundle(result.model, tokenizer, args.out, bundle_labels, metrics, trained_on, dev_docs))
    progress.emit("done", out=str(args.out), metrics=metrics, bundle=bundle_note is None,
                  message=f"\nmodel written to {args.out}" + (f" ({bundle_note})" if bundle_note else ""))
    return 0


def _labels_in_model_order(label_set, names: list[str]):
    """The project's labels (with their colours) in the model's order, or just the names."""
    if label_set is None:
        return list(names)
    from nerdesk.core.labels import LabelSet

    ordered = LabelSet(flat=label_set.flat)
    for name in names:
        known = label_set.get(name) if name in label_set else None
        ordered.add(name, known.color if known else None, None)
    return ordered


def _export_bundle(model, tokenizer, out: Path, labels, metrics: dict, trained_on: dict,
                   dev_docs) -> str | None:
    """Write the ONNX bundle next to the checkpoint; returns why not when the exporter is unavailable."""
    try:
        from nerdesk.training.export import export_bundle
    except ImportError:
        return ("no ONNX bundle: nerdesk.training.export is not installed; the checkpoint can be "
                "exported later or used to continue training")
    export_bundle(model, tokenizer, out, labels=labels, metrics=metrics,
                  trained_on=trained_on, dev_documents=list(dev_docs))
    return None


def _training_documents(args: argparse.Namespace):
    """(train documents, dev documents, description of the source, the project's labels or None)."""
    if args.project:
        return _project_documents(args.project, args.seed)
    train_docs = _read(args.train, args.format)
    dev_docs = _read(args.dev, args.format) if args.dev else []
    return train_docs, dev_docs, ", ".join(str(path) for path in args.train), None


def _read(paths: list[Path], format_name: str | None) -> list:
    from nerdesk.formats import read_files

    loaded = read_files([str(path) for path in paths], format_name)
    return list(getattr(loaded, "documents", loaded))


def _project_documents(path: Path, seed: int):
    from nerdesk.storage import Project

    with Project.open(path) as project:
        documents = list(project.all_documents(status="reviewed"))
        label_set = project.label_set()
    if len(documents) < 2:
        raise TrainingError(f"{path}: {len(documents)} reviewed document(s); review at least 2 before training")
    train, dev = split_documents(documents, seed)
    return train, dev, str(path), label_set


def split_documents(documents: list, seed: int, dev_share: float = 0.1) -> tuple[list, list]:
    """Use the documents' own dev split when some have one, else a seeded 90/10 split."""
    marked = [doc for doc in documents if (doc.split or "").lower() in DEV_SPLITS]
    if marked:
        return [doc for doc in documents if doc not in marked and (doc.split or "") != "test"], marked
    order = list(documents)
    random.Random(seed).shuffle(order)
    dev_size = max(1, round(len(order) * dev_share))
    return order[dev_size:], order[:dev_size]


def run_eval(args: argparse.Namespace) -> int:
    from nerdesk.training.model import load_checkpoint
    from nerdesk.training.trainer import TrainConfig, Trainer

    model, tokenizer = load_checkpoint(args.model)
    documents = _read(args.data, args.format)
    report = Trainer(model, tokenizer, TrainConfig()).evaluate(documents)
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.table())
    return 0
