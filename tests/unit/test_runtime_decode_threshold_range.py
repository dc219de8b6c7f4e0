"""A decision threshold is a finite logit within ±100: anything else (1e308, which float32 scores cannot even be
compared with, infinity, NaN, a string) is refused with one clear error instead of a numpy warning."""

from __future__ import annotations

import numpy as np
import pytest

from nerdesk.core.errors import ModelBundleError
from nerdesk.runtime.decode_settings import THRESHOLD_LIMIT, DecodeSettings


@pytest.mark.parametrize("threshold", [1e308, -1e308, 1e39, THRESHOLD_LIMIT + 0.5, float("inf"), float("-inf"),
                                       float("nan"), True, "0.5", None])
def test_an_unusable_threshold_is_refused(threshold):
    with pytest.raises(ModelBundleError) as caught:
        DecodeSettings(max_length=32, stride=8, threshold=threshold)
    message = str(caught.value)
    assert caught.value.code == "E306" and "\n" not in message
    assert message.startswith(f"the decision threshold {threshold!r} is not a logit between -100 and 100")


@pytest.mark.parametrize("threshold", [0.0, 0, -2.5, 3, THRESHOLD_LIMIT, -THRESHOLD_LIMIT, np.float32(1.5),
                                       np.float64(-0.25)])
def test_usable_thresholds_are_kept(threshold):
    assert DecodeSettings(max_length=32, stride=8, threshold=threshold).threshold == threshold
