"""One ``DecodeSettings`` value from export to prediction: what bundle.json records is what a bundle's
predictor, and the torch model scored at training time, decode with."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from fixtures_bundle import shared_tiny_bundle, shared_tiny_model  # noqa: E402

from nerdesk.runtime.bundle import MANIFEST, Bundle  # noqa: E402
from nerdesk.runtime.decode_settings import DecodeSettings  # noqa: E402
from nerdesk.runtime.predictor import OnnxPredictor  # noqa: E402
from nerdesk.training.logits import torch_span_predictor  # noqa: E402


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory) -> Path:
    return shared_tiny_bundle(tmp_path_factory)


def test_bundle_decode_settings_are_what_its_manifest_says(tiny_bundle):
    manifest = json.loads((tiny_bundle / MANIFEST).read_text(encoding="utf-8"))
    bundle = Bundle.load(tiny_bundle)
    assert bundle.decode_settings == DecodeSettings(
        max_length=manifest["max_length"], stride=manifest["stride"], threshold=manifest["threshold"],
        flat=manifest["flat"], max_span_tokens=manifest["max_span_tokens"])
    assert bundle.decode_settings.max_span_tokens is not None  # the tiny bundle caps spans: the field is read
    settings = bundle.decode_settings
    assert (bundle.max_length, bundle.stride, bundle.threshold, bundle.flat, bundle.max_span_tokens) == (
        settings.max_length, settings.stride, settings.threshold, settings.flat, settings.max_span_tokens)


def test_an_edited_manifest_changes_the_decode_settings(tiny_bundle):
    bundle = Bundle.load(tiny_bundle)
    edited = dataclasses.replace(bundle, manifest={**bundle.manifest, "threshold": -1.5, "max_span_tokens": None})
    assert edited.decode_settings == dataclasses.replace(bundle.decode_settings, threshold=-1.5,
                                                         max_span_tokens=None)


def test_onnx_predictor_decodes_with_the_bundle_settings(tiny_bundle):
    bundle = Bundle.load(tiny_bundle)
    predictor = OnnxPredictor(bundle, threads=1)
    assert predictor.settings == bundle.decode_settings
    assert predictor.window_maker.stride == bundle.decode_settings.stride


def test_training_time_scoring_decodes_like_the_exported_bundle(tiny_bundle):
    model, tokenizer = shared_tiny_model()
    bundle = Bundle.load(tiny_bundle)
    predictor = torch_span_predictor(model, tokenizer, max_span_tokens=bundle.max_span_tokens,
                                     threshold=bundle.threshold)
    assert predictor.settings == bundle.decode_settings


def test_decode_settings_are_frozen():
    settings = DecodeSettings(max_length=24, stride=10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.threshold = 1.0  # type: ignore[misc]
    assert (settings.threshold, settings.flat, settings.max_span_tokens) == (0.0, False, None)
