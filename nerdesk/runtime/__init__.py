"""The torch-free runtime: model bundles and batched prediction with ONNX Runtime.

Only onnxruntime, tokenizers and numpy are used here (an import contract checks it), so the GUI
and ``nerdesk predict`` start fast and ship without torch.

    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(Bundle.load("models/zh-general-cluener"), threads=2)
    spans_per_text = predictor.predict(["张伟在北京大学读书。"])

Modules: ``bundle`` (layout, validation), ``manifest`` (the ``bundle.json`` schema), ``decode_settings`` (windows, threshold,
overlaps and span cap as one value), ``session`` (ONNX Runtime sessions), ``windows`` (texts to
overlapping token windows and padded batches), ``pieces`` (where a long text may be cut for
tokenizing), ``chars`` (character ids for character-aware models),
``decode`` (logits to spans, vectorised), ``predictor`` (the pipeline), ``quantize`` (int8 copies),
``graph_rewrites`` (exact simplifications of exported graphs), ``compare`` (model agreement).
Nothing is imported here, so ``import nerdesk.runtime.bundle`` does not load onnxruntime.
"""

import os

# Set before any module of this package imports onnxruntime: ONNX Runtime's telemetry would otherwise
# write a device id and an event database under ~/.cache/Microsoft/ (nothing leaves an offline app).
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
