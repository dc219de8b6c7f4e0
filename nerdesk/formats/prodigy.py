"""Prodigy / spaCy JSON lines: ``{"text", "spans": [{"start", "end", "label"}], "answer"}``, code points;
a file named ``*.spacy`` is spaCy's binary DocBin instead (``nerdesk.formats.docbin``). spaCy's own
``Doc.to_json()`` records (``"ents"``, and span groups as ``"spans": {"sc": [...]}``) are read too.

Prodigy marks each annotated example with ``answer`` (``db-out`` writes it): ``accept`` is a finished
annotation, imported as a reviewed document; an example without ``answer`` (a source file, not yet
annotated) is new. ``reject`` and ``ignore`` are not annotations a model should learn from: they are
skipped by default with a count; the ``answers`` option (``accept`` | ``all``) keeps them as documents
not reviewed, their ``answer`` in ``meta`` and their spans as predictions (model version
``prodigy:reject`` or ``prodigy:ignore``), never gold: a rejected span is one an annotator said is wrong,
and reviewing the document later must not teach it. Export writes ``"answer": "accept"`` for reviewed
documents, the kept ``reject``/``ignore`` (with the spans it came with) for the others that have one, and no
``answer`` otherwise. Prodigy's
``_task_hash`` (a hash of the spans as they were) is not written back, since the spans may have been
corrected: Prodigy's ``db-in`` computes it again for a record without one.

Prodigy's own ``tokens`` (``{"text", "start", "end", "id", "ws"}``: what ``rel.manual`` and the other token-based
recipes save) are kept in ``meta["tokens"]`` as they are and written back, since the ``head`` and ``child`` of
``rel.manual``'s relations are token indices; each span is written with the ``token_start`` and ``token_end``
(inclusive) of the tokens it covers. spaCy's ``Doc.to_json()`` tokens (no ``text``) are not kept. The relations
(another key) are written back while the spans they join are there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.spans import PRED, Span, dedupe
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import (
    CODE_POINTS,
    FormatSpec,
    ReadContext,
    Where,
    WriteContext,
    dumps,
    json_line_records,
    meta_for_record,
    read_entity_list_records,
)
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.docbin import read_docbin, write_docbin

DOCBIN_SUFFIX = ".spacy"
SPACY_KEYS = {"text", "spans", "tokens", "ents", "sents"}
ANSWERS = ("accept", "all")
ACCEPT = "accept"
STALE_KEYS = {"_task_hash"}  # describes the spans as imported, not as exported
ANNOTATOR_KEYS = ("_annotator_id", "_session_id", "_timestamp", "_task_hash")  # one annotator's, of a merged input
SKIPPED_ANSWERS = ("reject", "ignore")
EXAMPLE_ORIGIN = "prodigy:"  # model version of the spans of a kept reject/ignore example: "prodigy:reject"
_CATEGORY_ANSWER = "\x00answer about a category"  # where an accepted classification example's answer waits


def read_spacy(ctx: ReadContext) -> list[Document]:
    if ctx.path.suffix.lower() == DOCBIN_SUFFIX:
        return read_docbin(ctx)
    answers = ctx.option("answers", "accept", ANSWERS)
    skipped: dict[str, int] = {}

    def accepted(records: Iterable[tuple[Where, Any]]) -> Iterator[tuple[Where, Any]]:
        for where, record in records:
            answer = record.get("answer") if isinstance(record, dict) else None
            if answers == "accept" and answer in SKIPPED_ANSWERS:
                skipped[answer] = skipped.get(answer, 0) + 1
                continue
            if answer == ACCEPT and is_classification_example(record):
                record = {**{k: v for k, v in record.items() if k != "answer"}, _CATEGORY_ANSWER: answer}
            yield where, with_span_list(record)

    def span_of(item: dict[str, Any], text: str, where: Where) -> Span | None:
        return ctx.make_span(text, item.get("start"), item.get("end"), item.get("label"), mention=item.get("text"),
                             **where)

    docs = read_entity_list_records(accepted(json_line_records(ctx)), ctx, list_key="spans",
                                    known_keys=SPACY_KEYS - {"tokens"}, span_of=span_of)
    classified = 0
    for doc in docs:
        if "tokens" in doc.meta and prodigy_tokens(doc) is None:
            del doc.meta["tokens"]  # spaCy's Doc.to_json() tokens, or tokens that do not fit the text
        if _CATEGORY_ANSWER in doc.meta:
            doc.meta["answer"] = doc.meta.pop(_CATEGORY_ANSWER)
            classified += 1
        elif doc.meta.get("answer") == ACCEPT:
            del doc.meta["answer"]  # the status says it, and export writes it from the status
            doc.status = "reviewed"
        elif doc.meta.get("answer") in SKIPPED_ANSWERS:
            origin = f"{EXAMPLE_ORIGIN}{doc.meta['answer']}"
            doc.spans = [Span(s.start, s.end, s.label, PRED, None, origin) for s in doc.spans]
    docs, merged, disagreed = _merge_annotators(docs)
    if merged:
        ctx.warn(f"{counted(merged, 'text')} accepted by several annotators (different _annotator_id) "
                 f"{by_count(merged, 'was', 'were')} imported once, the annotators' spans merged; "
                 f"{disagreed} where they differ {by_count(disagreed, 'is', 'are')} left in progress to be reviewed")
    if skipped:
        counts = ", ".join(f"{count} {answer}" for answer, count in sorted(skipped.items()))
        ctx.warn(f"skipped Prodigy examples answered reject or ignore ({counts}): they are not annotations; "
                 "import all examples to keep them (Prodigy examples: all in the import window, --answers all on "
                 "the command line)")
    if classified:
        ctx.warn(f"{counted(classified, 'Prodigy text-classification example')} (a 'label' and no span) "
                 f"{by_count(classified, 'was', 'were')} imported as not reviewed: the answer 'accept' is about the "
                 "label, not about entities (label and answer are kept in the metadata)")
    return docs


def _merge_annotators(docs: list[Document]) -> tuple[list[Document], int, int]:
    """One document per input that several annotators accepted: a multi-annotator Prodigy task's ``db-out`` holds
    each annotator's example (same ``_input_hash`` and text, its own ``_annotator_id``). Their spans are merged;
    where they differ the document is in progress, not reviewed, so their disagreement is settled before it
    teaches a model. The annotator's own keys are left out of the merged metadata. Returns the documents, how
    many inputs were merged and in how many the annotators differed."""
    owners: dict[tuple[str, str], tuple[Document, set[str]]] = {}
    kept: list[Document] = []
    merged: dict[tuple[str, str], bool] = {}  # input -> whether its annotators differ
    for doc in docs:
        annotator = doc.meta.get("_annotator_id", doc.meta.get("_session_id"))
        key = (doc.text, json.dumps(doc.meta.get("_input_hash")))
        owner = owners.get(key)
        if doc.status != "reviewed" or not isinstance(annotator, str) or (owner and annotator in owner[1]):
            kept.append(doc)
            continue
        if owner is None:
            owners[key] = (doc, {annotator})
            kept.append(doc)
            continue
        first, seen = owner
        merged[key] = merged.get(key, False) or {s.key for s in first.spans} != {s.key for s in doc.spans}
        first.spans = dedupe([*first.spans, *doc.spans])
        seen.add(annotator)
    for key, differ in merged.items():
        first = owners[key][0]
        for own_key in ANNOTATOR_KEYS:
            first.meta.pop(own_key, None)
        first.status = "in-progress" if differ else "reviewed"
    return kept, len(merged), sum(merged.values())


def is_classification_example(record: Any) -> bool:
    """A Prodigy text-classification example (textcat.manual, textcat.teach): a ``label`` of the whole text
    (or the ``options`` a choice view offers) and no span (``spans`` missing or empty); its answer does not
    say that the text has no entities."""
    return (isinstance(record, dict) and record.get("spans") in (None, []) and not is_doc_json(record)
            and (isinstance(record.get("label"), str) or isinstance(record.get("options"), list)))


def is_doc_json(record: Any) -> bool:
    """Whether ``record`` is spaCy's ``Doc.to_json()``: entities in ``ents``, span groups in a ``spans`` dict."""
    return isinstance(record, dict) and (isinstance(record.get("ents"), list) or isinstance(record.get("spans"), dict))


