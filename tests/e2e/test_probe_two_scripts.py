"""The automatic start in a project of English and Chinese documents: the probe samples both scripts, and a model
whose tokens cannot mark one script's entities is no start (the English word tokenizer keeps a Chinese sentence in
one token: training from en-general-conll left 1,023 of 2,387 gold spans of a Resume + CoNLL project unusable)."""

from __future__ import annotations

from nerdesk.core import Document, Span
from nerdesk.storage import Project
from nerdesk.workflows import probe
from nerdesk.workflows.default_models import embedded_model_names, text_script


def person(text: str, name: str) -> Document:
    return Document(text, [Span(text.index(name), text.index(name) + len(name), "PER")], status="reviewed")


def test_a_project_of_two_scripts_is_probed_on_both_with_models_that_can_mark_them(tmp_path, monkeypatch):
    assert {"en-general-conll", "zh-general-cluener"} <= set(embedded_model_names())
    probed: dict[str, list[str]] = {}
    real = probe.boundary_f1
    monkeypatch.setattr(probe, "boundary_f1", lambda bundle, sample: probed.setdefault(
        bundle.path.name, [text_script([doc.text]) for doc in sample]) and real(bundle, sample))
    with Project.create(tmp_path / "notes.nerdesk") as project:
        project.add_documents([person(f"Anna Berg met John Smith in Oslo on day {n}.", "John Smith")
                               for n in range(45)])  # the first 40 reviewed documents are all English
        project.add_documents([person(f"第{n}位新患者王五在北京就诊。", "王五") for n in range(20)])
        sample = probe.probe_sample(project).documents
        assert {text_script([doc.text]) for doc in sample} == {"latin", "cjk"}
        assert sum(text_script([doc.text]) == "cjk" for doc in sample) == round(40 * 20 / 65)

        chosen = probe.best_candidate(project, {"PER"})
        assert "zh-general-cluener" in probed and "en-general-conll" not in probed
        assert set(probed["zh-general-cluener"]) == {"latin", "cjk"}
        assert chosen is None or "en-general-conll" not in chosen.name
