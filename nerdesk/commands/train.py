"""Subcommand: train (a GlobalPointer model from files or a project).

``--progress json`` prints one JSON object per line on stdout, for the GUI, which runs training in a
separate process: {"event": "start"}, {"event": "vocabulary"} (the start model's vocabulary grew), {"event": "data"}
(the documents were read), {"event": "step"}, {"event": "eval"}, {"event": "finishing"} (the loop ended; the model
is being written), {"event": "threshold"} (a decision threshold was chosen), {"event": "done"} or {"event": "error"} (with the message and its code, docs/errors.md).

Training from a project (``--project``) learns from its reviewed documents outside the evaluation
set and scores on the evaluation set (``nerdesk.workflows.evaluation_set``), picking it first if needed.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nerdesk.commands.arguments import add_data_format, duration, positive_number, whole_number
from nerdesk.commands.step_line import StepLine
from nerdesk.core.errors import NerdeskError, TrainingError
from nerdesk.training.augment import AUGMENT_BELOW, AUGMENT_BELOW_CHARACTERS
from nerdesk.training.model_folder import check_model_folder

if TYPE_CHECKING:
    from nerdesk.core.document import Document
    from nerdesk.core.labels import LabelSet

# (train documents, dev documents, description of the source, the project's labels or None)
TrainingDocuments = tuple[list["Document"], list["Document"], str, "LabelSet | None"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands to the nerdesk parser."""
    parser = subparsers.add_parser("train", help="train a GlobalPointer model",
                                   description="Train a GlobalPointer model on annotated files or a project.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--train", nargs="+", type=Path, metavar="FILE", help="annotated training file(s)")
    source.add_argument("--project", type=Path, help="a .nerdesk project: trains on its reviewed documents")
    parser.add_argument("--dev", nargs="+", type=Path, metavar="FILE",
                        help="dev file(s) to keep the best weights on (default with --train: none)")
    add_data_format(parser, "format of --train/--dev files (default: guessed from the file)")
    parser.add_argument("--out", type=Path, required=True, help="output model directory: new, empty or a model's")
    parser.add_argument("--init", default="default",
                        help="where training starts: 'default' (the encoder of the embedded default model for the "
                             "texts' script, or scratch when there is none), 'scratch', a nerdesk model directory "
                             "or an embedded model's name (nerdesk models; its head is kept when its labels cover "
                             "yours), or a local Hugging Face model directory")
    parser.add_argument("--head", choices=("gp", "egp"), help="head type (default: the start model's, else gp)")
    _add_schedule_options(parser)
    parser.add_argument("--max-length", type=whole_number(8), default=256, help="tokens per window")
    parser.add_argument("--batch-size", type=whole_number(1), help="windows per step (default: 8 below 200 documents, else 16)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=whole_number(1), help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="where training steps run: a CUDA GPU when torch sees one (auto, the default, with "
                             "bfloat16 mixed precision where supported), or cpu; export stays on the CPU")
    parser.add_argument("--progress", choices=("bar", "json"), default="bar")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="this process (default) or Ray Train, data-parallel (pip install 'nerdesk[ray]')")
    parser.add_argument("--workers", type=whole_number(1), help="--engine ray: training workers (default 2)")
    parser.add_argument("--ray-address", metavar="ADDR",
                        help="--engine ray: join this Ray cluster (default: start a local Ray for the command)")
    parser.add_argument("--max-retries", type=whole_number(0), metavar="N",
                        help="--engine ray: when a worker fails or is lost, start the run again at most N times "
                             "(default 2)")
    parser.add_argument("--no-bundle", action="store_true",
                        help="write only the checkpoint (for further training), not the ONNX bundle")
    parser.add_argument("--no-augment", action="store_true",
                        help="train on the documents only: without it, a head that is new or learns at the full rate "
                             f"from fewer than {AUGMENT_BELOW:,} training documents (and {AUGMENT_BELOW_CHARACTERS:,} "
                             "characters) also learns from three copies "
                             "of them with other mentions of the same labels")
    parser.add_argument("--keep-failed", action="store_true",
                        help="write the model even when it finds none of the dev entities")
    scratch = parser.add_argument_group("model trained from scratch (--init scratch)")
    scratch.add_argument("--tokenizer", choices=("auto", "char", "word"), default="auto",
                         help="char: one token per character (CJK); word: words and punctuation; auto: by script")
    scratch.add_argument("--embedding-dim", type=whole_number(1), default=200)
    scratch.add_argument("--hidden-size", type=whole_number(1), default=256, help="LSTM units per direction")
    scratch.add_argument("--layers", type=whole_number(1), default=2)
    parser.set_defaults(handler=run_train)


def _add_schedule_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("schedule (defaults depend on the start; see docs/benchmarks.md)")
    group.add_argument("--epochs", type=whole_number(1), help="passes over the training data")
    group.add_argument("--min-steps", type=whole_number(0), help="train at least this many optimizer steps")
    group.add_argument("--time-budget", type=duration, help="stop after this long: seconds, or e.g. 90s, 15m, 1h")
    group.add_argument("--lr", type=positive_number, help="learning rate of the encoder")
    group.add_argument("--head-lr", type=positive_number, help="learning rate of the head")
    group.add_argument("--head-warmup-steps", type=whole_number(0), help="first steps in which only the head learns")
    group.add_argument("--patience", type=whole_number(1), help="dev evaluations without improvement before stopping")


