"""Train a GlobalPointer model from scratch on a public corpus and report F1 and training time.

    python -m benchmarks.train_corpora --corpus resume --minutes 10 --out runs/resume-gp
    python -m benchmarks.train_corpora --corpus conll2003 --encoder bilstm_chars --minutes 40 \
        --out runs/conll-chars --bundle models/en-general-conll-bilstm

Corpora are read from ../shared/datasets (see its README). Training uses early stopping on the dev
split; the score reported for each corpus is the one its benchmark target names (CLUENER and
CMeEE-V2 have no labelled test set here, so their dev score is reported and is optimistic).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks.datasets import DATASETS
from nerdesk.core.document import Document


def read_corpus(relative: str, format_name: str) -> list[Document]:
    from nerdesk.formats import read_file

    return list(read_file(DATASETS / relative, format_name).documents)


CORPORA = {
    # name: (nerdesk format, train file, dev file, scored file, tokenizer kind)
    "cluener": ("cluener", "cluener/train.json", "cluener/dev.json", "cluener/dev.json", "char"),
    "resume": ("conll", "resume_ner/train.char.bmes", "resume_ner/dev.char.bmes", "resume_ner/test.char.bmes",
               "char"),
    "genia": ("genia", "genia/train.jsonl", "genia/dev.jsonl", "genia/test.jsonl", "word"),
    "cmeee": ("cmeee", "cmeee_v2/train.json", "cmeee_v2/dev.json", "cmeee_v2/dev.json", "char"),
    "conll2003": ("conll", "conll2003/train.conll", "conll2003/dev.conll", "conll2003/test.conll", "word"),
}
FLAT_CORPORA = {"conll2003"}  # decoded without overlaps (the others keep the settings their figures were made with)


def load_splits(corpus: str, limit: int | None = None):
    """(train, dev, scored documents, name of the scored split) of a corpus."""
    format_name, train_file, dev_file, scored_file, _ = CORPORA[corpus]
    train, dev = read_corpus(train_file, format_name), read_corpus(dev_file, format_name)
    scored = dev if scored_file == dev_file else read_corpus(scored_file, format_name)
    return train[:limit] if limit else train, dev, scored, "dev" if scored_file == dev_file else "test"


def fit_and_score(trainer, train: list[Document], dev: list[Document], scored: list[Document], split: str,
                  run: str):
    """Train with early stopping on ``dev``, score ``scored`` and print the per-label table and one
    ``RESULT`` line (``run`` names the run in it); returns (training result, scores)."""
    result = trainer.fit(train, dev)
    print(result.train_summary.describe())
    scoring_started = time.monotonic()
    final = trainer.evaluate(scored)
    scoring_seconds = time.monotonic() - scoring_started
    print(final.table())
    print(f"RESULT {run} {split} F1={final.micro.f1 * 100:.2f} (P {final.micro.precision * 100:.2f} "
          f"R {final.micro.recall * 100:.2f}) best epoch {result.best_epoch}/{result.epochs_run} ({result.steps} "
          f"steps), training {result.seconds / 60:.1f} min, stopped by {result.stop_reason}; scoring "
          f"{len(scored)} documents {scoring_seconds:.0f} s", flush=True)
    return result, final


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), required=True)
    parser.add_argument("--head", choices=("gp", "egp"), default="gp")
    parser.add_argument("--encoder", choices=("bilstm", "bilstm_chars"), default="bilstm",
                        help="bilstm_chars adds a character CNN to each word's embedding")
    parser.add_argument("--chars-per-token", type=int, default=16)
    parser.add_argument("--char-dim", type=int, default=30)
    parser.add_argument("--char-filters", type=int, default=50)
    parser.add_argument("--word-dropout", type=float, default=0.05, help="bilstm_chars: share of words "
                        "replaced by [UNK] in training")
    parser.add_argument("--word-vectors", type=Path, help="bilstm_chars: a word-vector table "
                        "(models/prepare_word_vectors.py) that initialises the word embeddings; the words are "
                        "then looked up lowercased and the table's words join the vocabulary")
    parser.add_argument("--freeze-word-vectors", action="store_true", help="keep the --word-vectors embeddings "
                        "fixed in training, so that the words seen in training stay where the words never "
                        "seen in training are")
    parser.add_argument("--train-on-dev", action="store_true", help="train on the training and dev splits "
                        "together (a fixed schedule: the dev scores printed are then on trained documents and "
                        "choose nothing; only the test split measures the model)")
    parser.add_argument("--lowercase", action="store_true", help="lowercase every text (to measure what case "
                        "is worth)")
    parser.add_argument("--eval-every", type=int, help="optimizer steps between dev evaluations")
    parser.add_argument("--minutes", type=float, default=15.0, help="training time budget")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--hidden", type=int, default=256, help="LSTM units per direction")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--embedding", type=int, default=200)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--init", type=Path, help="continue from a checkpoint an earlier run saved (its --out) "
                        "instead of starting from scratch: same architecture, a new schedule (a lower --lr "
                        "decaying over fewer --epochs settles a plateau); its weights are scored first")
    parser.add_argument("--out", type=Path, help="directory for the trained checkpoint")
    parser.add_argument("--bundle", type=Path, help="also export a bundle here (dev documents for its checks)")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    import torch

    from nerdesk.training.model import load_checkpoint, save_checkpoint
    from nerdesk.training.start import ScratchSettings, start_model
    from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks

    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    train, dev, scored, split = load_splits(args.corpus)
    if args.train_on_dev:
        if split != "test":
            raise SystemExit(f"--train-on-dev: {args.corpus} has no test split to measure the model on")
        train = train + dev
    if args.lowercase:
        train, dev, scored = ([lowercased(doc) for doc in docs] for docs in (train, dev, scored))
    tokenizer_kind = CORPORA[args.corpus][4]
    labels = sorted({span.label for doc in train for span in doc.spans})
    scratch = ScratchSettings(tokenizer=tokenizer_kind, embedding_dim=args.embedding, hidden_size=args.hidden,
                              num_layers=args.layers, dropout=args.dropout)
    if args.init:
        model, tokenizer = load_checkpoint(args.init)
        model.train()
    else:
        model, tokenizer = start_model("scratch", labels, [doc.text for doc in train], head=args.head,
                                       max_length=args.max_length, scratch=scratch)
        if args.word_vectors:
            model, tokenizer = vector_initialised_model(model, [doc.text for doc in train], args)
        elif args.encoder == "bilstm_chars":
            model = char_aware_model(model, tokenizer, [doc.text for doc in train], args)
    model.config.flat = args.corpus in FLAT_CORPORA
    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr,
                         patience=args.patience, time_budget_seconds=args.minutes * 60, seed=args.seed,
                         eval_every_steps=args.eval_every, evaluate_start=args.init is not None)
    best = {"f1": -1.0}

    def on_eval(epoch, report, kept_f1) -> None:
        print(f"epoch {epoch}: dev P {report.micro.precision:.4f} R {report.micro.recall:.4f} "
              f"F1 {report.micro.f1:.4f} ({time.monotonic() - started:.0f} s)", flush=True)
        if args.out and report.micro.f1 > best["f1"]:  # the best so far survives an interrupted run
            best["f1"] = report.micro.f1
            save_checkpoint(model, tokenizer, args.out)

    trainer = Trainer(model, tokenizer, config, TrainingCallbacks(on_eval=on_eval))
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{args.corpus}: {len(train)} train / {len(dev)} dev documents, {len(labels)} labels, "
          f"vocabulary {tokenizer.get_vocab_size()}, {parameters / 1e6:.2f}M parameters, head {args.head}, "
          f"{args.threads} threads", flush=True)
    started = time.monotonic()
    result, final = fit_and_score(trainer, train, dev, scored, split,
                                  f"corpus={args.corpus} head={args.head} encoder={args.encoder}")
    if args.out:
        save_run(args, result, tokenizer, final, split, encoder=args.encoder)
    if args.bundle:
        export_run_bundle(result.model, tokenizer, args, dev, result.best_report)


def lowercased(document: Document) -> Document:
    """The document with its text lowercased (same length, so the gold spans stay where they were)."""
    from dataclasses import replace

    return replace(document, text=document.text.lower())


def char_aware_model(word_model, tokenizer, texts: list[str], args):
    """A ``bilstm_chars`` model with the word vocabulary of ``word_model``'s tokenizer."""
    from dataclasses import replace

    from nerdesk.training.char_encoder import char_encoder_settings
    from nerdesk.training.model import GlobalPointerModel
    from nerdesk.training.tokenizer import UNK, padding_id

    encoder = char_encoder_settings(texts, tokenizer.get_vocab_size(), padding_id(tokenizer),
                                    tokenizer.token_to_id(UNK), chars_per_token=args.chars_per_token,
                                    embedding_dim=args.embedding, char_dim=args.char_dim,
                                    char_filters=args.char_filters, hidden_size=args.hidden,
                                    num_layers=args.layers, dropout=args.dropout, word_dropout=args.word_dropout)
    return GlobalPointerModel(replace(word_model.config, encoder=encoder))


