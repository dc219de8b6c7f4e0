"""spaCy v2's JSON training format: what ``spacy convert`` wrote and ``spacy train`` read in spaCy 2, and what
spaCy 3 still converts (``spacy convert file.json .``, ``spacy.training.converters.json_to_docs``).

A file is a JSON array of documents ``{"id", "paragraphs": [{"raw", "sentences": [{"tokens": [{"id", "orth",
"space", "tag", "head", "dep", "ner"}], "brackets"}], "cats": [{"label", "value"}], "entities", "links"}]}``;
each paragraph is one nerdesk document, as it is one Doc in spaCy 3. Entities are the tokens' ``ner`` tags
(BILUO, "-" or none for a token nobody tagged), read as spaCy 3 reads them (``json_to_annotations``); the
paragraph-level ``entities`` that spaCy 3's ``docs_to_json`` adds repeat them and are not read. The text is
``raw`` when the tokens are found in it in order with only whitespace between (a spaCy 2 file often gives
tokens without ``space``); else the tokens joined as spaCy joins them, each followed by its ``space`` (or by
one space when no token says).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nerdesk.core.document import Document, Status
from nerdesk.core.errors import FormatError
from nerdesk.core.json_values import is_int, is_number
from nerdesk.core.tags import ParsedTag, find_token_char_offsets, parse_tag, tags_to_char_spans
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import (
    FormatSpec,
    ReadContext,
    Where,
    WriteContext,
    dumps,
    loads_document,
)
from nerdesk.formats.atomic_write import atomic_write_text

MISSING_TAGS = ("-", "", None)  # a token whose entity tag nobody set (spaCy: "missing")
_TOKEN_LAYERS = {"tag": "tags", "pos": "part-of-speech tags", "dep": "dependencies", "head": "dependencies",
                 "lemma": "lemmas", "morph": "morphology"}


class _Seen:
    """What the file holds that nerdesk does not keep, and tags read leniently, for the closing warnings."""

    def __init__(self) -> None:
        self.layers: set[str] = set()
        self.links = self.brackets = self.irregular = self.empty = 0


def _tokens(paragraph: dict[str, Any], ctx: ReadContext, where: Where, seen: _Seen) -> list[dict[str, Any]] | None:
    sentences = paragraph.get("sentences")
    if not isinstance(sentences, list) or not all(
            isinstance(s, dict) and isinstance(s.get("tokens"), list) for s in sentences):
        ctx.problem("a paragraph's 'sentences' must be a list of {\"tokens\": [...]}", **where)
        return None
    tokens = [token for sentence in sentences for token in sentence["tokens"]]
    seen.brackets += sum(len(s["brackets"]) for s in sentences if isinstance(s.get("brackets"), list))
    for token in tokens:
        if not isinstance(token, dict) or not isinstance(token.get("orth"), str) or not token["orth"]:
            ctx.problem(f"a token must be an object with a non-empty 'orth', got {token!r:.60}", **where)
            return None
        seen.layers.update(name for key, name in _TOKEN_LAYERS.items() if token.get(key) not in (None, ""))
    return tokens


def _text_and_offsets(tokens: list[dict[str, Any]], raw: Any) -> tuple[str, list[tuple[int, int]]]:
    words = [token["orth"] for token in tokens]
    if isinstance(raw, str):
        found = find_token_char_offsets(raw, words)
        if found is not None:
            return raw, found
    given: list[Any] = [token.get("space") for token in tokens]
    if all(space is None for space in given):  # spaCy: a Doc's default, a space after every word
        given = [" "] * (len(words) - 1) + [""]  # but none after the last: it would end the text
    pieces, offsets, position = [], [], 0
    for word, space in zip(words, given, strict=True):
        offsets.append((position, position + len(word)))
        gap = " " if space else ""
        pieces.append(word + gap)
        position += len(word) + len(gap)
    return "".join(pieces), offsets


def _tags(tokens: list[dict[str, Any]], ctx: ReadContext, where: Where) -> list[ParsedTag] | None:
    tags: list[ParsedTag] = []
    for token in tokens:
        tag = token.get("ner")
        parsed = ("O", None) if tag in MISSING_TAGS else parse_tag(tag) if isinstance(tag, str) else None
        if parsed is None:
            ctx.problem(f"token {token['orth']!r:.30} has the entity tag {tag!r:.30}, not a BILUO tag", **where)
            return None
        tags.append(parsed)
    return tags


def _cats(paragraph: dict[str, Any], ctx: ReadContext, where: Where) -> dict[str, Any] | None:
    cats = paragraph.get("cats") or []
    if not isinstance(cats, list) or not all(
            isinstance(cat, dict) and isinstance(cat.get("label"), str) and is_number(cat.get("value")) for cat in cats):
        ctx.problem("'cats' must be a list of {\"label\", \"value\"}", **where)
        return None
    return {cat["label"]: cat["value"] for cat in cats}


def _paragraph(paragraph: Any, name: str, ctx: ReadContext, where: Where, seen: _Seen) -> Document | None:
    if not isinstance(paragraph, dict):
        ctx.problem(f"a paragraph must be an object, got {type(paragraph).__name__}", **where)
        return None
    tokens = _tokens(paragraph, ctx, where, seen)
    tags = _tags(tokens, ctx, where) if tokens is not None else None
    cats = _cats(paragraph, ctx, where)
    if tokens is None or tags is None or cats is None:
        return None
    if not tokens:
        seen.empty += 1
        return None
    text, offsets = _text_and_offsets(tokens, paragraph.get("raw"))
    spans, irregular = tags_to_char_spans(offsets, tags)
    seen.irregular += irregular
    seen.links += len(paragraph["links"]) if isinstance(paragraph.get("links"), list) else 0
    tagged = [token.get("ner") not in MISSING_TAGS for token in tokens]
    status: Status = "reviewed" if tagged and all(tagged) else "new"  # as spaCy trains on it: complete gold
    return Document(text=text, spans=spans, name=name, status=status, meta={"cats": cats} if cats else {})


def read_spacy_v2(ctx: ReadContext) -> list[Document]:
    data = loads_document(ctx.read_text(), ctx)
    data = [data] if isinstance(data, dict) else data
    if not isinstance(data, list):
        raise FormatError(f"expected a JSON array of {{\"id\", \"paragraphs\"}} documents, got {type(data).__name__}",
                          path=str(ctx.path), code="E112")
    docs, seen = [], _Seen()
    for record_no, record in enumerate(data, start=1):
        where: Where = {"record": record_no}
        if not isinstance(record, dict) or not isinstance(record.get("paragraphs"), list):
            ctx.problem("a document must be an object with a list of 'paragraphs'", **where)
            continue
        doc_id = record.get("id") if is_int(record.get("id")) or isinstance(record.get("id"), str) else record_no
        paragraphs = record["paragraphs"]
        for number, paragraph in enumerate(paragraphs, start=1):
            name = f"{doc_id}" if len(paragraphs) == 1 else f"{doc_id}.{number}"
            document = _paragraph(paragraph, name, ctx, where, seen)
            if document is not None:
                docs.append(document)
    _warn(ctx, seen)
    return docs


def _warn(ctx: ReadContext, seen: _Seen) -> None:
    if seen.empty:
        ctx.warn(f"{counted(seen.empty, 'paragraph')} without tokens {by_count(seen.empty, 'was', 'were')} skipped")
    if seen.irregular:
        ctx.warn(f"{counted(seen.irregular, 'span')} did not start with B- or U- (inconsistent BILUO tags) and "
                 f"{by_count(seen.irregular, 'was', 'were')} read from {by_count(seen.irregular, 'its', 'their')} "
                 "first tagged token")
    not_kept = sorted(seen.layers) + [f"{counted(seen.links, 'entity link')}"] * bool(seen.links) + [
        f"{counted(seen.brackets, 'bracket')}"] * bool(seen.brackets)
    if not_kept:
        ctx.warn(f"the file's {', '.join(not_kept)} {by_count(len(not_kept), 'is', 'are')} not kept (nerdesk keeps "
                 "the text, its entities and the categories)")


def write_spacy_v2(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    """Documents as spaCy 3's ``docs_to_json`` writes them (one paragraph each, one sentence per paragraph),
    built from the Docs the DocBin export makes: the outermost spans are the ``ner`` tags, the tokens outside
    them ``O`` in reviewed documents and ``-`` (missing) in the others. Needs spaCy."""
    from nerdesk.formats.docbin import doc_records

    records, nested = [], 0
    for number, (record, dropped) in enumerate(doc_records(documents, ctx), start=1):
        record["id"] = number - 1
        records.append(record)
        nested += dropped
    ctx.not_written(nested)
    if nested:
        ctx.warn(f"{counted(nested, 'nested span')} {by_count(nested, 'was', 'were')} not written: a token has one "
                 "entity tag in spaCy's JSON format (a .spacy DocBin keeps them in its span group)")
    atomic_write_text(path, dumps(records) + "\n")


SPECS = (
    FormatSpec(
        name="spacy-v2", reader=read_spacy_v2, writer=write_spacy_v2, extensions=(".json",), lossy=True,
        description='spaCy v2 JSON training format: [{"id", "paragraphs": [{"raw", "sentences": [{"tokens": '
                    '[{"orth", "space", "ner"}]}], "cats"}]}] (writing needs the spacy extra)',
        keeps="text (raw, else the tokens and their spaces), entities (BILUO ner tags), categories (cats), "
              "reviewed when every token is tagged",
        loses="nested spans (the outermost kept), predictions (unless source='pred'), scores, names, metadata; "
              "token tags, lemmas and parses, brackets and entity links (on import, with a warning)",
        offsets="token positions (BILUO tags per token)", aliases=("spacy2", "spacy-json")),
)
