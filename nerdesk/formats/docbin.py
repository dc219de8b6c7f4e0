"""spaCy's binary training format (``.spacy``, ``DocBin``), what ``spacy train`` reads. Needs the ``spacy``
extra (``pip install nerdesk[spacy]``); nothing else in nerdesk imports spaCy.

Writing: tokens are spaCy's multi-language tokenizer's (``xx``), CJK characters one token each, cut
at every span boundary, so every span lands on token boundaries (``spacy train`` aligns them to its
own tokenizer). All spans go in ``doc.spans["sc"]`` (what spancat reads); the outermost non-overlapping
level is also ``doc.ents`` (what ner reads), whose other tokens are O in reviewed documents and missing
in the others. Name, status and metadata are kept in ``doc.user_data``.
Reading takes ``doc.spans`` (every group) and ``doc.ents``. Offsets: spaCy's ``start_char``/``end_char``,
code points, end exclusive (spaCy 3.8).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nerdesk.core.document import STATUSES, Document, Status
from nerdesk.core.errors import FormatError
from nerdesk.core.json_values import is_number
from nerdesk.core.spans import Span, dedupe, flat_levels
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import ReadContext, WriteContext, dumps
from nerdesk.formats.atomic_write import atomic_write_bytes
from nerdesk.formats.conll_units import cut_at
from nerdesk.formats.encoding import MAX_INPUT_BYTES, check_input_file

SPAN_KEY = "sc"
CATS_KEY = "cats"  # doc.cats (text categories) in the document's meta
USER_KEY = "nerdesk"
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]")


def _spacy() -> Any:
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
    except ImportError as error:
        raise FormatError("the .spacy (DocBin) format needs spaCy: pip install 'nerdesk[spacy]' "
                          "(or write Prodigy JSON lines with a .jsonl file name)", code="E116") from error
    return spacy, Doc, DocBin


def _cuts(text: str, tokenizer: Any, spans: list[Span]) -> set[int]:
    cuts = {offset for span in spans for offset in (span.start, span.end)}
    for token in tokenizer(text):
        cuts.update((token.idx, token.idx + len(token.text)))
    for match in _CJK.finditer(text):
        cuts.update((match.start(), match.end()))
    return cuts


def words_and_spaces(text: str, cuts: set[int]) -> tuple[list[str], list[bool]]:
    """spaCy tokens reproducing ``text`` exactly: non-space runs cut at ``cuts``, other whitespace as tokens."""
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for start, end in cut_at([(m.start(), m.end()) for m in re.finditer(r"\S+", text)], cuts):
        _gap(text[position:start], words, spaces)  # nothing between two pieces of one run
        words.append(text[start:end])
        spaces.append(False)
        position = end
    _gap(text[position:], words, spaces)
    return words, spaces


def _gap(gap: str, words: list[str], spaces: list[bool]) -> None:
    if not gap:
        return
    if words and gap.startswith(" ") and not spaces[-1]:
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)


def _to_doc(document: Document, spans: list[Span], nlp: Any, doc_class: Any) -> tuple[Any, int]:
    words, spaces = words_and_spaces(document.text, _cuts(document.text, nlp.tokenizer, spans))
    doc = doc_class(nlp.vocab, words=words, spaces=spaces)
    made, unaligned = [], 0
    for span in spans:
        piece = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
        if piece is None:
            unaligned += 1
        else:
            made.append((span, piece))
    doc.spans[SPAN_KEY] = [piece for _, piece in made]
    outer = flat_levels([span for span, _ in made])
    pieces = {(s.start, s.end, s.label): p for s, p in made}
    doc.set_ents([pieces[(s.start, s.end, s.label)] for s in (outer[0] if outer else [])],
                 default=_unannotated_tokens(document))
    doc.user_data[USER_KEY] = {"name": document.name, "status": document.status, "meta": document.meta,
                               "split": document.split}
    cats = document.meta.get(CATS_KEY)
    if isinstance(cats, dict) and all(isinstance(k, str) and is_number(v) for k, v in cats.items()):
        doc.cats = dict(cats)  # what textcat trains on, as it came
    return doc, unaligned


def _unannotated_tokens(document: Document) -> str:
    """What ``doc.ents`` says of the tokens outside every span: "outside" (O, no entity) only when the
    document was reviewed; else "missing" (unknown), so that ``spacy train`` does not learn O from
    entities nobody has marked yet."""
    return "outside" if document.status == "reviewed" else "missing"


def _spacy_docs(documents: list[Document], ctx: WriteContext, format_name: str) -> Iterator[tuple[Document, Any]]:
    """Each document with the spaCy Doc the exports write, then a warning about spans spaCy cannot hold."""
    spacy, doc_class, _ = _spacy()
    nlp = spacy.blank("xx")
    unaligned = 0
    for document, spans in zip(documents, ctx.spans_to_write(documents, format_name), strict=True):
        doc, missed = _to_doc(document, spans, nlp, doc_class)
        unaligned += missed
        yield document, doc
    ctx.not_written(unaligned)
    if unaligned:
        ctx.warn(f"{counted(unaligned, 'span')} {by_count(unaligned, 'starts or ends', 'start or end')} on "
                 f"whitespace: spaCy spans cannot, so {by_count(unaligned, 'it was', 'they were')} not written")


def doc_records(documents: list[Document], ctx: WriteContext) -> Iterator[tuple[dict[str, Any], int]]:
    """Each document as spaCy 3's ``docs_to_json`` writes it (spaCy v2's JSON format: one paragraph of one
    sentence), and how many of its spans lie inside its outermost ones (one tag per token: not written).
    Tokens outside the entities are ``O`` in reviewed documents, ``-`` (missing) in the others."""
    from spacy.training import docs_to_json

    for document, doc in _spacy_docs(documents, ctx, "spaCy v2 JSON"):
        for token in doc:
            token.is_sent_start = token.i == 0
        record: dict[str, Any] = docs_to_json([doc])
        if document.status != "reviewed":
            for token in record["paragraphs"][0]["sentences"][0]["tokens"] if len(doc) else ():
                if token.get("ner") == "O":
                    token["ner"] = "-"
        yield record, len(doc.spans[SPAN_KEY]) - len(doc.ents)


def write_docbin(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    _, _, doc_bin_class = _spacy()
    bin_ = doc_bin_class(store_user_data=True)
    for _, doc in _spacy_docs(documents, ctx, "spaCy DocBin"):
        bin_.add(doc)
    try:
        data = bin_.to_bytes()
    except (TypeError, ValueError) as error:
        raise FormatError(f"cannot write the DocBin: {error} (document metadata must be plain JSON values)",
                          path=str(path), code="E121") from error
    atomic_write_bytes(path, data)


class _NotKept:
    """What spaCy Docs hold that nerdesk documents do not, counted for one warning each."""

    def __init__(self) -> None:
        self.kb_ids = 0
        self.groups: set[str] = set()
        self.token_layers: set[str] = set()
        self.user_data = 0

    def look_at(self, doc: Any) -> None:
        spans = [*doc.ents, *(span for group in doc.spans.values() for span in group)]
        self.kb_ids += len({(s.start_char, s.end_char, s.kb_id_) for s in spans if s.kb_id_})
        self.groups.update(name for name in doc.spans if name != SPAN_KEY and len(doc.spans[name]))
        self.token_layers.update(name for attr, name in _TOKEN_LAYERS if doc.has_annotation(attr))
        self.user_data += any(key != USER_KEY for key in doc.user_data)

    def warn(self, ctx: ReadContext) -> None:
        if self.kb_ids:
            ctx.warn(f"{counted(self.kb_ids, 'span')} had a knowledge-base id (kb_id), which nerdesk does not keep")
        if self.groups:
            ctx.warn(f"the spans of the span {by_count(len(self.groups), 'group', 'groups')} "
                     f"{', '.join(sorted(self.groups)[:5])} were read with the others and are written back in "
                     f"'{SPAN_KEY}': a spancat trained on another spans_key needs it set to '{SPAN_KEY}'")
        if self.token_layers:
            ctx.warn(f"the documents' {', '.join(sorted(self.token_layers))} are not kept (nerdesk keeps the text, "
                     "its spans and the categories)")
        if self.user_data:
            ctx.warn(f"{counted(self.user_data, 'document')} had user_data (custom attributes) of another program, "
                     "which nerdesk does not keep")


_TOKEN_LAYERS = (("TAG", "tags"), ("POS", "part-of-speech tags"), ("DEP", "dependencies"), ("LEMMA", "lemmas"),
                 ("MORPH", "morphology"))


def _from_doc(doc: Any, ctx: ReadContext, number: int, not_kept: _NotKept) -> Document | None:
    """Document ``number`` of a DocBin, or ``None`` after recording what is wrong with it."""
    try:  # spaCy builds span groups and entities when they are first read: damage shows here
        found = [(s.start_char, s.end_char, s.label_) for group in doc.spans.values() for s in group if s.label_]
        found += [(s.start_char, s.end_char, s.label_) for s in doc.ents]
        text, kept, cats = doc.text, doc.user_data.get(USER_KEY), dict(doc.cats)
        not_kept.look_at(doc)
    except Exception as error:  # noqa: BLE001 - any damage in a binary file must end in a problem
        first_line = str(error).strip().split("\n")[0]
        ctx.problem(f"the DocBin's document is damaged ({type(error).__name__}: {first_line[:120]})",
                    record=number, code="E117")
        return None
    spans = [ctx.make_span(text, start, end, label, record=number) for start, end, label in found]
    kept = kept if isinstance(kept, dict) else {}
    meta: dict[str, Any] = dict(kept["meta"]) if isinstance(kept.get("meta"), dict) else {}
    if cats:
        meta[CATS_KEY] = cats
    try:
        dumps(meta)
    except FormatError:
        ctx.problem("the document's nerdesk metadata (user_data) is not plain JSON", record=number)
        return None
    if None in spans:
        return None
    name = kept.get("name") if isinstance(kept.get("name"), str) else None
    split = kept.get("split") if isinstance(kept.get("split"), str) else None
    status: Status = kept["status"] if kept.get("status") in STATUSES else _foreign_status(doc)
    return Document(text=text, spans=dedupe([s for s in spans if s is not None]), name=name, meta=meta,
                    split=split, status=status)


def _foreign_status(doc: Any) -> Status:
    """The status of a document nerdesk did not write: reviewed when every token's entity tag is set (O or in
    an entity), as in a corpus from ``spacy convert`` or a Doc whose ``ents`` were set: spaCy trains on it as
    complete, and an export must not turn its O tokens into missing ones. New when any token is missing."""
    return "reviewed" if len(doc) and all(token.ent_iob != 0 for token in doc) else "new"


def read_docbin(ctx: ReadContext) -> list[Document]:
    spacy, _, doc_bin_class = _spacy()
    check_input_file(ctx.path)
    try:
        data = ctx.path.read_bytes()
    except OSError as error:
        raise FormatError(f"cannot read the file: {error.strerror or error}", path=str(ctx.path), code="E105") from error
    _check_inflated_size(data, ctx.path)
    try:
        docs = list(doc_bin_class().from_bytes(data).get_docs(spacy.blank("xx").vocab))
    except Exception as error:  # noqa: BLE001 - any damage in a binary file must end in a FormatError
        raise FormatError(f"not a spaCy DocBin file ({type(error).__name__}); write one with spaCy 3 or "
                          "nerdesk export --format spacy --out NAME.spacy", path=str(ctx.path), code="E117") from error
    not_kept = _NotKept()
    documents = [_from_doc(doc, ctx, number, not_kept) for number, doc in enumerate(docs, start=1)]
    not_kept.warn(ctx)
    return [document for document in documents if document is not None]


def _check_inflated_size(data: bytes, path: Path, limit: int = MAX_INPUT_BYTES) -> None:
    """Refuse a DocBin whose zlib stream inflates past ``limit`` (spaCy inflates it whole in memory: a
    1 MB file can hold gigabytes of zeros). Inflated piece by piece here, so the check itself stays small."""
    inflater = zlib.decompressobj()
    inflated, pending = 0, data
    try:
        while not inflater.eof:
            piece = inflater.decompress(pending, 1 << 20)
            pending = inflater.unconsumed_tail
            if not piece and not pending:
                return  # a truncated stream: spaCy's own reading says it is damaged
            inflated += len(piece)
            if inflated > limit:
                raise FormatError(f"the file inflates to more than {limit:,} bytes; nerdesk reads at most that much: "
                                  "split it into several .spacy files", path=str(path), code="E105")
    except zlib.error:
        return  # not zlib at all: spaCy's own reading says it is not a DocBin
