"""The demo project: built from resources/demo, its Chinese notes predicted with the embedded medical model.
(The English documents and their model: tests/e2e/test_demo_english.py.)"""

from __future__ import annotations

import pytest

from nerdesk.core.spans import PRED, nesting_depth
from nerdesk.storage import Project
from nerdesk.workflows.default_models import MEDICAL_ZH, embedded_model_names, text_script
from nerdesk.workflows.demo import DEMO_FILE, DEMO_TEXTS, demo_texts_dir, ensure_demo_project


def demo_lines() -> int:
    return sum(len([line for line in (demo_texts_dir() / name).read_text("utf-8").splitlines() if line.strip()])
               for name in DEMO_TEXTS)


@pytest.mark.skipif(MEDICAL_ZH not in embedded_model_names(), reason="the embedded medical model is not built")
def test_demo_project_shows_nested_predictions(tmp_path):
    path = ensure_demo_project(tmp_path / "data")
    assert path == tmp_path / "data" / DEMO_FILE
    assert not list((tmp_path / "data").glob(".*partial*")), "the temporary file was renamed into place"
    with Project.open(path) as project:
        documents = list(project.all_documents())
        assert len(documents) == demo_lines()
        assert documents[0].text.startswith("患者男")
        active = project.active_model()
        assert active is not None and active.bundle_path.name == MEDICAL_ZH
        chinese = [doc for doc in documents if text_script([doc.text]) == "cjk"]
        predictions = [span for doc in chinese for span in doc.spans if span.source == PRED]
        assert predictions and all(span.model_version == active.name for span in predictions)
        assert max(nesting_depth([s for s in doc.spans if s.source == PRED]) for doc in documents) >= 2
        assert all(doc.status == "predicted" for doc in documents if doc.predictions)
    modified = path.stat().st_mtime_ns
    assert ensure_demo_project(tmp_path / "data") == path
    assert path.stat().st_mtime_ns == modified, "an existing demo project is opened, not rebuilt"


@pytest.mark.skipif(MEDICAL_ZH not in embedded_model_names(), reason="the embedded medical model is not built")
def test_embedded_model_describes_the_variant_it_runs_and_its_dev_score():
    import json

    from nerdesk.runtime.bundle import describe_bundle
    from nerdesk.workflows.default_models import models_dir

    bundle = models_dir() / MEDICAL_ZH
    manifest = json.loads((bundle / "bundle.json").read_text("utf-8"))
    summary, reason = describe_bundle(bundle)
    variant = manifest["default_variant"]
    assert summary == f"{variant} model, dev F1 {manifest['quantization'][f'f1_{variant}']:.1f}"  # of the variant that runs
    assert reason.startswith(f"{manifest['default_variant']} is the default")
