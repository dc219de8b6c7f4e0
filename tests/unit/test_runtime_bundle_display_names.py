"""Label display names and descriptions travel through bundle.json, and are checked like the other fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from nerdesk.core.errors import ModelBundleError
from nerdesk.core.labels import LabelSet
from nerdesk.runtime.bundle import labels_from_json, labels_to_json
from nerdesk.runtime.manifest import validate_manifest


def english_labels() -> LabelSet:
    labels = LabelSet.from_names(["PER", "ORG", "LOC", "MISC"], flat=True)
    labels.update("PER", display_name="Person")
    labels.update("MISC", display_name="Miscellaneous", description="nationalities, events, works")
    return labels


def test_display_names_round_trip_and_only_where_set():
    records = labels_to_json(english_labels())
    assert records[0]["display_name"] == "Person" and "description" not in records[0]
    assert set(records[1]) == {"name", "color", "key"}  # ORG has neither: the record keeps its old form
    loaded = labels_from_json(records, flat=True)
    assert loaded.get("PER").title == "PER — Person"
    assert loaded.get("MISC").description == "nationalities, events, works"
    assert loaded.get("ORG").display_name == "" and loaded.flat


def test_a_display_name_that_is_not_text_is_refused():
    records = labels_to_json(english_labels())
    records[0]["display_name"] = ["Person"]
    manifest = {"schema_version": 1, "name": "en", "labels": records, "max_length": 64, "stride": 8,
                "threshold": 0.0, "files": {"tokenizer.json": {"sha256": "0" * 64}},
                "variants": {"int8": "model.int8.onnx"}, "default_variant": "int8"}
    with pytest.raises(ModelBundleError, match=r"labels\[0\]\.display_name must be a string") as caught:
        validate_manifest(manifest, Path("bundle.json"))
    assert caught.value.code == "E306"
