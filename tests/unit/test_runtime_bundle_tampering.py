"""Bundles edited by hand or by someone else: every tampering is one ModelBundleError naming what is wrong.

The bundle is the tiny model of ``fixtures_bundle`` (trained once per test process), copied per test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch")

from fixtures_bundle import LABELS, shared_tiny_bundle  # noqa: E402

from nerdesk.core.errors import ModelBundleError  # noqa: E402
from nerdesk.runtime.bundle import (  # noqa: E402
    FP32_FILE,
    INT8_FILE,
    LABELS_METADATA_KEY,
    MANIFEST,
    TOKENIZER_FILE,
    Bundle,
    describe_bundle,
    file_entry,
    labels_metadata,
)


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory) -> Path:
    return shared_tiny_bundle(tmp_path_factory)


@pytest.fixture
def bundle(tiny_bundle, tmp_path) -> Path:
    copy = tmp_path / "bundle"
    shutil.copytree(tiny_bundle, copy)
    return copy


def edit(bundle_dir: Path, change) -> None:
    path = bundle_dir / MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def put(key, value):
    return lambda manifest: manifest.__setitem__(key, value)


def swap_first_two_labels(manifest):
    labels = manifest["labels"]
    labels[0]["name"], labels[1]["name"] = labels[1]["name"], labels[0]["name"]


def outside_file(manifest, name):
    manifest["files"][name] = manifest["files"][TOKENIZER_FILE]


TAMPERINGS = {
    "labels as strings": (put("labels", LABELS), "labels[0] must be an object with a non-empty name"),
    "files as a string": (put("files", "model.onnx"), "files must be an object mapping file names"),
    "variants as a list": (put("variants", ["fp32"]), "variants must be an object mapping variants"),
    "max_length long": (put("max_length", "long"), "max_length must be an integer of at least 2, got 'long'"),
    "threshold high": (put("threshold", "high"), "threshold must be a finite number, got 'high'"),
    "threshold NaN": (put("threshold", float("nan")), "threshold must be a finite number, got nan"),
    "threshold true": (put("threshold", True), "threshold must be a finite number, got True"),
    "schema version text": (put("schema_version", "1"), "schema_version must be a positive integer"),
    "name missing": (lambda m: m.pop("name"), "missing field name"),
    "metrics a list": (put("metrics", []), "metrics must be an object"),
    "label twice": (lambda m: m["labels"].append(dict(m["labels"][0])), "label 'PER' is listed twice"),
    "label colour a number": (lambda m: m["labels"][0].__setitem__("color", 3), "labels[0].color must be"),
    "hash not hex": (lambda m: m["files"][FP32_FILE].__setitem__("sha256", "x" * 64), "sha256 hex digest"),
    "absolute file": (lambda m: outside_file(m, "/etc/hostname"), "names '/etc/hostname', which is not a plain"),
    "parent file": (lambda m: outside_file(m, "../tokenizer.json"), "names '../tokenizer.json'"),
    "windows drive": (lambda m: outside_file(m, "C:model.onnx"), "names 'C:model.onnx'"),
    "backslash": (lambda m: outside_file(m, "..\\model.onnx"), "which is not a plain file name"),
    "variant outside": (lambda m: m["variants"].__setitem__("int8", "../model.int8.onnx"),
                        "variants['int8'] names '../model.int8.onnx'"),
    "variant a number": (lambda m: m["variants"].__setitem__("int8", 8), "variants['int8'] must be a file name"),
}


@pytest.mark.parametrize("case", sorted(TAMPERINGS))
def test_an_edited_manifest_is_refused_with_one_line_naming_the_field(bundle, case):
    change, expected = TAMPERINGS[case]
    edit(bundle, change)
    with pytest.raises(ModelBundleError) as caught:
        Bundle.load(bundle)
    message = str(caught.value)
    assert expected in message and "\n" not in message and MANIFEST in message


@pytest.mark.parametrize("case", ["max_length long", "metrics a list", "files as a string"])
def test_the_model_panel_summary_refuses_the_same_edits(bundle, case):
    edit(bundle, TAMPERINGS[case][0])
    with pytest.raises(ModelBundleError):
        describe_bundle(bundle)


def test_a_symbolic_link_out_of_the_folder_is_refused(bundle, tmp_path):
    outside = tmp_path / "elsewhere.json"
    shutil.copy(bundle / TOKENIZER_FILE, outside)
    (bundle / TOKENIZER_FILE).unlink()
    (bundle / TOKENIZER_FILE).symlink_to(outside)
    with pytest.raises(ModelBundleError, match="tokenizer.json: leads outside the bundle folder") as caught:
        Bundle.load(bundle)
    assert caught.value.code == "E309"


def test_a_manifest_linked_from_outside_is_refused(bundle, tmp_path):
    outside = tmp_path / "manifest.json"
    shutil.move(bundle / MANIFEST, outside)
    (bundle / MANIFEST).symlink_to(outside)
    with pytest.raises(ModelBundleError, match="bundle.json: leads outside the bundle folder") as caught:
        Bundle.load(bundle)
    assert caught.value.code == "E309"


def test_a_loop_of_symbolic_links_is_refused(bundle):
    (bundle / TOKENIZER_FILE).unlink()
    (bundle / TOKENIZER_FILE).symlink_to(TOKENIZER_FILE)  # itself
    with pytest.raises(ModelBundleError, match="tokenizer.json: cannot be followed") as caught:
        Bundle.load(bundle)
    assert caught.value.code == "E309"


def test_an_escaped_lone_surrogate_in_a_display_name_loads(bundle):
    path = bundle / MANIFEST
    manifest = json.loads(path.read_text("utf-8"))
    manifest["labels"][0]["display_name"] = "Lo\ud800c"
    path.write_text(json.dumps(manifest, ensure_ascii=True), "utf-8")  # written as the escape "\\ud800"
    assert Bundle.load(bundle).labels.names == LABELS


def test_a_symbolic_link_inside_the_folder_is_allowed(bundle):
    (bundle / "models").mkdir()
    shutil.move(bundle / INT8_FILE, bundle / "models" / INT8_FILE)
    (bundle / INT8_FILE).symlink_to(Path("models") / INT8_FILE)
    assert Bundle.load(bundle).labels.names == LABELS


def bind_labels(bundle_dir: Path, labels: list[str]) -> None:
    """Write the label names into both ONNX models (what export does) and re-hash them."""
    import onnx

    for file_name in (FP32_FILE, INT8_FILE):
        model = onnx.load(bundle_dir / file_name)
        onnx.helper.set_model_props(model, labels_metadata(labels))
        onnx.save(model, bundle_dir / file_name)
        edit(bundle_dir, lambda m, name=file_name: m["files"].__setitem__(name, file_entry(bundle_dir / name)))


def test_labels_metadata_is_one_json_list_under_one_key():
    assert labels_metadata(["PER", "地名"]) == {LABELS_METADATA_KEY: '["PER", "地名"]'}


def test_swapping_two_label_names_is_refused_when_the_model_records_its_labels(bundle):
    bind_labels(bundle, LABELS)
    assert Bundle.load(bundle).labels.names == LABELS
    edit(bundle, swap_first_two_labels)
    with pytest.raises(ModelBundleError, match=r"trained for the labels \['PER', 'LOC', 'ORG'\] but bundle.json "
                                               r"lists \['LOC', 'PER', 'ORG'\]") as caught:
        Bundle.load(bundle)
    assert caught.value.code == "E321"


def test_a_predictor_on_a_bundle_loaded_without_its_model_check_still_refuses_swapped_labels(bundle):
    """Paths that load a bundle quickly (check_models=False) predict through OnnxPredictor, which checks its session."""
    from nerdesk.runtime.predictor import OnnxPredictor

    bind_labels(bundle, LABELS)
    edit(bundle, swap_first_two_labels)
    with pytest.raises(ModelBundleError) as caught:
        OnnxPredictor(Bundle.load(bundle, check_models=False))
    assert caught.value.code == "E321"


def test_the_content_hash_covers_the_manifest_but_not_its_formatting(bundle, tiny_bundle):
    original = Bundle.load(tiny_bundle).content_hash
    assert len(original) == 64 and Bundle.load(bundle).content_hash == original
    manifest = json.loads((bundle / MANIFEST).read_text("utf-8"))
    (bundle / MANIFEST).write_text(json.dumps(manifest, indent=7), "utf-8")
    assert Bundle.load(bundle).content_hash == original
    edit(bundle, put("threshold", 0.25))
    assert Bundle.load(bundle).content_hash != original
