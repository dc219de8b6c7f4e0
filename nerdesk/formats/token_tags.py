"""Hugging Face token classification records: ``{"tokens": [...], "ner_tags": [...]}``, one tag per token.

What ``datasets`` writes (``Dataset.to_json``: JSON lines; a JSON array is read too) and what the
token-classification examples of ``transformers`` (``run_ner.py``) train on. Tags are strings (``B-PER``,
any scheme the CoNLL reader knows) or, as ``datasets`` stores a ``ClassLabel``, numbers: their names
in order are then needed (``tag_names``, e.g. ``O,B-PER,I-PER,...``: the dataset's
``features["ner_tags"].feature.names``, or ``features["sentences"][0]["named_entities"].feature.names`` for
``conll2012_ontonotesv5``), since a file of numbers cannot say which is which.

The text is the tokens joined by spaces, none between Chinese characters (characters joined without one
when nearly every token is a character, as in the CoNLL reader), and the tokens are kept in
``meta["tokens"]`` so that export writes the same tokens back. Export writes string tags in BIO (IOB2) of the outermost spans: a token can hold
one tag, so nested spans are dropped with a count.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nerdesk.core.document import Document
from nerdesk.core.errors import FormatError
from nerdesk.core.offsets import tokens_to_text
from nerdesk.core.spans import dedupe
from nerdesk.core.tags import ParsedTag, parse_tag, tags_to_char_spans
from nerdesk.core.wording import by_count, counted
from nerdesk.formats._base import (
    FormatSpec,
    ReadContext,
    Where,
    WriteContext,
    dumps,
    extra_meta,
    iter_json_lines,
    loads_document,
)
from nerdesk.formats.atomic_write import atomic_write_text
from nerdesk.formats.conll_dialects import IO_LABEL
from nerdesk.formats.conll_read import words_to_text
from nerdesk.formats.conll_write import tag_blocks

TAG_KEYS = ("ner_tags", "tags", "labels", "ner")  # the first of these a record has holds its tags
KNOWN_KEYS = {"id", "tokens", *TAG_KEYS}
NUMERIC_TAGS = "the tags are numbers"  # how the problem of numeric tags without names starts (the window asks)
NAMES_FEATURE = re.compile(r"features(?:\[[^\]]*\])+\.feature\.names")  # in that problem, where the names are
CHARACTER_SHARE = 0.9  # of one-character tokens, from which the text is the tokens joined without spaces


def is_token_tags_record(record: dict[str, Any]) -> bool:
    """Whether a JSON record is one token classification example: a list of tokens and as many tags."""
    tokens = record.get("tokens")
    tags = next((record[key] for key in TAG_KEYS if key in record), None)
    return isinstance(tokens, list) and isinstance(tags, list) and len(tags) == len(tokens) > 0


def is_document_of_sentences(record: dict[str, Any]) -> bool:
    """Whether a JSON record is a document of token-classified sentences, as ``datasets``' CoNLL-2012 OntoNotes
    (``conll2012_ontonotesv5``) has them: ``{"document_id", "sentences": [{"words", "named_entities", ...}]}``."""
    sentences = record.get("sentences")
    return isinstance(sentences, list) and bool(sentences) and all(
        isinstance(s, dict) and isinstance(s.get("words"), list) and isinstance(s.get("named_entities"), list)
        for s in sentences)


def _sentence_records(records: list[tuple[Where, Any]]) -> tuple[list[tuple[Where, Any]], set[int]]:
    """The records, a document of sentences (``is_document_of_sentences``) replaced by one record a sentence:
    its words as the tokens, its named entities as the tags, ``DOCUMENT_ID#N`` as the id; and the positions of
    the records that are such sentences."""
    expanded: list[tuple[Where, Any]] = []
    sentences: set[int] = set()
    for where, record in records:
        if not (isinstance(record, dict) and is_document_of_sentences(record)):
            expanded.append((where, record))
            continue
        sentences.update(range(len(expanded), len(expanded) + len(record["sentences"])))
        for number, sentence in enumerate(record["sentences"]):
            rest = {key: value for key, value in sentence.items() if key not in ("words", "named_entities")}
            expanded.append((where, {"id": f"{record.get('document_id', '')}#{number}", "tokens": sentence["words"],
                                     "ner_tags": sentence["named_entities"], **rest}))
    return expanded, sentences


def _names_feature(key: str, in_sentences: bool) -> str:
    """Where the dataset keeps the names of a record's numeric tags: the ``ClassLabel`` of its tag field."""
    return ("features['sentences'][0]['named_entities'].feature.names" if in_sentences
            else f"features[{key!r}].feature.names")


