"""Train and export the embedded default models from the public corpora in ../shared/datasets.

    python models/build_default_models.py --corpus cmeee     # -> models/zh-medical-cmeee/
    python models/build_default_models.py --corpus cluener   # -> models/zh-general-cluener/
    python models/build_default_models.py --corpus cluener --reexport   # same weights, current export code
    python models/build_default_models.py --corpus cluener --char-vectors runs/zh-char-vectors \
        --out runs/zh-general-vectors   # embeddings from models/prepare_char_vectors.py (a candidate)
    python models/build_default_models.py --corpus cluener --init models/zh-general-cluener \
        --lexicon runs/zh-lexicon.json --epochs 5 --learning-rate 4e-4 --batch-size 16 --keep-last \
        --out runs/zh-general-lexicon
        # the model continued with dictionary-word flags (models/prepare_lexicon.py)

Each model is a 2-layer character BiLSTM with a GlobalPointer head, trained from scratch within a
time budget with early stopping on the corpus's dev split, then exported with ``export_bundle``
(parity-checked ONNX, int8 copy when it keeps the spans). The LSTM is narrower than the
``nerdesk train`` default (160 units per direction, 160-dimensional embeddings) so that a bundle,
which carries the fp32 ONNX model, the int8 copy and the safetensors checkpoint, stays under 25 MB.
A model card (``MODEL_CARD.md``) is written beside the bundle from the measured dev scores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
DATASETS = MODELS_DIR.parent / ".." / "shared" / "datasets"
MAX_BUNDLE_BYTES = 25 * 1024 * 1024
# A lexicon-aware bundle also carries its word list in config.json (jieba's 336,927 words: 3.3 MB).
MAX_LEXICON_BUNDLE_BYTES = 30 * 1024 * 1024
# With --char-vectors, every character of the table counts this many more times in the training texts, so
# all of them join the vocabulary (the tokenizer keeps characters seen at least twice).
TABLE_CHARACTER_COUNT = 3


@dataclass(frozen=True)
class Corpus:
    bundle_name: str
    reader_format: str
    train_file: str
    dev_file: str
    description: str


CORPORA = {
    "cmeee": Corpus("zh-medical-cmeee", "cmeee", "cmeee_v2/train.json", "cmeee_v2/dev.json",
                    "CMeEE-V2 (CBLUE), Chinese medical text, nested entities; the 5,000 labelled official dev "
                    "sentences split in order into 4,000 train / 1,000 dev (see ../shared/datasets/README.md)"),
    "cluener": Corpus("zh-general-cluener", "cluener", "cluener/train.json", "cluener/dev.json",
                      "CLUENER2020, Chinese news and web text, 10 types; official train (10,748) / dev (1,343)"),
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), required=True)
    parser.add_argument("--minutes", type=float, default=15.0, help="training time budget")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--hidden", type=int, default=160, help="LSTM units per direction")
    parser.add_argument("--embedding", type=int, default=160)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, help="bundle directory (default: models/<name>)")
    parser.add_argument("--char-vectors", type=Path, help="a character-vector table (models/prepare_char_vectors.py) "
                        "whose characters join the vocabulary and whose vectors initialise their embeddings")
    parser.add_argument("--lexicon", type=Path, help="a word list (models/prepare_lexicon.py) whose word flags "
                        "each character token also reads (nerdesk.runtime.lexicon)")
    parser.add_argument("--init", type=Path, help="continue this bundle's checkpoint instead of starting from scratch")
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--keep-last", action="store_true",
                        help="keep the last weights, not those of the best dev F1 (the word flags are learnt for "
                        "transfer to other domains, which the corpus's own dev F1 does not measure)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--reexport", action="store_true",
                        help="export the bundle's own checkpoint again (no training), keeping its metrics")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


def read_corpus_file(relative: str, format_name: str) -> list:
    from nerdesk.formats import read_file

    loaded = read_file(DATASETS / relative, format_name)
    return list(getattr(loaded, "documents", loaded))


def train(corpus: Corpus, args: argparse.Namespace):
    import torch

    from nerdesk.runtime.lexicon import LexiconTable
    from nerdesk.training.model import load_checkpoint
    from nerdesk.training.start import ScratchSettings, start_model
    from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks
    from nerdesk.training.word_vectors import WordVectors, initialise_embeddings

    torch.set_num_threads(args.threads)
    train_docs = read_corpus_file(corpus.train_file, corpus.reader_format)
    dev_docs = read_corpus_file(corpus.dev_file, corpus.reader_format)
    labels = sorted({span.label for doc in train_docs for span in doc.spans})
    scratch = ScratchSettings(tokenizer="char", embedding_dim=args.embedding, hidden_size=args.hidden)
    texts = [doc.text for doc in train_docs]
    table = WordVectors.load(args.char_vectors) if args.char_vectors else None
    if table is not None:
        texts += ["".join(table.words)] * TABLE_CHARACTER_COUNT
    if args.init:
        model, tokenizer = load_checkpoint(args.init)
        if sorted(model.config.labels) != labels:
            raise SystemExit(f"{args.init} has labels {model.config.labels}, not the corpus's {labels}")
    else:
        model, tokenizer = start_model("scratch", labels, texts, scratch=scratch)
    if table is not None:
        initialised = initialise_embeddings(model.encoder.embedding, tokenizer, table)
        print(f"character vectors: {initialised} of {tokenizer.get_vocab_size()} vocabulary rows", flush=True)
    if args.lexicon:
        lexicon = json.loads(args.lexicon.read_text("utf-8"))
        model.add_lexicon(LexiconTable.of(lexicon["words"], int(lexicon["max_word_length"])))
        print(f"lexicon: {len(lexicon['words'])} words", flush=True)
    config = TrainConfig(epochs=args.epochs, time_budget_seconds=args.minutes * 60, seed=args.seed,
                         learning_rate=args.learning_rate, batch_size=args.batch_size,
                         # --keep-last: every evaluation counts as better than the one before it
                         patience=10**6 if args.keep_last else 5, min_delta=-1.0 if args.keep_last else 0.0)
    started = time.monotonic()
    callbacks = TrainingCallbacks(on_eval=lambda epoch, report: print(
        f"epoch {epoch}: dev F1 {report.micro.f1:.4f} (P {report.micro.precision:.4f} "
        f"R {report.micro.recall:.4f}) {time.monotonic() - started:.0f} s", flush=True))
    result = Trainer(model, tokenizer, config, callbacks).fit(train_docs, dev_docs)
    return result, tokenizer, train_docs, dev_docs


def model_card(corpus: Corpus, args: argparse.Namespace, bundle, result, train_count: int,
               parameters: int) -> str:
    metrics = bundle.manifest["metrics"]
    rows = [f"| {name} | {100 * c['precision']:.1f} | {100 * c['recall']:.1f} | {100 * c['f1']:.1f} | "
            f"{c['support']} |" for name, c in metrics["per_label"].items()]
    micro = metrics["micro"]
    encoder = result.model.config.encoder
    size = sum(entry["bytes"] for entry in bundle.manifest["files"].values())
    command = " ".join(["python models/build_default_models.py", *args.argv])
    return "\n".join([
        f"# {corpus.bundle_name}", "",
        "An embedded default model of nerdesk: predictions on a fresh project, and the encoder that training "
        "starts from by default for texts in this script.", "",
        f"- **Data**: {corpus.description}. Trained on {train_count} sentences; scores below are on the dev "
        + ("split, at the last evaluation (--keep-last)." if args.keep_last else
           "split, which also chose the best epoch (early stopping), so they are slightly optimistic."),
        f"- **Model**: character tokenizer ({bundle.manifest['trained_on'].get('vocabulary')} entries), 2-layer "
        f"BiLSTM ({encoder['hidden_size']} units per direction, {encoder['embedding_dim']}-dim embeddings), "
        "GlobalPointer head "
        f"(d=64); {parameters / 1e6:.2f}M parameters, "
        + (f"continued from the checkpoint of {args.init}" if args.init else "trained from scratch")
        + (f"; the embeddings of the characters of {args.char_vectors} start from its vectors "
           "(models/prepare_char_vectors.py)." if args.char_vectors else "")
        + (f"; each character also reads which words of {args.lexicon} (models/prepare_lexicon.py) it begins, "
           "ends or lies inside of (nerdesk.runtime.lexicon)." if args.lexicon else "")
        + ("" if args.char_vectors or args.lexicon or args.init else " (no pretrained weights)."),
        f"- **Command**: `{command}` (from the repository root; the corpora in `../shared/datasets`).",
        f"- **Training**: {result.epochs_run} epochs in {result.seconds / 60:.1f} minutes on a shared 2-core CPU "
        f"(best evaluation {result.best_epoch}, stopped: {result.stop_reason}).",
        f"- **Bundle size**: {size / 1e6:.1f} MB (fp32 ONNX, int8 ONNX, safetensors checkpoint, tokenizer); "
        f"default variant: {bundle.default_variant} ({bundle.manifest.get('default_variant_reason', '')}).",
        f"- **Date**: {datetime.now(timezone.utc).date().isoformat()}.", "",
        f"## Dev scores (micro F1 {100 * micro['f1']:.2f}, P {100 * micro['precision']:.2f}, "
        f"R {100 * micro['recall']:.2f}; nested spans F1 {100 * metrics['nested']['f1']:.2f})", "",
        "| label | P | R | F1 | support |", "|---|---|---|---|---|", *rows, "",
        "## Limits", "",
        "A small model trained from scratch in minutes: well below pretrained-transformer figures (see "
        "../shared/datasets/README.md). Recall is its weak side. Use it as a starting point and retrain on "
        "your own reviewed documents.", "",
    ])


def reexport(corpus: Corpus, out: Path) -> None:
    """Export ``out``'s checkpoint again with the current export code; metrics and training facts stay."""
    import re

    from nerdesk.runtime.bundle import MANIFEST, Bundle
    from nerdesk.training.export import export_bundle
    from nerdesk.training.model import load_checkpoint

    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    card = (out / "MODEL_CARD.md").read_text("utf-8")  # export replaces the directory
    model, tokenizer = load_checkpoint(out)
    dev_docs = read_corpus_file(corpus.dev_file, corpus.reader_format)
    export_bundle(model, tokenizer, out, labels=list(model.config.labels), metrics=manifest["metrics"],
                  trained_on=manifest["trained_on"], dev_documents=dev_docs, name=corpus.bundle_name)
    bundle = Bundle.load(out)
    size = sum(entry["bytes"] for entry in bundle.manifest["files"].values())
    (out / "MODEL_CARD.md").write_text(re.sub(r"- \*\*Bundle size\*\*:.*", lambda _: (
        f"- **Bundle size**: {size / 1e6:.1f} MB (fp32 ONNX, int8 ONNX, safetensors checkpoint, tokenizer); "
        f"default variant: {bundle.default_variant} ({bundle.manifest['default_variant_reason']})."),
        card), encoding="utf-8")
    print(f"{out}: default variant {bundle.default_variant} ({bundle.manifest['default_variant_reason']}), "
          f"{size / 1e6:.1f} MB")


