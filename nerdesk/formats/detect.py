"""Telling a file's format from its extension and a peek at its content.

Detection never raises anything but ``FormatError``: whatever the bytes (a 5,000-digit integer, deep
nesting, binary), the answer is a format name or a message saying to pass ``--format``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from nerdesk.core.errors import FormatError, NerdeskError
from nerdesk.core.spans import GOLD, PRED
from nerdesk.core.tags import parse_tag
from nerdesk.core.wording import counted
from nerdesk.formats.conll_csv import is_header, is_token_table
from nerdesk.formats.conll_dialects import is_conllu_row, is_io_file, looks_tagged, misc_tag
from nerdesk.formats.conll_msra import is_msra_line
from nerdesk.formats.conll_ontonotes import is_ontonotes_row
from nerdesk.formats.conll_rows import is_comment, is_untagged_language_file
from nerdesk.formats.corpora_boson import looks_like_boson
from nerdesk.formats.corpora_dygie import is_dygie_record
from nerdesk.formats.corpora_spert import is_spert_record
from nerdesk.formats.corpora_w2ner import is_w2ner_record
from nerdesk.formats.doccano import is_annotation_list
from nerdesk.formats.encoding import check_input_file, decode_bytes
from nerdesk.formats.json_records import leading_array_items, value_stream
from nerdesk.formats.label_studio_min import is_json_min_record
from nerdesk.formats.prodigy import is_classification_example, is_doc_json
from nerdesk.formats.pubtator import looks_like_pubtator
from nerdesk.formats.token_tags import is_document_of_sentences, is_token_tags_record
from nerdesk.formats.webanno_tsv import is_webanno_tsv_file, looks_like_webanno_tsv

_PEEK_BYTES = 256 * 1024
_TEXTS_PEEKED = 20  # .txt files of a folder without .ann looked at for one in a format of its own
_RECORDS_PEEKED = 1_000  # JSON records of the peek looked at for one that shows the file's format
CONLL_SUFFIXES = (".bio", ".bmes", ".bioes", ".iob", ".iob2", ".bilou", ".conll")
PRODIGY_KEYS = {"answer", "_input_hash", "_task_hash"}
NERDESK_SOURCES = (GOLD, PRED)
# ValueError covers JSONDecodeError and integers longer than Python converts (4,300 digits).
_JSON_ERRORS = (ValueError, RecursionError)


def _peek_text(path: Path, encoding: str | None) -> str:
    """The start of the file, decoded as the reader will decode it (``encoding.decode_bytes``).

    A peek shorter than the file ends at its last line break, so that no character is cut in two; a peek
    without one (a single long line) drops up to three bytes until it decodes.
    """
    with open(path, "rb") as handle:
        data = handle.read(_PEEK_BYTES + 1)
    if len(data) <= _PEEK_BYTES:
        return decode_bytes(data, encoding, path=str(path))[0]
    data = _up_to_last_line_break(data[:_PEEK_BYTES])
    for drop in range(3):
        with contextlib.suppress(FormatError):
            return decode_bytes(data[: len(data) - drop], encoding, path=str(path))[0]
    return decode_bytes(data[:-3], encoding, path=str(path))[0]


def _up_to_last_line_break(data: bytes) -> bytes:
    end = data.rfind(b"\n") + 1
    if end == 0:
        return data
    if end % 2 and data.count(0) > len(data) // 5:  # UTF-16: keep the other byte of the line break
        end += 1
    return data[:end]


def _classify_entities(record: dict[str, Any], entities: list[Any], *, in_array: bool) -> str:
    first = next((e for e in entities if isinstance(e, dict | list)), None)
    if isinstance(first, list) or "cats" in record:
        return "doccano"  # [[start, end, "LABEL"], ...]: doccano's intent-detection shape
    if first is None and "relations" in record:
        return "doccano"  # a relation project's record with no entities yet
    if first is not None:
        if "start_idx" in first:
            return "cmeee"
        if "start_offset" in first:
            return "doccano"
        if "start" in first:
            return "genia"
    if {"doc_id", "sent_id", "tokens"} & record.keys():
        return "genia"
    return "cmeee" if in_array else "genia"


def _classify_spans_record(record: dict[str, Any], *, in_array: bool) -> str:
    """nerdesk's own records (``status``, spans from ``gold``/``pred``) or Prodigy/spaCy ones.

    Prodigy's ner.correct and ner.teach name the model a span came from in its ``source``
    (``"en_core_web_sm"``), so a ``source`` alone does not make a record nerdesk's.
    """
    if "status" in record:
        return "nerdesk-json" if in_array else "jsonl"
    if PRODIGY_KEYS & record.keys() or isinstance(record.get("tokens"), list):
        return "spacy"
    if any(isinstance(s, dict) and s.get("source") in NERDESK_SOURCES for s in record["spans"]):
        return "nerdesk-json" if in_array else "jsonl"
    return "spacy"


def classify_record(record: Any, *, in_array: bool) -> str | None:
    """The format one JSON record looks like, or ``None``."""
    if not isinstance(record, dict):
        return None
    if record.get("format") == "nerdesk" and "documents" in record:
        return "nerdesk-json"
    if isinstance(record.get("data"), dict) and (
            {"annotations", "predictions", "completions"} & record.keys()
            or any(isinstance(value, str) for value in record["data"].values())):
        return "label-studio"  # a task; one still to annotate may name its text field anything ("body")
    if is_json_min_record(record):
        return "label-studio"  # Label Studio's JSON-MIN export
    if is_spert_record(record):
        return "spert"  # SpERT: {"tokens": [...], "entities": [{"type", "start", "end"}], "relations": [...]}
    if "text" not in record and is_dygie_record(record):
        return "dygie"  # DyGIE++ / PURE: {"doc_key", "sentences": [[tokens]], "ner": [[[first, last, label]]]}
    if "text" not in record and is_w2ner_record(record):
        return "w2ner"  # W2NER: {"sentence": [tokens], "ner": [{"index": [...], "type": ...}]}
    if "text" not in record and (is_token_tags_record(record) or is_document_of_sentences(record)):
        return "hf-tokens"  # Hugging Face datasets: {"tokens": [...], "ner_tags": [...]}
    if "text" not in record:
        if isinstance(record.get("paragraphs"), list):
            return "spacy-v2"  # spaCy v2's JSON training format: {"id", "paragraphs": [...]}
        if isinstance(record.get("data"), str) and isinstance(record.get("label", record.get("labels")), list):
            return "doccano"  # doccano 1.4-1.5 name the text "data"
        return None
    if isinstance(record.get("spans"), list):
        return _classify_spans_record(record, in_array=in_array)
    if is_doc_json(record):
        return "spacy"  # spaCy's Doc.to_json()
    if record.get("spans") is not None:  # not a list, nor span groups: the jsonl reader refuses it (E110)
        return "nerdesk-json" if in_array else "jsonl"
    if PRODIGY_KEYS & record.keys() and is_classification_example(record):
        return "spacy"  # Prodigy's text classification: {"text", "label": "INSULT", "answer": "accept"}
    label = record.get("label", record.get("labels"))
    if isinstance(label, dict):
        return "cluener"
    if isinstance(label, list):
        return "doccano"
    if isinstance(record.get("entities"), list):
        return _classify_entities(record, record["entities"], in_array=in_array)
    if is_annotation_list(record.get("annotations")):
        return "doccano"  # doccano 1.0-1.2: {"annotations": [{"label": 12, "start_offset", "end_offset", "user"}]}
    if {"doc_id", "sent_id", "tokens"} & record.keys():
        return "genia"
    return "cmeee" if in_array else "cluener"


def looks_like_conll(head: str) -> bool:
    lines = [line.strip() for line in head.split("\n")[:200]]
    lines = [line for line in lines if line and not line.startswith("-DOCSTART-") and not is_comment(line.split())]
    if lines and is_header(lines[0].split()):
        lines = lines[1:]  # "token<TAB>label": the columns' names
    if len(lines) > 1 and not head.endswith("\n"):
        lines = lines[:-1]  # possibly cut by the peek
    if not lines:
        return False
    rows = [line.split() for line in lines]
    conllu_ner = any(is_conllu_row(fields) and misc_tag(fields[-1]) for fields in rows)
    good = sum(looks_tagged(fields) or is_ontonotes_row(fields) or is_msra_line(fields)
               or (conllu_ner and is_conllu_row(fields)) for fields in rows)
    return good / len(lines) >= 0.95 or is_io_file(rows)


def _whole_text(path: Path, encoding: str | None) -> str:
    """The whole file, decoded: for a first record longer than the peek."""
    content, _ = decode_bytes(path.read_bytes(), encoding, path=str(path))
    return content


def _classify_json_head(head: str, path: Path, encoding: str | None) -> str | None:
    stripped = head.lstrip()
    if stripped.startswith("["):
        body = stripped[1:].lstrip()
        if body.startswith("]"):
            return None
        records = leading_array_items(body, _RECORDS_PEEKED)
        if not records:
            if path.stat().st_size <= _PEEK_BYTES:
                return None
            try:  # the first record is longer than the peek: read the file whole
                data = json.loads(_whole_text(path, encoding))
            except (*_JSON_ERRORS, NerdeskError):
                return None
            records = data[:_RECORDS_PEEKED] if isinstance(data, list) else []
        return _classify_records(records, in_array=True)
    if stripped.startswith("{"):
        records = list(_json_lines(stripped))
        if records:
            return _classify_records(records, in_array=False)
        try:  # objects printed over several lines each: read the file whole
            content = _whole_text(path, encoding)
        except NerdeskError:
            return None
        values = value_stream(content) or []
        return _classify_records([value for _, value in values[:_RECORDS_PEEKED]], in_array=False)
    return None


def _classify_records(records: list[Any], *, in_array: bool) -> str | None:
    """The format of the first record that shows one; a file whose first records are bare texts
    (``{"text": ...}``) is judged by the first record with spans, not guessed from the bare ones."""
    if not records or classify_record(records[0], in_array=in_array) is None:
        return None
    guess = None
    for record in records:
        found = classify_record(record, in_array=in_array)
        if found is not None and not _only_text(record):
            return found
        guess = guess or found
    return guess


def _only_text(record: Any) -> bool:
    """A record with a text and no field that tells its format (no spans, labels or entities)."""
    if not isinstance(record, dict) or "text" not in record or isinstance(record.get("data"), dict):
        return False
    if is_json_min_record(record):
        return False
    if {"spans", "label", "labels", "cats", "relations", "doc_id", "sent_id", "tokens"} & record.keys():
        return False
    if is_annotation_list(record.get("annotations")):
        return False
    entities = record.get("entities")
    return not (isinstance(entities, list) and any(isinstance(e, dict | list) for e in entities))


def _json_lines(text: str) -> Iterator[Any]:
    """The records of the peek's complete JSON lines, up to the first line that does not parse."""
    for line in text.split("\n")[:_RECORDS_PEEKED]:
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except _JSON_ERRORS:
            return


