"""A prediction the user turned down in a document not yet reviewed is not proposed again by the next model
run (a Retrain's re-prediction, Predict all); an undo takes the rejection back."""

from __future__ import annotations

import sqlite3

import pytest
from fixtures_bundle import create_scored_project, shared_tiny_bundle

from nerdesk.core import Document, Span
from nerdesk.core.edits import reject_predictions
from nerdesk.core.spans import GOLD, PRED
from nerdesk.storage import Project
from nerdesk.workflows.label_edits import apply_label_merge
from nerdesk.workflows.models import repredict_unreviewed
from nerdesk.workflows.session import EditingSession

TEXT = "李娜👩‍💻去上海出差。\r\n王芳在北京。"  # a ZWJ sequence and \r\n before the second sentence
PER, LOC, PER_2, LOC_2 = (0, 2, "PER"), (6, 8, "LOC"), (13, 15, "PER"), (16, 18, "LOC")


def pred(key: tuple[int, int, str], version: str = "m1", score: float = 0.9) -> Span:
    return Span(*key, PRED, score, version)


def model_run(session: EditingSession, version: str) -> None:
    """What Retrain's re-prediction stores: the same four spans from a new model."""
    session.store_predictions([(1, [pred(key, version) for key in (PER, LOC, PER_2, LOC_2)])], version,
                              unreviewed_only=True)


def predicted(session: EditingSession) -> set[tuple[int, int, str]]:
    return {span.key for span in session.require_project().spans(1) if span.source == PRED}


@pytest.fixture
def session(tmp_path):
    path = tmp_path / "rejections.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(TEXT)])
        project.replace_predictions(1, [pred(key) for key in (PER, LOC, PER_2, LOC_2)], "m1")
    session = EditingSession()
    session.open_project(path)
    session.open_document(1)
    yield session
    session.close_project()


def spans_of(session: EditingSession, key: tuple[int, int, str]) -> list[Span]:
    return [span for span in session.current_document().spans if span.key == key]


def test_a_rejected_prediction_is_not_proposed_again(session):
    assert TEXT[LOC[0]:LOC[1]] == "上海" and TEXT[LOC_2[0]:LOC_2[1]] == "北京"
    session.reject(spans_of(session, LOC))
    session.delete_spans(spans_of(session, PER_2))
    model_run(session, "m2")
    assert predicted(session) == {PER, LOC_2}


def test_a_corrected_prediction_is_not_proposed_again_but_an_accepted_one_stands_under_its_gold(session):
    session.relabel(spans_of(session, LOC)[0], "ORG")
    session.resize(spans_of(session, PER_2)[0], 13, 14)
    session.accept(spans_of(session, PER))
    model_run(session, "m2")
    assert predicted(session) == {PER, LOC_2}  # PER: the hidden twin of the accepted gold span
    gold = {span.key for span in session.require_project().spans(1) if span.source == GOLD}
    assert gold == {PER, (6, 8, "ORG"), (13, 14, "PER")}


def test_undo_takes_the_rejection_back(session):
    session.reject(spans_of(session, LOC))
    assert session.undo()
    model_run(session, "m2")
    assert LOC in predicted(session)


def test_undo_after_a_model_run_releases_the_rejection_for_the_next_run(session):
    session.reject(spans_of(session, LOC))
    model_run(session, "m2")
    assert session.undo()  # overtaken by m2's run: nothing is put back, but the rejection is taken back
    assert LOC not in predicted(session)
    model_run(session, "m3")
    assert LOC in predicted(session)


def test_a_rejection_follows_a_rename_and_a_merge(session):
    session.reject(spans_of(session, LOC))
    session.update_label("LOC", new_name="PLACE")
    session.store_predictions([(1, [pred(LOC, "m2"), pred(LOC_2, "m2")])], "m2")  # m2 still says LOC
    assert predicted(session) == {(16, 18, "PLACE")}

    project = session.require_project()
    project.add_label("GPE")
    apply_label_merge(project, "PLACE", "GPE")
    project.replace_predictions(1, [pred((6, 8, "GPE")), pred((16, 18, "GPE"))], "m3")
    assert predicted(session) == {(16, 18, "GPE")}


def test_deleting_the_document_deletes_its_rejections(session):
    session.reject(spans_of(session, LOC))
    project = session.require_project()
    project.delete_documents([1])
    assert project.db.execute("SELECT count(*) FROM rejected_predictions").fetchone()[0] == 0


def test_an_older_project_is_upgraded_with_no_rejections(tmp_path):
    path = tmp_path / "old.nerdesk"
    with Project.create(path) as project:
        project.add_documents([Document(TEXT)])
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE rejected_predictions")
    connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    with Project.open(path) as project:
        project.replace_predictions(1, [pred(LOC)], "m1")
        assert project.schema_version == 4
        assert [span.key for span in project.spans(1)] == [LOC]
    assert (tmp_path / "old.nerdesk.bak-v3").exists()



def test_predicting_again_with_a_real_model_leaves_a_rejected_prediction_out(tmp_path_factory, tmp_path):
    create_scored_project(tmp_path / "scored.nerdesk", shared_tiny_bundle(tmp_path_factory))
    with Project.open(tmp_path / "scored.nerdesk") as project:
        bundle = project.active_model().bundle_path
        repredict_unreviewed(project, bundle)
        document = next(doc for doc in project.all_documents() if doc.status != "reviewed")
        turned_down = document.predictions[0]
        project.apply_edit(reject_predictions(document.id, [turned_down]))

        repredict_unreviewed(project, bundle)

        again = {span.key for span in project.spans(document.id) if span.source == PRED}
        assert turned_down.key not in again
        assert again == {span.key for span in document.predictions[1:]}


def test_stats_count_the_rejected_predictions_per_label(session, capsys):
    from nerdesk.cli import main

    session.reject(spans_of(session, LOC))
    session.reject(spans_of(session, LOC_2))
    assert session.require_project().stats()["rejected"] == {"LOC": 2}
    path = session.require_project().path
    session.close_project()
    assert main(["stats", str(path)]) == 0
    rows = {line.split("│")[1].strip(): line for line in capsys.readouterr().out.splitlines() if "│" in line}
    assert rows["LOC"].split("│")[4].strip() == "2" and rows["PER"].split("│")[4].strip() == "0"


def test_forgetting_a_documents_rejections_lets_the_next_run_propose_them_again(session, tmp_path):
    session.reject(spans_of(session, LOC))
    session.delete_spans(spans_of(session, PER_2))
    project = session.require_project()
    project.add_documents([Document(TEXT)])
    project.replace_predictions(2, [pred(LOC)], "m1")
    project.apply_edit(reject_predictions(2, [pred(LOC)]))
    assert (project.count_rejected_predictions(1), project.count_rejected_predictions(2)) == (2, 1)

    assert project.forget_rejected_predictions(1) == 2
    assert (project.count_rejected_predictions(1), project.count_rejected_predictions(2)) == (0, 1)
    assert predicted(session) == {PER, LOC_2}  # the spans stay as they are until a model runs
    model_run(session, "m2")
    assert predicted(session) == {PER, LOC, PER_2, LOC_2}