def read_token_tags(ctx: ReadContext) -> list[Document]:
    names = tag_names(ctx)
    records, sentences = _sentence_records(_records(ctx))
    joiner = "" if _mostly_characters(records) else " "
    documents, irregular = [], 0
    for index, (where, record) in enumerate(records):
        read = _document(record, names, joiner, ctx, where, index in sentences)
        if read is not None:
            documents.append(read[0])
            irregular += read[1]
    if irregular:
        ctx.warn(f"{counted(irregular, 'span')} did not start with B- (IOB1-style or inconsistent tags) "
                 f"and {by_count(irregular, 'was', 'were')} read leniently")
    if _io_tagged(names, records):
        ctx.warn("the tags have no B- or I- prefix (IO tags, as Few-NERD's: person, art-music): consecutive "
                 "tokens with the same label were read as one entity")
    return documents


def _io_tagged(names: list[str] | None, records: list[tuple[Where, Any]]) -> bool:
    """Whether the tag names, or else a record's string tags, are IO tags (labels without a prefix)."""
    if names is not None:
        return _io_as_bio(names) != names
    for _, record in records:
        tags = next((record[key] for key in TAG_KEYS if key in record), None) if isinstance(record, dict) else None
        if isinstance(tags, list) and (bio := _io_as_bio(tags)) is not None and bio != tags:
            return True
    return False


def _mostly_characters(records: list[tuple[Where, Any]]) -> bool:
    """Whether at least ``CHARACTER_SHARE`` of the tokens are one character (Chinese text, one per token)."""
    lengths = [len(token) for _, record in records if isinstance(record, dict)
               and isinstance(tokens := record.get("tokens"), list) for token in tokens if isinstance(token, str)]
    return bool(lengths) and lengths.count(1) >= CHARACTER_SHARE * len(lengths)


def tag_names(ctx: ReadContext) -> list[str] | None:
    """The ``tag_names`` option as a list: a list, or a string of names separated by commas or spaces."""
    names = ctx.option("tag_names")
    if names is None:
        return None
    listed = names.replace(",", " ").split() if isinstance(names, str) else names
    listed = [str(name) for name in listed] if isinstance(listed, list) else listed
    bio = _io_as_bio(listed) if isinstance(listed, list) and listed else None
    if bio is None or (bio != listed and "O" not in listed):  # IO names have their O
        raise FormatError(f"tag_names must name tags such as O,B-PER,I-PER (or O,person,location... without "
                          f"prefixes, IO tags) in the order of their numbers, not {names!r:.80}", code="E108")
    return listed


def _records(ctx: ReadContext) -> list[tuple[Where, Any]]:
    text = ctx.read_text()
    if text.lstrip().startswith("["):
        data = loads_document(text, ctx)
        return [({"record": number}, record) for number, record in enumerate(data, start=1)]
    return [({"line": line, "record": number}, record)
            for number, (line, record) in enumerate(iter_json_lines(text, ctx), start=1)]


def _document(record: Any, names: list[str] | None, joiner: str, ctx: ReadContext,
              where: Where, in_sentences: bool = False) -> tuple[Document, int] | None:
    """The record's document and how many of its spans were read leniently; ``None`` after a problem.
    ``in_sentences``: the record is a sentence of a document (``conll2012_ontonotesv5``)."""
    if not isinstance(record, dict):
        ctx.problem(f"a record must be a JSON object, got {type(record).__name__}", **where)
        return None
    tokens = record.get("tokens")
    if not isinstance(tokens, list) or not all(isinstance(token, str) and token for token in tokens):
        ctx.problem("'tokens' must be a list of non-empty strings", **where)
        return None
    key = next((key for key in TAG_KEYS if key in record), None)
    tags = record.get(key) if key else None
    if not isinstance(tags, list) or len(tags) != len(tokens):
        ctx.problem(f"{key or 'ner_tags'!r} must be a list of one tag per token ({len(tokens):,} tokens), got "
                    f"{tags!r:.60}", **where)
        return None
    parsed = _parsed_tags(tags, names, ctx, where, _names_feature(str(key), in_sentences))
    if parsed is None:
        return None
    text, offsets = tokens_to_text(tokens, joiner) if not joiner else words_to_text(tokens)
    spans, irregular = tags_to_char_spans(offsets, parsed)
    meta = extra_meta(record, KNOWN_KEYS) | ({"tokens": tokens} if joiner else {})
    name = record.get("id")
    return Document(text=text, spans=dedupe(spans), meta=meta,
                    name=str(name) if isinstance(name, (str, int)) and not isinstance(name, bool) else None), irregular


