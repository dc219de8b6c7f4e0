"""The Kaggle "Annotated Corpus for Named Entity Recognition" (GMB): ner_dataset.csv, with
``Sentence #,Word,POS,Tag`` and the sentence number only on each sentence's first row; and its ner.csv sibling,
whose sentence_idx repeats on every row. Synthetic rows in those layouts."""

from __future__ import annotations

from nerdesk.formats import detect_format, read_file

NER_DATASET = "\n".join([
    "Sentence #,Word,POS,Tag",
    "Sentence: 1,Thousands,NNS,O",
    ",marched,VBN,O",
    ",through,IN,O",
    ",London,NNP,B-geo",
    ',",",",",O',
    ",Peter,NNP,B-per",
    ",Müller,NNP,I-per",
    ",.,.,O",
    'Sentence: 2,"""",``,O',
    ",Bush,NNP,B-per",
    ',"""",``,O',
]) + "\n"
NER_CSV = "sentence_idx,word,pos,tag\n1.0,Thousands,NNS,O\n1.0,London,NNP,B-geo\n2.0,Iraq,NNP,B-geo\n"


def read(path):
    result = read_file(path)
    return [(doc.text, [(span.mention(doc.text), span.label) for span in doc.spans]) for doc in result.documents], \
        result.warnings


def test_kaggle_ner_dataset_csv(tmp_path):
    path = tmp_path / "ner_dataset.csv"
    path.write_text(NER_DATASET, encoding="utf-8")
    assert detect_format(path) == "conll"
    docs, warnings = read(path)
    assert docs == [("Thousands marched through London , Peter Müller .", [("London", "geo"), ("Peter Müller", "per")]),
                    ('" Bush "', [("Bush", "per")])]
    assert any("CSV table of tokens" in warning for warning in warnings)


def test_sentence_id_on_every_row(tmp_path):
    path = tmp_path / "ner.csv"
    path.write_text(NER_CSV, encoding="utf-8")
    docs, _ = read(path)
    assert docs == [("Thousands London", [("London", "geo")]), ("Iraq", [("Iraq", "geo")])]


def test_tab_separated_table_with_a_header(tmp_path):
    # simpletransformers' NER layout (a pandas frame of sentence_id, words, labels) saved with sep="\t"
    path = tmp_path / "train.tsv"
    path.write_text("sentence_id\twords\tlabels\n0\tHarry\tB-PER\n0\tPotter\tI-PER\n1\tLondon\tB-LOC\n",
                    encoding="utf-8")
    assert detect_format(path) == "conll"
    docs, _ = read(path)
    assert docs == [("Harry Potter", [("Harry Potter", "PER")]), ("London", [("London", "LOC")])]


def test_conll_rows_under_a_header_line(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text("token\tlabel\nHarry\tB-PER\nPotter\tI-PER\n\nLondon\tB-LOC\n", encoding="utf-8")
    assert detect_format(path) == "conll"
    docs, warnings = read(path)
    assert docs == [("Harry Potter", [("Harry Potter", "PER")]), ("London", [("London", "LOC")])]
    assert any("the first line names the columns" in warning for warning in warnings)
