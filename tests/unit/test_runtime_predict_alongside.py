"""``SpanPredictor.predict_alongside``: several logits functions decoded from one pass over the same batches
give each the spans ``predict`` gives it alone (the shipped CLUENER bundle, real ONNX Runtime)."""

from __future__ import annotations

import numpy as np
import pytest

from nerdesk.core.errors import ModelBundleError
from nerdesk.runtime.bundle import Bundle
from nerdesk.runtime.predictor import OnnxPredictor
from nerdesk.runtime.session import OrtLogits, open_session
from tests.conftest import REPO_ROOT

CLUENER_BUNDLE = REPO_ROOT / "models" / "zh-general-cluener"
TEXTS = [
    "浙商银行企业信贷部叶老桂博士则从另一个角度对五道门槛进行了解读。",
    "彭小军认为，国内银行现在走的是台湾的发卡模式。\n北京大学的张伟去了上海。",  # two lines: two pieces
    "",
    "中国人民银行在北京发布了新的规定，" * 40,  # longer than one window
]


@pytest.fixture(scope="module")
def predictor() -> OnnxPredictor:
    return OnnxPredictor(Bundle.load(CLUENER_BUNDLE, check_models=False), threads=1, variant="int8")


def spans(predictions):
    return [[(span.start, span.end, span.label, span.score) for span in text] for text in predictions]


def test_each_function_gets_the_spans_it_gets_alone_from_one_pass(predictor):
    fp32 = OrtLogits(open_session(CLUENER_BUNDLE / "model.onnx", threads=1))
    alone_fp32 = OnnxPredictor(predictor.bundle, threads=1, variant="fp32").predict(TEXTS)
    seen = []
    int8_spans, fp32_spans = predictor.predict_alongside(TEXTS, [fp32], on_batch=lambda batch, logits: seen.append(
        (len(batch.windows), [scores.shape for scores in logits])))
    assert spans(int8_spans) == spans(predictor.predict(TEXTS)) and any(int8_spans[3])
    assert spans(fp32_spans) == spans(alone_fp32)
    assert sum(count for count, _ in seen) > len(TEXTS)  # the long text takes several windows
    assert all(len(shapes) == 2 and shapes[0] == shapes[1] and shapes[0][0] == count for count, shapes in seen)


def test_another_function_scoring_another_number_of_labels_is_refused(predictor):
    def too_few(input_ids, *rest):
        return np.zeros((len(input_ids), 1, input_ids.shape[1], input_ids.shape[1]), dtype=np.float32)

    with pytest.raises(ModelBundleError) as raised:
        predictor.predict_alongside(TEXTS[:1], [too_few])
    assert raised.value.code == "E320"
