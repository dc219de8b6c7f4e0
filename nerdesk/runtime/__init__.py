"""The torch-free runtime: model bundles and batched prediction with ONNX Runtime.

Only onnxruntime, tokenizers and numpy are used here (an import contract checks it), so the GUI
and ``nerdesk predict`` start fast and ship without torch.

    from nerdesk.runtime.bundle import Bundle
    from nerdesk.runtime.predictor import OnnxPredictor

    predictor = OnnxPredictor(Bundle.load("models/zh-general-cluener"), threads=2)
    spans_per_text = predictor.predict(["张伟在北京大学读书。"])

Modules: ``bundle`` (layout, ``bundle.json``, validation), ``session`` (ONNX Runtime sessions),
``windows`` (texts to overlapping token windows and padded batches), ``decode`` (logits to spans,
vectorised), ``predictor`` (the pipeline), ``quantize`` (int8 copies), ``compare`` (model agreement).
Nothing is imported here, so ``import nerdesk.runtime.bundle`` does not load onnxruntime.
"""

import os

# Set before any module of this package imports onnxruntime: ONNX Runtime's telemetry would otherwise
# write a device id and an event database under ~/.cache/Microsoft/ (nothing leaves an offline app).
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
