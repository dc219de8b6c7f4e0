"""Package the character- and word-aware BiLSTM trained on GENIA as ``models/en-bio-genia`` (nested spans).

    python -m benchmarks.train_corpora --corpus genia --encoder bilstm_chars --minutes 75 --eval-every 470 \\
        --hidden 256 --embedding 200 --dropout 0.3 --threads 1 --patience 6 --out runs/genia-chars
    python -m benchmarks.train_corpora --corpus genia --encoder bilstm_chars --init runs/genia-chars \\
        --lr 5e-4 --epochs 4 --eval-every 470 --patience 4 --minutes 25 --threads 1 --out runs/genia-chars-ft
    python models/build_genia_model.py --from-checkpoint runs/genia-chars-ft

The first command trains from scratch at 2e-3 and keeps the best dev checkpoint (it was stopped by hand after
four evaluations without a better dev F1, at 76.15 after 5 of 9); the second continues that checkpoint at a
rate decaying from 5e-4 to 0, its starting weights scored first. This script chooses the decision threshold on the dev split, exports the bundle (parity-checked ONNX, int8 only so that
it stays under 25 MB; the safetensors checkpoint stays for retraining), scores the dev and test splits through
the ONNX runtime, records them in ``bundle.json`` and writes the model card with the GENIA licence.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from build_english_bilstm import score_and_describe, training_record
from conll_english import DATASETS, MODELS_DIR, per_label_rows

NAME = "en-bio-genia"
DISPLAY_NAMES = {"DNA": "DNA", "RNA": "RNA", "protein": "Protein", "cell_line": "Cell line",
                 "cell_type": "Cell type"}
DESCRIPTION = ("GENIA term corpus 3.02 (MEDLINE abstracts on human blood cell transcription factors), "
               "DNA/RNA/protein/cell_line/cell_type, nested; document-level 8:1:1 split of CNN_Nested_NER: "
               "train 15,038 / dev 1,765 / test 1,732 sentences")
LICENCE = ("GENIA Project License for Annotated Corpora (annotations CC BY 3.0; abstracts from PubMed, "
           "copyright of their publishers)")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-checkpoint", type=Path, help="checkpoint saved by train_corpora")
    parser.add_argument("--card-only", action="store_true", help="score the bundle already at --out and write "
                        "its card again (no export)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=MODELS_DIR / NAME)
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


def read_split(name: str) -> list:
    from nerdesk.formats import read_file

    return list(read_file(DATASETS / "genia" / f"{name}.jsonl", "genia").documents)


def named_labels(names):
    """A nested LabelSet of ``names`` with display names."""
    from nerdesk.core.labels import LabelSet

    labels = LabelSet.from_names(list(names), flat=False)
    for name, shown in DISPLAY_NAMES.items():
        if name in labels:
            labels.update(name, display_name=shown)
    return labels


def export(args, dev_docs) -> None:
    from nerdesk.training.export import SPAN_LENGTH_MARGIN, export_bundle, longest_gold_span_tokens
    from nerdesk.training.logits import calibrate_threshold
    from nerdesk.training.model import load_checkpoint

    model, tokenizer = load_checkpoint(args.from_checkpoint)
    model.config.flat = False
    cap = math.ceil(SPAN_LENGTH_MARGIN * longest_gold_span_tokens(tokenizer, dev_docs))
    threshold, _ = calibrate_threshold(model, tokenizer, dev_docs, max_span_tokens=cap)
    trained_on = {"corpus": DESCRIPTION, "train_documents": 15038, "dev_documents": len(dev_docs),
                  "init": "scratch", "encoder": "bilstm_chars", "script": "latin", "licence": LICENCE,
                  "threshold": threshold, **training_record(args.from_checkpoint),
                  "parameters": sum(p.numel() for p in model.parameters())}
    export_bundle(model, tokenizer, args.out, labels=named_labels(model.config.labels), trained_on=trained_on,
                  dev_documents=dev_docs, name=NAME, metrics={}, threshold=threshold, max_span_tokens=cap,
                  keep_fp32=False)


def model_card(args, dev, test, size: int) -> str:
    import json

    from nerdesk.runtime.bundle import Bundle

    bundle = Bundle.load(args.out)
    trained = {**training_record(args.from_checkpoint), **bundle.manifest["trained_on"]}
    encoder = json.loads((args.out / "config.json").read_text("utf-8"))["encoder"]
    files = ", ".join(f"{name} {entry['bytes'] / 1e6:.2f} MB" for name, entry in bundle.manifest["files"].items())
    return "\n".join([
        f"# {NAME}", "",
        "English biomedical entities (genes and proteins, cells and cell lines), nested, for nerdesk: a character- "
        "and word-aware BiLSTM trained from scratch (no pretrained weights).", "",
        f"- **Data**: {DESCRIPTION}.",
        f"- **Licence**: {LICENCE}. The corpus licence (../shared/datasets/genia/LICENSE.txt, reproduced in "
        "`GENIA_LICENSE.txt` beside this card) asks that it travel with any redistribution; the abstracts remain "
        "their publishers' copyright.",
        "- **Labels**: DNA, RNA, protein, cell_line (Cell line), cell_type (Cell type); entities nest (a protein "
        "inside a DNA name, for example), and the bundle decodes overlapping spans.",
        f"- **Model**: word vocabulary of the training text ({encoder['vocab_size']} entries) with "
        f"{encoder['embedding_dim']}-dim embeddings, concatenated per token with a character CNN "
        f"({len(encoder['char_vocabulary'])} characters); 2-layer BiLSTM ({encoder['hidden_size']} units per "
        f"direction); GlobalPointer head (d=64); {trained['parameters'] / 1e6:.2f}M parameters; decision "
        f"threshold {trained['threshold']:g} (logit, chosen on dev).",
        "- **Training**: from scratch at 2e-3 (AdamW, batches of 32 sentences, dev F1 every 470 steps, the best "
        "checkpoint kept) until dev F1 stopped rising (best 76.15 after 5 of 9 evaluations), then continued from that checkpoint at a rate decaying "
        f"from 5e-4 to 0 ({trained.get('step')} more steps), on one thread of a shared 2-core CPU (commands at the "
        "top of `models/build_genia_model.py`).",
        f"- **Bundle**: {size / 1e6:.2f} MB: {files}. It ships the int8 ONNX model only "
        f"({bundle.manifest['default_variant_reason']}); the checkpoint is where retraining starts.", "",
        f"## Scores (ONNX runtime, int8): test micro F1 **{100 * test.micro.f1:.2f}** "
        f"(P {100 * test.micro.precision:.2f}, R {100 * test.micro.recall:.2f}); nested spans F1 "
        f"{100 * test.nested.f1:.2f}; dev {100 * dev.micro.f1:.2f}", "",
        "Exact-span micro F1 over all spans, nested ones included, on the GENIA test split; the dev split chose "
        "the checkpoint and the threshold.", "",
        "| label | dev F1 | test P | test R | test F1 | test support |", "|---|---:|---:|---:|---:|---:|",
        *per_label_rows(bundle, dev, test, DISPLAY_NAMES), "",
        "## Limits", "",
        "Trained on abstracts about one topic (transcription factors in human blood cells, 1990s MEDLINE): other "
        "biomedical subfields score lower. References (../shared/datasets/README.md): LSTM-based nested models "
        "74.7-77.1 on a sentence-level split.", "",
    ])


def main(argv=None) -> None:
    args = parse_args(argv)
    score_and_describe(args, read_split("dev"), read_split("test"), export, model_card,
                       extra_files={"GENIA_LICENSE.txt": DATASETS / "genia" / "LICENSE.txt"})


if __name__ == "__main__":
    main()
