"""Inference benchmark: torch eager fp32 vs ONNX Runtime fp32 and int8, side by side.

    python -m benchmarks.inference --model runs/cluener-bilstm          # a bundle or a checkpoint directory
    python -m benchmarks.inference --model DIR --threads 2 --json out.json

Corpora: CLUENER dev (1,343 sentences) and 1,000 long documents of about 1,000 characters, each built
by concatenating dev sentences (gold spans shifted along). For each engine: throughput (characters
per second over the whole corpus, batch 32, best of ``--rounds``), latency of one document at a
time (p50/p95; the engines take turns document by document, so a busy machine slows all alike),
micro F1 against gold, and span agreement with ORT fp32. All engines share the same windowing and
decoding (``nerdesk.runtime.predictor.SpanPredictor``); only the logits function differs, and the torch
engine runs the same rewritten module that export traces (``inference_module``). "ORT int8" is the
bundle's int8 variant (the export keeps encoder layers fp32 until its spans agree with fp32);
"ORT int8, every layer" quantises the whole model the same way, to show what the kept layers cost.

A checkpoint directory (no ``bundle.json``) is exported to a bundle first, with CLUENER dev as the
documents that decide the int8 default.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.datasets import DATASETS

CLUENER_DEV = DATASETS / "cluener" / "dev.json"
ENGINES = ("torch eager fp32", "ORT fp32", "ORT int8", "ORT int8, every layer")


@dataclass
class Corpus:
    name: str
    documents: list  # nerdesk Documents with gold spans

    @property
    def texts(self) -> list[str]:
        return [d.text for d in self.documents]

    @property
    def chars(self) -> int:
        return sum(len(d.text) for d in self.documents)


@dataclass
class Result:
    engine: str
    corpus: str
    chars_per_second: float = 0.0
    seconds: float = 0.0
    f1: float = 0.0
    agreement: float | None = None  # span agreement with ORT fp32 (Jaccard over all documents)
    spans: list | None = None
    latencies_ms: list[float] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def load_cluener_dev(path: Path):
    from nerdesk.formats import read_file

    return read_file(path, "cluener").documents


def long_documents(sentences: Sequence, count: int, target_chars: int, seed: int = 0) -> list:
    """``count`` documents of at least ``target_chars`` characters made of shuffled dev sentences."""
    from nerdesk.core.document import Document

    rng = random.Random(seed)
    documents = []
    for _ in range(count):
        text, spans = "", []
        while len(text) < target_chars:
            sentence = sentences[rng.randrange(len(sentences))]
            spans.extend(s.moved(s.start + len(text), s.end + len(text)) for s in sentence.gold)
            text += sentence.text
        documents.append(Document(text, spans))
    return documents


def prepare_bundle(model_dir: Path, dev_documents: list, workdir: Path, *, reexport: bool) -> Path:
    """``model_dir`` itself when it is a bundle, else (or with ``reexport``) a bundle exported from its
    checkpoint by the current export code."""
    from nerdesk.runtime.bundle import MANIFEST

    if (model_dir / MANIFEST).is_file() and not reexport:
        return model_dir
    from nerdesk.training.export import export_bundle
    from nerdesk.training.model import load_checkpoint

    model, tokenizer = load_checkpoint(model_dir)
    print(f"exporting {model_dir} to a bundle (parity check, int8 decision on {len(dev_documents)} dev docs)")
    return export_bundle(model, tokenizer, workdir / model_dir.name, labels=list(model.config.labels),
                         dev_documents=dev_documents, trained_on={"checkpoint": str(model_dir)})


def build_predictors(bundle_dir: Path, threads: int, engines: Sequence[str], workdir: Path) -> dict[str, object]:
    import torch

    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor, SpanPredictor
    from nerdesk.runtime.quantize import quantize_int8
    from nerdesk.runtime.session import OrtLogits, open_session
    from nerdesk.training.export import torch_logits
    from nerdesk.training.model import load_checkpoint

    torch.set_num_threads(threads)
    bundle = Bundle.load(bundle_dir)
    model, tokenizer = load_checkpoint(bundle_dir)

    def span_predictor(logits_function) -> SpanPredictor:
        return SpanPredictor(logits_function, tokenizer, bundle.labels.names, max_length=bundle.max_length,
                             stride=bundle.stride, threshold=bundle.threshold, flat=bundle.flat,
                             max_span_tokens=bundle.max_span_tokens)

    def every_layer_int8() -> SpanPredictor:
        path = workdir / "every-layer.int8.onnx"
        quantize_int8(bundle.variant_path("fp32"), path, per_channel=True)
        return span_predictor(OrtLogits(open_session(path, threads=threads)))

    makers = {"torch eager fp32": lambda: span_predictor(torch_logits(model)),
              "ORT fp32": lambda: OnnxPredictor(bundle, threads=threads, variant="fp32"),
              "ORT int8": lambda: OnnxPredictor(bundle, threads=threads, variant="int8"),
              "ORT int8, every layer": every_layer_int8}
    return {engine: makers[engine]() for engine in engines}


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def measure_throughput(predictors: dict, corpus: Corpus, rounds: int, results: dict) -> None:
    """Whole-corpus prediction, engines interleaved round by round; keeps each engine's best time."""
    from nerdesk.core.metrics import evaluate
    from nerdesk.runtime.compare import span_agreement

    gold = [d.gold for d in corpus.documents]
    for round_number in range(rounds):
        for engine, predictor in predictors.items():
            seconds, predicted = timed(lambda p=predictor: p.predict(corpus.texts, batch_size=32))
            result = results[(engine, corpus.name)]
            if round_number == 0 or seconds < result.seconds:
                result.seconds, result.chars_per_second = seconds, corpus.chars / seconds
            result.f1 = 100 * evaluate(gold, predicted).micro.f1
            result.spans = predicted
            print(f"  {corpus.name:<14} {engine:<17} round {round_number + 1}: {seconds:6.2f} s, "
                  f"{corpus.chars / seconds:10,.0f} chars/s, F1 {result.f1:.2f}", flush=True)
    reference = results.get(("ORT fp32", corpus.name))
    if reference is not None:
        for engine in predictors:
            result = results[(engine, corpus.name)]
            result.agreement = 100 * span_agreement(reference.spans, result.spans)
    for engine in predictors:
        results[(engine, corpus.name)].spans = None  # only needed for the comparison