def _refuse_tags_alone(head: str, path: Path) -> None:
    """A text whose every line is tags alone (``O O B-ORG I-ORG``) is the tags half of a corpus that keeps its
    words in a file beside it (MSRA's tags.txt beside sentences.txt, as NER-BERT-pytorch ships it): as plain text
    it would become documents of tags."""
    lines = [line.split() for line in head.split("\n")[:200] if line.strip()]
    tags = [tag for fields in lines for tag in fields]
    if tags and all(parse_tag(tag) is not None for tag in tags) and any(tag != "O" for tag in tags):
        raise FormatError("every line holds tags alone (O, B-ORG, I-ORG...): the tags of sentences kept in another "
                          "file; put each word beside its tag, one 'word TAG' row a line and a blank line between "
                          "sentences, and import that file", path=str(path), code="E102")


def _detect_dir(path: Path, known: tuple[str, ...], encoding: str | None) -> str:
    """brat when the folder holds .ann files; WebAnno TSV when it holds such .tsv files (an INCEpTION export
    may have the source .txt files beside them); else brat when it holds .txt files of plain text."""
    if any(path.rglob("*.ann")):
        return "brat"
    if any(file.is_file() and is_webanno_tsv_file(file) for file in path.rglob("*.tsv")):
        return "webanno-tsv"
    texts = sorted(path.rglob("*.txt"))
    if texts:
        _refuse_files_of_a_format(path, texts, known, encoding)
        return "brat"
    raise FormatError("a directory without .txt, .ann or WebAnno TSV files: neither a brat collection nor a "
                      "WebAnno TSV export", path=str(path), code="E124")


