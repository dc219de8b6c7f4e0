"""A tiny English bundle (word tokenizer, PER/ORG/LOC/MISC) trained in seconds, installed as an embedded model.

Tests never depend on the real ``models/en-general-conll``: ``install_english_model(folder)`` puts this tiny
bundle into ``folder/en-general-conll`` (point ``NERDESK_MODELS_DIR`` at ``folder``), so the code that looks
for the embedded English model finds one whether or not the real bundle is built.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from nerdesk.core.document import Document
from nerdesk.core.spans import Span
from nerdesk.workflows.default_models import GENERAL_EN

LABELS = ["PER", "ORG", "LOC", "MISC"]
# An uncased word-piece vocabulary like MiniLM's, for snapping tests: "Interleukin" is three pieces.
WORD_PIECES = ["[UNK]", "[CLS]", "[SEP]", "treated", "with", "inter", "##leu", "##kin", "2", "(", ")", "il", "-",
               "in", "北", "京", "大", "学", "医", "院", "since", "2019", ".", "next", "visit", "may"]
MAX_LENGTH = 32
STRIDE = 8

# (text, [(mention, label), ...]): each mention occurs once in its text. Written for these tests.
SENTENCES = [
    ("Maria Lopez joined Acme Corporation in Madrid .", [("Maria Lopez", "PER"), ("Acme Corporation", "ORG"),
                                                         ("Madrid", "LOC")]),
    ("John Smith flew from London to Paris .", [("John Smith", "PER"), ("London", "LOC"), ("Paris", "LOC")]),
    ("The Danish team beat Norway in Oslo .", [("Danish", "MISC"), ("Norway", "LOC"), ("Oslo", "LOC")]),
    ("Acme Corporation hired Anna Berg .", [("Acme Corporation", "ORG"), ("Anna Berg", "PER")]),
    ("Peter Brown works for Globex in Berlin .", [("Peter Brown", "PER"), ("Globex", "ORG"), ("Berlin", "LOC")]),
    ("It rained all day .", []),
    ("Anna Berg visited Madrid with John Smith .", [("Anna Berg", "PER"), ("Madrid", "LOC"),
                                                    ("John Smith", "PER")]),
    ("Globex opened an office in Paris .", [("Globex", "ORG"), ("Paris", "LOC")]),
]


def english_documents() -> list[Document]:
    documents = []
    for text, mentions in SENTENCES:
        spans = [Span(text.index(m), text.index(m) + len(m), label) for m, label in mentions]
        documents.append(Document(text, spans))
    return documents


def word_piece_tokenizer():
    """A tokenizer like MiniLM's over ``WORD_PIECES``: lower-cases, splits CJK characters and punctuation."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordPiece

    tokenizer = Tokenizer(WordPiece({piece: i for i, piece in enumerate(WORD_PIECES)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tokenizer


def train_tiny_english_model(steps: int = 120, seed: int = 0):
    """A 1-layer BiLSTM + GlobalPointer model with a word tokenizer that has learnt the sentences above."""
    from fixtures_bundle import fit_tiny_model

    from nerdesk.training.tokenizer import build_word_tokenizer

    documents = english_documents()
    tokenizer = build_word_tokenizer([d.text for d in documents], min_frequency=1)
    return fit_tiny_model(documents, tokenizer, LABELS, steps=steps, seed=seed, max_length=MAX_LENGTH,
                          train_length=MAX_LENGTH, stride=STRIDE)


@functools.cache
def _exported(folder: str) -> Path:
    import torch

    from nerdesk.training.export import export_bundle

    torch.set_num_threads(1)
    model, tokenizer = train_tiny_english_model()
    return export_bundle(model, tokenizer, Path(folder) / GENERAL_EN, labels=LABELS,
                         dev_documents=english_documents(), metrics={"note": "tiny English test model"},
                         trained_on={"sentences": len(SENTENCES), "script": "latin"}, name=GENERAL_EN)


def tiny_english_bundle(tmp_path_factory) -> Path:
    """The tiny English bundle, exported once per test process (treat it as read-only)."""
    return _exported(str(tmp_path_factory.getbasetemp() / "english-bundle"))


def install_english_model(models_folder: Path, tmp_path_factory) -> Path:
    """Copy the tiny English bundle to ``models_folder/en-general-conll``; returns that folder."""
    target = models_folder / GENERAL_EN
    shutil.copytree(tiny_english_bundle(tmp_path_factory), target)
    return target