class Progress:
    """Reports training events as a text bar on stderr or as JSON lines on stdout."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.line = StepLine()

    def emit(self, event: str, **fields: Any) -> None:
        if self.mode == "json":
            print(json.dumps({"event": event, **fields}, ensure_ascii=False), flush=True)
        elif event == "step":
            self.line.show(bar(fields["step"], fields["total"], fields["loss"]), fields["step"], fields["total"])
        elif event == "eval":
            self.line.message(f"evaluation {fields['epoch']}: dev F1 {fields['f1']:.4f} "
                              f"(P {fields['precision']:.4f} R {fields['recall']:.4f})")
        elif event in ("start", "data", "vocabulary", "threshold", "finishing", "done"):
            self.line.message(fields.get("message", ""))


def bar(step: int, total: int, loss: float, width: int = 30) -> str:
    filled = min(width, width * step // max(total, 1))
    return f"[{'#' * filled}{'.' * (width - filled)}] step {step}/{total} loss {loss:.4f}"


def run_train(args: argparse.Namespace) -> int:
    progress = Progress(args.progress)
    skip_collection_at_exit()
    try:
        return _train(args, progress)
    except NerdeskError as error:
        if args.progress == "json":
            progress.emit("error", message=str(error), code=error.code)
        raise


@cache  # once per process
def skip_collection_at_exit() -> None:
    """Let the process end without garbage-collection passes over everything torch and onnx imported: they took
    1.3-1.8 s between the ``done`` line and the end of the training process, which the Retrain button waits for.
    Their memory goes back to the system with the process all the same."""
    atexit.register(gc.freeze)


def _train(args: argparse.Namespace, progress: Progress) -> int:
    check_model_folder(args.out, outcome="nothing was trained")  # a bad --out is told before any training
    if args.workers is not None and args.engine != "ray":
        raise TrainingError("--workers needs --engine ray (local training runs in this one process; set its "
                            "threads with --threads)", code="E406")
    if args.max_retries is not None and args.engine != "ray":
        raise TrainingError("--max-retries needs --engine ray (local training runs once in this process)",
                            code="E406")
    train_docs, dev_docs, source, label_set = _training_documents(args)
    init = _start_point(args.init, train_docs)
    if init == "scratch" and args.init == "default":
        progress.emit("data", message="no embedded model for the texts' script: training starts from scratch")

    import torch

    from nerdesk.training.run import TrainRequest, run_training
    from nerdesk.training.start import ScratchSettings

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    scratch = ScratchSettings(tokenizer=args.tokenizer, embedding_dim=args.embedding_dim,
                              hidden_size=args.hidden_size, num_layers=args.layers)
    overrides = {"epochs": args.epochs, "min_steps": args.min_steps, "time_budget_seconds": args.time_budget,
                 "learning_rate": args.lr, "head_learning_rate": args.head_lr,
                 "head_warmup_steps": args.head_warmup_steps, "patience": args.patience,
                 "device": args.device}
    request = TrainRequest(train_docs, dev_docs, source, args.out, init, label_set=label_set, head=args.head,
                           max_length=args.max_length, batch_size=args.batch_size, seed=args.seed, scratch=scratch,
                           overrides=overrides, export=not args.no_bundle, keep_failed=args.keep_failed,
                           augment=not args.no_augment, renamed=_renamed_labels(args.project))
    if args.engine == "ray":
        from nerdesk.training.ray_train import RayTrainOptions, run_ray_training

        ray_options = RayTrainOptions(workers=args.workers or 2, threads=args.threads, address=args.ray_address)
        if args.max_retries is not None:
            ray_options.max_retries = args.max_retries
        progress.emit("done", **run_ray_training(request, progress.emit, ray_options))
        return 0
    progress.emit("done", **run_training(request, progress.emit))
    return 0


def _start_point(value: str, documents: Sequence[Document]) -> str:
    """The ``--init`` value for training: the default start resolved, an embedded model's name turned into its
    directory, anything else (scratch, a directory) as given."""
    from nerdesk.workflows.default_models import directory_or_embedded

    if value == "default":
        return _default_start(documents)
    return value if value == "scratch" else str(directory_or_embedded(value))


def _default_start(documents: Sequence[Document]) -> str:
    """The embedded default model for the documents' script, or scratch when none is installed for it."""
    from nerdesk.workflows.default_models import default_model_for

    model = default_model_for(doc.text for doc in documents)
    return str(model) if model is not None else "scratch"


def _training_documents(args: argparse.Namespace) -> TrainingDocuments:
    """(train documents, dev documents, description of the source, the project's labels or None)."""
    if args.project:
        return _project_documents(args.project)
    train_docs = read_documents(args.train, args.format, args.tag_names)
    dev_docs = read_documents(args.dev, args.format, args.tag_names) if args.dev else []
    return train_docs, dev_docs, ", ".join(str(path) for path in args.train), None


def read_documents(paths: list[Path], format_name: str | None, tag_names: str | None = None) -> list[Document]:
    from nerdesk.formats import read_files

    options = {"tag_names": tag_names} if tag_names else {}
    return read_files([str(path) for path in paths], format_name, **options).documents


def _renamed_labels(project_path: Path | None) -> dict[str, str]:
    """The project's renamed labels (old name -> name now): a start model that knows a label by its old name
    keeps its head for it."""
    if project_path is None:
        return {}
    from nerdesk.storage import Project

    with Project.open(project_path) as project:
        return project.renamed_labels()


def _project_documents(path: Path) -> TrainingDocuments:
    from nerdesk.storage import Project
    from nerdesk.workflows.evaluation_set import evaluation_and_training

    with Project.open(path) as project:
        evaluation, train = evaluation_and_training(project)
        label_set = project.label_set()
    evaluation.require_training_documents(path)
    return train, evaluation.documents, str(path), label_set