def vector_initialised_model(word_model, texts: list[str], args):
    """A ``bilstm_chars`` model on a lowercasing tokenizer whose embeddings start from ``--word-vectors``."""
    from nerdesk.training.tokenizer import build_word_tokenizer
    from nerdesk.training.word_vectors import WordVectors, initialise_embeddings

    if args.encoder != "bilstm_chars":
        raise SystemExit("--word-vectors needs --encoder bilstm_chars")
    table = WordVectors.load(args.word_vectors)
    if table.dimension != args.embedding:
        raise SystemExit(f"--embedding {args.embedding} but {args.word_vectors} holds {table.dimension}-d vectors")
    tokenizer = build_word_tokenizer(texts, lowercase=True, extra_words=table.words)
    model = char_aware_model(word_model, tokenizer, texts, args)
    model.config.extra["word_vectors"] = table.source
    initialised = initialise_embeddings(model.encoder.embedding, tokenizer, table)
    model.encoder.embedding.weight.requires_grad_(not args.freeze_word_vectors)
    print(f"word vectors: {initialised} of {tokenizer.get_vocab_size()} vocabulary rows from {args.word_vectors}",
          flush=True)
    return model, tokenizer


def export_run_bundle(model, tokenizer, args, dev: list[Document], report) -> None:
    """The bundle ``nerdesk predict`` loads, checked against the torch model on the dev documents."""
    from nerdesk.training.export import export_bundle

    metrics = report.as_dict() if report else {}
    trained_on = {"source": f"{args.corpus} train", "start": "scratch", "encoder": args.encoder}
    path = export_bundle(model, tokenizer, args.bundle, labels=list(model.config.labels), metrics=metrics,
                         trained_on=trained_on, dev_documents=dev)
    print(f"bundle written to {path}", flush=True)


def save_run(args, result, tokenizer, final, split: str, **extra) -> None:
    """Checkpoint of the best weights plus ``benchmark.json`` (scores, per-epoch history, arguments) in --out."""
    from nerdesk.training.model import save_checkpoint

    save_checkpoint(result.model, tokenizer, args.out)
    summary = {"corpus": args.corpus, "head": args.head, **extra, f"{split}_f1": final.micro.f1,
               "metrics": final.as_dict(), "history": result.history, "minutes": result.seconds / 60,
               "args": {key: str(value) for key, value in vars(args).items()}}
    (args.out / "benchmark.json").write_text(json.dumps(summary, indent=2), "utf-8")
    print(f"checkpoint written to {args.out}")


if __name__ == "__main__":
    main()
