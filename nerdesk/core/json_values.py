"""What a value read from JSON is: Python reads ``true`` as a bool, which is also an int, and accepts
``NaN`` and ``Infinity``, which are not JSON numbers. Shared by the format readers and the bundle checks."""

from __future__ import annotations

import math
from typing import Any, TypeGuard


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[int | float]:
    """An int or a finite float, not a bool."""
    return is_int(value) or (isinstance(value, float) and math.isfinite(value))