def with_span_list(record: Any) -> Any:
    """A ``Doc.to_json()`` record with its entities and every span group in one ``spans`` list (the shape
    Prodigy writes); any other record as it is. A span in both ``ents`` and a group is read once."""
    if not is_doc_json(record):
        return record
    groups = record.get("spans")
    spans = list(record.get("ents") or [])
    for group in groups.values() if isinstance(groups, dict) else ():
        spans += group if isinstance(group, list) else [group]  # not a list: the reader names it
    unique: dict[str, Any] = {}
    for span in spans:
        unique.setdefault(_span_key(span), span)
    return {**record, "spans": list(unique.values())}


def _span_key(span: Any) -> str:
    fields = {key: span.get(key) for key in ("start", "end", "label")} if isinstance(span, dict) else span
    return json.dumps(fields, sort_keys=True, default=repr)


def write_spacy(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    if path.suffix.lower() == DOCBIN_SUFFIX:
        write_docbin(documents, path, ctx)
        return
    carried = [_example_spans(doc) for doc in documents]
    others = [replace(doc, spans=[s for s in doc.spans if s not in own]) for doc, own in zip(documents, carried, strict=True)]
    lines, dropped = [], 0
    for doc, own, spans in zip(documents, carried, ctx.spans_to_write(others, "spacy"), strict=True):
        record: dict[str, Any] = meta_for_record(doc, SPACY_KEYS | STALE_KEYS | {"answer"})
        if isinstance(record.get("relations"), list):
            record["relations"], gone = _relations_of(record["relations"], {s.key for s in [*spans, *own]})
            dropped += gone
        record["text"] = doc.text
        tokens = prodigy_tokens(doc)
        if tokens is not None:
            record["tokens"] = tokens
        starts = {token["start"]: i for i, token in reversed(list(enumerate(tokens or [])))}  # the first one at each
        ends = {token["end"]: i for i, token in enumerate(tokens or [])}
        record["spans"] = [_span_record(s, starts, ends)
                           for s in sorted([*spans, *own], key=lambda s: (s.start, -s.end, s.label))]
        answer = _answer(doc)
        if answer is not None:
            record["answer"] = answer
        lines.append(dumps(record))
    if dropped:
        ctx.warn(f"{counted(dropped, 'relation')} (rel.manual) between spans deleted or changed since the import "
                 f"{by_count(dropped, 'was', 'were')} not written")
    atomic_write_text(path, "".join(line + "\n" for line in lines))


def _relations_of(relations: list[Any], written: set[tuple[int, int, str]]) -> tuple[list[Any], int]:
    """The relations whose labelled ends (``head_span``, ``child_span``) are spans written, and how many others
    were left out. An end without a label is a token, which stays."""
    def kept(end: Any) -> bool:
        if not isinstance(end, dict) or end.get("label") is None:
            return True
        return (end.get("start"), end.get("end"), end.get("label")) in written
    left = [r for r in relations if not isinstance(r, dict) or (kept(r.get("head_span")) and kept(r.get("child_span")))]
    return left, len(relations) - len(left)


def prodigy_tokens(doc: Document) -> list[dict[str, Any]] | None:
    """The document's Prodigy tokens (``meta["tokens"]``), when each is ``{"text", "start", "end", ...}`` and
    its text is the document's at its offsets; else ``None``."""
    tokens = doc.meta.get("tokens")
    if not isinstance(tokens, list) or not tokens:
        return None
    for token in tokens:
        if not isinstance(token, dict):
            return None
        start, end, text = token.get("start"), token.get("end"), token.get("text")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(text, str)) or bool in (
                type(start), type(end)):
            return None
        if not 0 <= start <= end <= len(doc.text) or doc.text[start:end] != text:
            return None
    return tokens