def measure_latency(predictors: dict, corpus: Corpus, samples: int, results: dict) -> None:
    """One document per call; the engines take turns on each document."""
    for document in corpus.documents[:samples]:
        for engine, predictor in predictors.items():
            seconds, _ = timed(lambda p=predictor, t=document.text: p.predict([t]))
            results[(engine, corpus.name)].latencies_ms.append(1000 * seconds)


def warm_up(predictors: dict, corpus: Corpus) -> None:
    for predictor in predictors.values():
        predictor.predict(corpus.texts[:64])


def machine_description(threads: int) -> str:
    import onnxruntime
    import torch

    return (f"{platform.machine()}, {platform.processor() or 'cpu'}, {threads} thread(s) per engine, "
            f"Python {platform.python_version()}, torch {torch.__version__}, onnxruntime {onnxruntime.__version__}")


def markdown_table(results: dict, corpora: list[Corpus], engines: Sequence[str]) -> str:
    rows = ["| corpus | engine | chars/s | speed-up vs torch | latency p50 | latency p95 | F1 | "
            "spans agreeing with ORT fp32 |",
            "|---|---|---:|---:|---:|---:|---:|---:|"]
    for corpus in corpora:
        baseline = results.get((ENGINES[0], corpus.name))
        for engine in engines:
            r = results[(engine, corpus.name)]
            speedup = f"{r.chars_per_second / baseline.chars_per_second:.2f}x" if baseline else "-"
            rows.append(f"| {corpus.name} | {engine} | {r.chars_per_second:,.0f} | {speedup} | "
                        f"{r.percentile(0.5):.1f} ms | {r.percentile(0.95):.1f} ms | {r.f1:.2f} | "
                        + (f"{r.agreement:.2f}% |" if r.agreement is not None else "- |"))
    return "\n".join(rows)


def run(args: argparse.Namespace) -> dict:
    dev = load_cluener_dev(args.dev)
    corpora = [Corpus("CLUENER dev", dev),
               Corpus(f"{args.long_docs} x ~{args.long_chars} chars", long_documents(dev, args.long_docs,
                                                                                      args.long_chars))]
    with tempfile.TemporaryDirectory() as workdir:
        bundle_dir = prepare_bundle(args.model, dev, Path(workdir), reexport=args.reexport)
        manifest = json.loads((bundle_dir / "bundle.json").read_text("utf-8"))
        predictors = build_predictors(bundle_dir, args.threads, args.engines, Path(workdir))
        results = {(e, c.name): Result(e, c.name) for e in args.engines for c in corpora}
        warm_up(predictors, corpora[0])
        for corpus in corpora:
            measure_throughput(predictors, corpus, args.rounds, results)
            measure_latency(predictors, corpus, args.latency_samples, results)
    report = {
        "command": f"python -m benchmarks.inference --model {args.model} --threads {args.threads}"
                   + (" --reexport" if args.reexport else "")
                   + ("" if args.engines == list(ENGINES) else f" --engines '{','.join(args.engines)}'"),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_description(args.threads),
        "model": {"name": manifest["name"], "labels": len(manifest["labels"]),
                  "max_length": manifest["max_length"], "stride": manifest["stride"],
                  "max_span_tokens": manifest.get("max_span_tokens"),
                  "default_variant": manifest["default_variant"], "quantization": manifest["quantization"]},
        "table": markdown_table(results, corpora, args.engines),
        "results": [{**vars(r), "p50_ms": r.percentile(0.5), "p95_ms": r.percentile(0.95),
                     "latencies_ms": None, "spans": None} for r in results.values()],
    }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="bundle or checkpoint directory")
    parser.add_argument("--dev", type=Path, default=CLUENER_DEV, help="CLUENER dev.json")
    parser.add_argument("--threads", type=int, default=2, help="threads per engine (default 2)")
    parser.add_argument("--long-docs", type=int, default=1000)
    parser.add_argument("--long-chars", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1, help="throughput rounds; the best is kept")
    parser.add_argument("--latency-samples", type=int, default=200, help="documents per corpus timed alone")
    parser.add_argument("--engines", type=lambda text: [e.strip() for e in text.split(",")], default=list(ENGINES),
                        help=f"comma-separated subset of: {', '.join(ENGINES)}")
    parser.add_argument("--reexport", action="store_true",
                        help="export the directory's checkpoint again even when it is a bundle")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s) {', '.join(sorted(unknown))}; choose from {', '.join(ENGINES)}")
    report = run(args)
    print(f"\n{report['command']}\n{report['date']}; {report['machine']}")
    print(f"model {report['model']['name']}: default variant {report['model']['default_variant']} "
          f"({report['model']['quantization']['reason']})\n")
    print(report["table"])
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