def _parsed_tags(tags: list[Any], names: list[str] | None, ctx: ReadContext, where: Where,
                 names_feature: str) -> list[ParsedTag] | None:
    """Each tag parsed; a number is looked up in ``names`` (the dataset's ``names_feature``, which a problem
    points at). ``None`` after reporting the first bad tag."""
    named = []
    for tag in tags:
        if isinstance(tag, int) and not isinstance(tag, bool):
            if names is None:
                ctx.problem(f"{NUMERIC_TAGS} ({tag}); give their names in order (--tag-names O,B-PER,I-PER,... "
                            f"of nerdesk import, train or eval: the dataset's {names_feature})",
                            **where)
                return None
            if not 0 <= tag < len(names):
                ctx.problem(f"tag number {tag} has no name: {counted(len(names), 'tag name')} given", **where)
                return None
            tag = names[tag]
        named.append(tag)
    parsed = []
    for tag in _io_as_bio(named) or named:
        result = parse_tag(tag) if isinstance(tag, str) else None
        if result is None:
            ctx.problem(f"{tag!r} is not a tag (expected O, B-X, I-X, E-X, S-X, or a number with --tag-names)",
                        **where)
            return None
        parsed.append(result)
    return parsed


def _io_as_bio(tags: list[Any]) -> list[Any] | None:
    """The tags in BIO when they are IO tags (labels without a B-/I- prefix beside O, as Few-NERD's person-actor:
    a run of one label is one entity), as they are when they are tags already; ``None`` when they mix the two or
    are not strings of one word."""
    if not all(isinstance(tag, str) for tag in tags):
        return None
    parsed = [parse_tag(tag) for tag in tags]
    if all(result is not None for result in parsed):
        return tags
    if any(result is not None and result[0] != "O" for result in parsed) or not all(
            result is not None or IO_LABEL.fullmatch(tag) for tag, result in zip(tags, parsed, strict=True)):
        return None
    bio, previous = [], None
    for tag, result in zip(tags, parsed, strict=True):
        bio.append("O" if result is not None else f"{'I' if tag == previous else 'B'}-{tag}")
        previous = tag
    return bio


def write_token_tags(documents: list[Document], path: Path, ctx: WriteContext) -> None:
    lines = []
    columns_dropped = 0
    blocks = tag_blocks(documents, ctx, "hf-tokens", scheme="bio", flat=True)
    for index, (doc, block) in enumerate(zip(documents, blocks, strict=True)):
        if block is None:
            continue
        tokens = [unit for unit, _ in block]
        columns = token_columns(doc)
        if columns and doc.meta.get("tokens") != tokens:
            columns, columns_dropped = {}, columns_dropped + 1
        record = {"id": doc.name or str(index), "tokens": tokens, **columns,
                  "ner_tags": [tags[-1] for _, tags in block]}
        lines.append(dumps(record))
    if columns_dropped:
        ctx.warn(f"the per-token columns (pos_tags, ...) of {counted(columns_dropped, 'document')} were not "
                 f"written: {by_count(columns_dropped, 'its', 'their')} tokens were cut at span edges")
    atomic_write_text(path, "".join(line + "\n" for line in lines))


def token_columns(doc: Document) -> dict[str, list[Any]]:
    """The imported per-token columns other than the tags (``pos_tags``, ``chunk_tags``, ...): the lists in
    ``meta`` as long as its stored tokens, which export writes back beside the same tokens."""
    tokens = doc.meta.get("tokens")
    if not isinstance(tokens, list):
        return {}
    return {key: value for key, value in doc.meta.items()
            if key not in KNOWN_KEYS and isinstance(value, list) and len(value) == len(tokens)}


SPECS = (
    FormatSpec(
        name="hf-tokens", reader=read_token_tags, writer=write_token_tags, extensions=(".jsonl", ".json"),
        lossy=True,
        description='Hugging Face token classification {"tokens": [...], "ner_tags": [...]} (datasets to_json, '
                    "transformers run_ner.py); numeric tags need tag_names",
        keeps="tokens (in meta, written back), id as the name, gold spans of one level, per-token columns "
              "(pos_tags, chunk_tags, ...: in meta, written back beside the same tokens)",
        loses="nested spans (the outermost kept), spans not on token boundaries, whitespace, predictions (unless "
              "source='pred'), scores, status, metadata",
        offsets="token positions (one tag per token)", write_options=frozenset({"level"}),
        aliases=("huggingface", "hf")),
)