def _span_record(span: Span, starts: dict[int, int], ends: dict[int, int]) -> dict[str, Any]:
    """A span as Prodigy writes it: with the first and last token it covers (token indices by start and by end
    offset) when it starts and ends on tokens."""
    record: dict[str, Any] = {"start": span.start, "end": span.end}
    first, last = starts.get(span.start), ends.get(span.end)
    if first is not None and last is not None and first <= last:
        record |= {"token_start": first, "token_end": last}
    return record | {"label": span.label}


def _example_spans(doc: Document) -> list[Span]:
    """The spans a rejected or ignored example came with (kept as predictions), written back with its answer."""
    if _answer(doc) not in SKIPPED_ANSWERS:
        return []
    return [s for s in doc.spans if s.source == PRED and (s.model_version or "").startswith(EXAMPLE_ORIGIN)]


def _answer(doc: Document) -> str | None:
    """Prodigy's ``answer`` for a document: accept when reviewed, else the reject or ignore it came with."""
    if doc.status == "reviewed":
        return ACCEPT
    kept = doc.meta.get("answer")
    return kept if kept in SKIPPED_ANSWERS else None


SPECS = (
    FormatSpec(
        name="spacy", reader=read_spacy, writer=write_spacy, extensions=(".jsonl", ".json", ".spacy"), lossy=True,
        description='Prodigy / spaCy JSON lines {"text", "spans": [{"start", "end", "label"}]}; '
                    '*.spacy: spaCy DocBin (spacy extra)',
        keeps="text, gold spans (nested too), Prodigy's tokens (rel.manual's relations index them), other keys (meta, _input_hash, ...; not _task_hash), reviewed as answer 'accept' "
              "(reject/ignore in meta with answers='all', their spans as predictions); DocBin: name, status, split, meta, doc.cats",
        loses="predictions (unless source='pred'), scores, spaCy's Doc.to_json() tokens (Prodigy's are kept); JSON lines: name, statuses other than "
              "reviewed, examples answered reject or ignore (skipped unless answers='all'); DocBin (with a "
              "warning): kb_id, span group names but sc, token tags, lemmas and parses, other user_data",
        offsets=CODE_POINTS, aliases=("prodigy",)),
)
