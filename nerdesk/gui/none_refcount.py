"""Guard against a binding bug that would crash the app after a few thousand Qt calls.

With PySide6 6.12 on Python 3.11, every call of a C++ method that returns ``void`` (``update()``,
``setPen()``, ``drawLine()``, ...) releases one reference to ``None`` that it never took. Python
3.12+ makes ``None`` immortal so nothing happens there, but on 3.11 the count falls to zero after
some thousands of calls and the interpreter aborts ("none_dealloc: deallocating None"); painting a
document makes hundreds of such calls per frame. When the leak is detected, ``None``'s reference
count is raised once to a value no session can exhaust -- what Python 3.12 does for every
immortal object. Nothing happens when the bindings behave.
"""

from __future__ import annotations

import ctypes
import platform
import sys

# Python 3.12 marks immortal objects with a count of about 2**32; 2**60 is as far from both 0 and overflow.
IMMORTAL_COUNT = 1 << 60


def void_calls_leak_none() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(16):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before


def make_none_immortal_if_needed() -> bool:
    """Apply the guard when this interpreter and these bindings need it; returns whether it did."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    if not void_calls_leak_none():
        return False
    # ob_refcnt is the first field of every CPython object (Py_ssize_t).
    ctypes.c_ssize_t.from_address(id(None)).value = IMMORTAL_COUNT
    return True
