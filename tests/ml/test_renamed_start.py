"""Training from a model that knows a label by the name it had before the project renamed it keeps its head
and learns the label under its name now."""

from __future__ import annotations

from fixtures_bundle import sentence_documents, shared_tiny_bundle

from nerdesk.training.start import start_kind, start_model


def test_a_renamed_label_keeps_the_head_and_takes_its_new_name(tmp_path_factory):
    bundle = shared_tiny_bundle(tmp_path_factory)
    texts = [doc.text for doc in sentence_documents()]
    labels = ["LOC", "ORG", "person"]
    renamed = {"PER": "person"}

    assert start_kind(str(bundle), labels, 500) == "transfer"  # without the renames: a new head
    assert start_kind(str(bundle), labels, 500, renamed) in ("continue", "extend")

    fresh, _ = start_model(str(bundle), labels, texts)
    kept, _ = start_model(str(bundle), labels, texts, renamed=renamed)
    original, _ = start_model(str(bundle), ["LOC", "ORG", "PER"], texts)
    assert sorted(kept.config.labels) == labels
    assert list(kept.config.labels) == [{"PER": "person"}.get(name, name) for name in original.config.labels]
    for name, weight in kept.head.state_dict().items():  # the head's weights are the model's own
        assert weight.equal(original.head.state_dict()[name])
    assert any(not weight.equal(original.head.state_dict()[name])  # without them: a new head
               for name, weight in fresh.head.state_dict().items())
