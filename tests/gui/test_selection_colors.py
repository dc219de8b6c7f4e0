"""The text selection stands out from every label's tint, in both themes: a keyboard annotator sees what
Shift+arrows selected, over spans or not."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtGui import QColor

from nerdesk.core.labels import PALETTE, LabelSet
from nerdesk.core.spans import Span
from nerdesk.gui.annotation_view import AnnotationView
from nerdesk.gui.theme import apply_theme

TEXT = "血肿通常出血较多，往往迅速出现昏迷"


def _luminance(color: QColor) -> float:
    def channel(value: int) -> float:
        value_01 = value / 255
        return value_01 / 12.92 if value_01 <= 0.03928 else ((value_01 + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def _contrast(first: QColor, second: QColor) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _distance(first: QColor, second: QColor) -> float:
    return sum((a - b) ** 2 for a, b in zip(first.getRgb()[:3], second.getRgb()[:3], strict=True)) ** 0.5


def _background_in(view: AnnotationView, start: int, end: int) -> QColor:
    """The commonest colour of the row of pixels through the middle of ``[start, end)``: its background."""
    image = view.viewport().grab().toImage()
    first, last = view.caret_point(start), view.caret_point(end)
    pixels = Counter(image.pixel(x, first.y()) for x in range(first.x() + 1, last.x() - 1))
    return QColor.fromRgb(pixels.most_common(1)[0][0])


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_selection_over_a_span_does_not_look_like_a_labels_tint(qtbot, theme):
    apply_theme(theme)
    try:
        view = AnnotationView()
        qtbot.addWidget(view)
        view.resize(600, 200)
        labels = LabelSet()
        for number, color in enumerate(PALETTE):
            labels.add(f"L{number}", color)
        view.set_labels(labels)
        view.set_document(TEXT, [Span(0, 8, "L0")])  # the first label's blue, under part of the selection
        view.show()
        qtbot.waitExposed(view)
        view.select_range(4, 12)
        qtbot.wait(50)
        selection = _background_in(view, 4, 8)
        assert _distance(selection, _background_in(view, 8, 12)) < 10  # over the span or not: one colour
        text = view.palette().color(view.palette().ColorRole.HighlightedText)
        assert _contrast(selection, text) >= 4.5
        painter = view._painter
        for color in PALETTE:
            for is_prediction in (False, True):
                tint = painter.fill_color(QColor(color), is_prediction=is_prediction)
                assert _distance(selection, tint) > 90, f"the selection looks like the tint of {color} ({theme})"
    finally:
        apply_theme("light")