def _refuse_files_of_a_format(folder: Path, texts: list[Path], known: tuple[str, ...], encoding: str | None) -> None:
    """A folder of .txt files and no .ann holds brat's texts still to annotate, unless the files are in a format
    of their own: a CoNLL corpus's train.txt, valid.txt and test.txt became three documents of "TOKEN TAG" lines."""
    for file in texts[:_TEXTS_PEEKED]:
        found = "text"
        with contextlib.suppress(NerdeskError):  # an empty or unreadable file is the brat reader's to name
            found = _detect(file, known, encoding)
        if found != "text":
            names = ", ".join(text.name for text in texts[:3]) + (", ..." if len(texts) > 3 else "")
            raise FormatError(f"a folder without .ann files, so not a brat collection, whose .txt files are "
                              f"{found} ({file.name}; {counted(len(texts), '.txt file')}: {names}): import the "
                              f"files themselves (nerdesk import PROJECT {folder}/*.txt)", path=str(folder),
                              code="E124")


def detect_format(path: str | Path, known: tuple[str, ...], *, encoding: str | None = None) -> str:
    """The format of ``path`` from its extension and a peek at its content; ``FormatError`` if unknown."""
    path = Path(path)
    try:
        return _detect(path, known, encoding)
    except NerdeskError:
        raise
    except OSError as error:
        raise FormatError(f"cannot read the file: {error.strerror or error}", path=str(path), code="E105") from error
    except Exception as error:  # noqa: BLE001 - detection must end in a NerdeskError, whatever the bytes
        raise FormatError(f"cannot tell the format of this file ({type(error).__name__}); pass one of: "
                          f"{', '.join(known)}", path=str(path), code="E102") from error