def main(argv=None) -> None:
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.training.export import export_bundle
    from nerdesk.training.word_vectors import WordVectors

    args = parse_args(argv)
    corpus = CORPORA[args.corpus]
    out = args.out or MODELS_DIR / corpus.bundle_name
    if args.reexport:
        return reexport(corpus, out)
    result, tokenizer, train_docs, dev_docs = train(corpus, args)
    metrics = result.best_report.as_dict() if result.best_report else {}
    parameters = sum(p.numel() for p in result.model.parameters())
    trained_on = {"corpus": corpus.description, "train_documents": len(train_docs),
                  "dev_documents": len(dev_docs), "epochs": result.epochs_run, "best_epoch": result.best_epoch,
                  "seconds": round(result.seconds, 1), "vocabulary": tokenizer.get_vocab_size(),
                  "parameters": parameters, "init": str(args.init) if args.init else "scratch"}
    if args.char_vectors:
        trained_on["char_vectors"] = WordVectors.load(args.char_vectors).source
    if args.lexicon:
        trained_on["lexicon"] = json.loads(args.lexicon.read_text("utf-8"))["source"]
    export_bundle(result.model, tokenizer, out, labels=list(result.model.config.labels), metrics=metrics,
                  trained_on=trained_on, dev_documents=dev_docs, name=corpus.bundle_name)
    bundle = Bundle.load(out)
    size = sum(entry["bytes"] for entry in bundle.manifest["files"].values())
    limit = MAX_LEXICON_BUNDLE_BYTES if args.lexicon else MAX_BUNDLE_BYTES
    if size > limit:
        raise SystemExit(f"{out}: {size / 1e6:.1f} MB is over the {limit // 2**20} MiB limit for embedded models; "
                         f"use a smaller --hidden or --embedding")
    (out / "MODEL_CARD.md").write_text(model_card(corpus, args, bundle, result, len(train_docs), parameters),
                                       encoding="utf-8")
    print(f"{out}: dev F1 {100 * metrics.get('micro', {}).get('f1', 0):.2f}, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
