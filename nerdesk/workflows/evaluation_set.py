"""The project's evaluation set: reviewed documents kept out of training to score every model version.

A reviewed document is in the set when its split is ``eval``: marked "evaluation only" by the user,
or picked by nerdesk. Before a retraining, nerdesk tops the set up to ``target_size`` of the reviewed
documents, taking those with the lowest text fingerprint first (documents imported with a ``dev``
split before the others). A picked document stays picked: adding, importing or reviewing more
documents only ever adds to the set, so model versions are compared on the same documents. A
document whose split is ``train`` is never picked; ``test`` documents are neither trained on nor
picked.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nerdesk.core.document import Document
from nerdesk.core.errors import TrainingError
from nerdesk.core.label_changes import LabelChanges
from nerdesk.core.wording import counted

if TYPE_CHECKING:
    from nerdesk.storage.project import Project

EVALUATION_SPLIT = "eval"
TRAINING_SPLIT = "train"
TEST_SPLIT = "test"
DEV_SPLITS = ("dev", "validation", "valid", "val")
SHARE = 0.10
MINIMUM = 30  # documents, once a quarter of the reviewed ones is at least that many
MAXIMUM = 1000


def target_size(reviewed: int) -> int:
    """Evaluation documents wanted for ``reviewed`` reviewed documents (10%, at least 30 once there are 120)."""
    if reviewed < 2:
        return 0
    return min(max(math.ceil(SHARE * reviewed), min(MINIMUM, reviewed // 4)), MAXIMUM)


def text_fingerprint(text: str) -> str:
    """A stable fingerprint of a text: the same in every project and on every machine."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class EvaluationSet:
    documents: list[Document]
    picked: int  # documents added to the set by this call
    reviewed: int
    # document id -> its split before this call added it to the set: what a run that fails gives back
    splits_before: dict[int, str | None] = field(default_factory=dict)
    trainable: int = 0  # reviewed documents a model may learn from (``training_documents``)
    # old label name -> its name now: what versions trained before a rename predict counts under the new name
    renamed: dict[str, str] = field(default_factory=dict)
    deleted: frozenset[str] = frozenset()  # labels deleted since: what versions predict of them is dropped

    def require_training_documents(self, project_name: object) -> None:
        """Refuse a training with fewer than 2 reviewed documents, or none outside the evaluation set."""
        if self.reviewed < 2 or not self.trainable:
            raise TrainingError(f"{project_name}: {counted(self.reviewed, 'reviewed document')}, {self.trainable:,} "
                                f"to train on{self.kept_out()}; review at least 2 before training (Ctrl+Enter in the "
                                "window; files annotated elsewhere: nerdesk import --status reviewed)", code="E405")

    @property
    def test_documents(self) -> int:
        """Reviewed documents of the test split: neither trained on nor in the evaluation set."""
        return self.reviewed - self.trainable - len(self.documents)

    def kept_out(self) -> str:
        """Where the reviewed documents not trained on are, in words: " (3 in the evaluation set, 40 in the test
        split)"; empty when there are none."""
        places = [f"{len(self.documents):,} in the evaluation set"] if self.documents else []
        places += [f"{self.test_documents:,} in the test split"] if self.test_documents else []
        return f" ({', '.join(places)})" if places else ""

    @property
    def fingerprint(self) -> str:
        """Changes when a document joins or leaves the set or its gold spans change."""
        digest = hashlib.sha1()
        for key in sorted((text_fingerprint(doc.text), tuple(span.key for span in doc.gold))
                          for doc in self.documents):
            digest.update(repr(key).encode("utf-8", "surrogatepass"))
        if self.renamed:  # scores measured before a rename counted the old name's predictions as wrong
            digest.update(repr(sorted(self.renamed.items())).encode("utf-8", "surrogatepass"))
        if self.deleted:  # and before a deletion, the deleted label's predictions
            digest.update(repr(("deleted", sorted(self.deleted))).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:16]

    @property
    def label_changes(self) -> LabelChanges:
        """What versions' predictions go through before they are scored: the project's renames and deletions."""
        return LabelChanges(self.renamed, self.deleted)

    @property
    def gold_spans(self) -> int:
        return sum(len(doc.gold) for doc in self.documents)

    def describe(self) -> str:
        return f"{counted(len(self.documents), 'evaluation document')} ({counted(self.gold_spans, 'gold span')})"


def is_evaluation(document: Document) -> bool:
    return document.split == EVALUATION_SPLIT


def training_documents(reviewed: Sequence[Document]) -> list[Document]:
    """The reviewed documents a model may learn from: not in the evaluation set, not test documents."""
    return [doc for doc in reviewed if doc.split not in (EVALUATION_SPLIT, TEST_SPLIT)]


def evaluation_set(project: Project) -> EvaluationSet:
    """The current set, without picking anything."""
    reviewed = list(project.all_documents(status="reviewed"))
    return EvaluationSet([doc for doc in reviewed if is_evaluation(doc)], 0, len(reviewed),
                         renamed=project.renamed_labels(), deleted=project.deleted_labels())


def ensure_evaluation_set(project: Project) -> EvaluationSet:
    """Top the set up to ``target_size`` (see the module docstring) and return it."""
    return evaluation_and_training(project)[0]


def evaluation_and_training(project: Project) -> tuple[EvaluationSet, list[Document]]:
    """``ensure_evaluation_set``, and the reviewed documents a model may learn from, read in the same pass."""
    reviewed = list(project.all_documents(status="reviewed"))
    current = [doc for doc in reviewed if is_evaluation(doc)]
    missing = target_size(len(reviewed)) - len(current)
    picked = pick(reviewed, missing) if missing > 0 else []
    splits_before = {doc.id: doc.split for doc in picked if doc.id is not None}
    if picked:
        project.set_split(list(splits_before), EVALUATION_SPLIT)
        for doc in picked:
            doc.split = EVALUATION_SPLIT
    training = training_documents(reviewed)
    evaluation = EvaluationSet(current + picked, len(picked), len(reviewed), splits_before, trainable=len(training),
                               renamed=project.renamed_labels(), deleted=project.deleted_labels())
    return evaluation, training


def pick(reviewed: Sequence[Document], count: int) -> list[Document]:
    """The ``count`` documents that join the set next: dev-split documents first, then by fingerprint."""
    candidates = [doc for doc in reviewed if doc.split not in (EVALUATION_SPLIT, TRAINING_SPLIT, TEST_SPLIT)]
    candidates.sort(key=lambda doc: ((doc.split or "").lower() not in DEV_SPLITS, text_fingerprint(doc.text),
                                     doc.id or 0))
    return candidates[:count]