def _not_a_regular_file(path: Path) -> NoReturn:
    """Raise ``FormatError`` saying what ``path`` is: missing (E104), a device or socket (E105), a pipe (E102)."""
    if not path.exists():
        raise FormatError("no such file or directory", path=str(path), code="E104")
    check_input_file(path)  # a device or a socket
    raise FormatError("is a pipe, not a regular file: its format cannot be told without using up what it holds; "
                      "pass the format (--format)", path=str(path), code="E102")


def _detect(path: Path, known: tuple[str, ...], encoding: str | None) -> str:
    if path.is_dir():
        return _detect_dir(path, known, encoding)
    if not path.is_file():
        _not_a_regular_file(path)
    suffix = path.suffix.lower()
    if suffix == ".ann":
        return "brat"
    if suffix == ".spacy":
        return "spacy"
    head = _peek_text(path, encoding)
    if suffix == ".txt" and path.with_suffix(".ann").is_file():
        return "brat"
    if looks_like_webanno_tsv(head):
        return "webanno-tsv"  # #FORMAT=WebAnno TSV 3.3: never CoNLL columns, whatever the suffix
    if suffix == ".pubtator" or looks_like_pubtator(head):
        return "pubtator"  # PMID|t|... then PMID|a|... or an annotation of the same PMID: never plain text
    found = _classify_json_head(head, path, encoding)
    if found is not None:
        return found
    _refuse_tags_alone(head, path)
    if looks_like_conll(head) or is_token_table(head) or suffix in CONLL_SUFFIXES or is_untagged_language_file(head):
        return "conll"
    if looks_like_boson(head):
        return "boson"  # BosonNLP: {{person_name:张三}}在{{location:北京}}
    if suffix == ".txt":
        return "text"
    if not head.strip():
        raise FormatError("the file is empty: cannot tell its format; pass the format explicitly (--format)",
                          path=str(path), code="E103")
    if _is_untagged_tokens(head):
        raise FormatError("a token a line and no tags: a CoNLL file without its labels (pass --format conll) or "
                          "a list of words (pass --format text)", path=str(path), code="E102")
    raise FormatError(f"cannot tell the format of this file; pass --format with one of: {', '.join(known)}",
                      path=str(path), code="E102")


def _is_untagged_tokens(head: str) -> bool:
    """Lines of one field each, in blocks with blank lines between them: a CoNLL file without tags reads so, and
    so does a list of words in groups."""
    lines = [line.split() for line in head.split("\n")]
    return all(len(fields) <= 1 for fields in lines) and any(not fields for fields in lines[:-1])
