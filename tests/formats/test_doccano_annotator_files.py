"""doccano exports a project without collaborative annotation as one file per user (alice.jsonl, bob.jsonl), the
same examples in each with that user's labels. Imported together, the second user's copies were skipped as
duplicates (same text and metadata) under a warning that did not say their spans differed."""

from __future__ import annotations

import json

from nerdesk.cli import main
from nerdesk.storage import Project

TEXT = "Tim Cook runs Apple in 東京 😀."


def user_file(folder, user, labels):
    path = folder / f"{user}.jsonl"
    path.write_text(json.dumps({"id": 7, "text": TEXT, "Comments": [], "label": labels}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return str(path)


def test_a_second_annotators_copy_is_said_to_differ(tmp_path, capsys):
    alice = user_file(tmp_path, "alice", [[0, 8, "PER"]])
    bob = user_file(tmp_path, "bob", [[0, 8, "PER"], [14, 19, "ORG"]])
    carol = user_file(tmp_path, "carol", [[0, 8, "PER"]])
    project = tmp_path / "p.nerdesk"
    assert main(["import", str(project), alice, bob, carol]) == 0
    err = capsys.readouterr().err
    assert ("skipped 2 documents whose text and metadata equal one already in the project or earlier in the input "
            "(--duplicates keep imports them); 1 of them has other gold spans than the document it equals (another "
            "annotator's copy, or annotations made since), and its spans were not imported") in err
    assert main(["import", str(project), bob, "--duplicates", "keep"]) == 0
    with Project.open(project) as opened:
        assert sorted(len(d.spans) for d in opened.all_documents()) == [1, 2]


def test_plain_duplicates_keep_the_short_warning(tmp_path, capsys):
    alice = user_file(tmp_path, "alice", [[0, 8, "PER"]])
    project = tmp_path / "p.nerdesk"
    assert main(["import", str(project), alice]) == 0
    assert main(["import", str(project), alice]) == 0
    err = capsys.readouterr().err
    assert "skipped 1 document whose text" in err and "other gold spans" not in err
