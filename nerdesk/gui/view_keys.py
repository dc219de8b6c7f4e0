"""The annotation view's keyboard: label keys, accept/reject, delete, span walking and boundary nudges.

A mixin of ``AnnotationView`` (it uses the view's signals, selection and text); kept apart so the view
module holds showing and pointing, and this one holds editing by keys.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from nerdesk.core.offsets import snap_to_graphemes
from nerdesk.core.spans import PRED, Span
from nerdesk.gui.shortcuts import label_for_key

NEXT_PREDICTION_KEY = Qt.Key.Key_F8  # Shift+F8: the previous one
# What the status bar says when a key finds nothing to act on.
NOTHING_TO_DELETE = "Nothing to delete: select a span first (click it, or Tab)"
NO_PREDICTION = "No prediction selected: F8 selects the next one (A accepts it, R rejects it)"
NO_PREDICTION_LEFT = "No pending prediction shown in this document (lower Min score to see the less sure ones)"
ALREADY_GOLD = "This span is gold already: A and R act on predictions (Del deletes it)"
NOTHING_TO_LABEL = "Select text first (mouse or Shift+arrows), then press {key} to label it {label}"
NOTHING_TO_NUDGE = "Select a span first: Alt+arrows move its start, Alt+Shift+arrows its end"
AT_TEXT_EDGE = "The span is at the edge of the text"
ONE_CHARACTER = "A span keeps at least one character: Del deletes it"


def _reading_key(span: Span) -> tuple:
    return (span.start, -span.end, span.label, span.source)


class EditingKeys:
    """Keys that edit or select spans; everything else goes to the text (caret, Shift+arrows)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if self.handle_editing_key(event):
            event.accept()
            return
        caret, qt_caret = self.text_selection()[1], self.textCursor().position()
        if self.move_by_word(event):
            event.accept()
        else:
            super().keyPressEvent(event)
            if (event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self.text_selection()[1] == caret
                    and self.textCursor().position() != qt_caret):
                super().keyPressEvent(event)  # it stepped over a break the view wrapped at, no character: go on
        if self._selected is not None and self.textCursor().hasSelection():
            self.select_span(None)  # text selected with Shift+arrows: keys act on it, as after a mouse selection

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Letting go of Shift after Shift+arrows shows the selection widened to whole tokens, as letting go of
        the mouse does: a label key then takes what is shown (less the spaces at its edges)."""
        super().keyReleaseEvent(event)
        if event.key() == Qt.Key.Key_Shift and self.textCursor().hasSelection():
            self._show_snapped_selection(widen_only=True)

    def handle_editing_key(self, event: QKeyEvent) -> bool:
        """Act on an editing key (also when the Spans panel has the keyboard); True when ``event`` was one."""
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if modifiers & Qt.KeyboardModifier.AltModifier and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._nudge(step=-1 if key == Qt.Key.Key_Left else 1,
                        move_end=bool(modifiers & Qt.KeyboardModifier.ShiftModifier))
            return True
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                        | Qt.KeyboardModifier.MetaModifier):
            return False
        if key == NEXT_PREDICTION_KEY:
            if not self.select_next_prediction(-1 if modifiers & Qt.KeyboardModifier.ShiftModifier else 1):
                return self._tell(NO_PREDICTION_LEFT)
            return True
        return self._handle_plain_key(key, event.text())

    def _handle_plain_key(self, key: int, text: str) -> bool:
        selected = self._selected
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return self._request(self.deleteRequested, selected, None) if selected else self._tell(NOTHING_TO_DELETE)
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.select_neighbour(-1 if key == Qt.Key.Key_Backtab else 1)
            return True
        if key == Qt.Key.Key_Escape:
            self.clear_text_selection()
            self.select_span(None)
            return True
        accept = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or text.upper() == "A"
        if accept or text.upper() in ("R", "X"):
            if selected is not None and selected.source == PRED:
                after = self._next_prediction(selected, 1, wrap=True)
                if accept:
                    return self._request(self.acceptRequested, selected, after or selected.as_gold())
                return self._request(self.rejectRequested, selected, after)
            if text.upper() in ("A", "R", "X"):  # Enter with nothing to accept is left to the widget
                return self._tell(NO_PREDICTION if selected is None else ALREADY_GOLD)
            return False
        label = label_for_key(self._labels, text) if text else None
        if label is not None:
            if selected is None and self.selected_range() is None:
                return self._tell(NOTHING_TO_LABEL.format(key=label.key, label=label.name))
            self.apply_label(label.name)
            return True
        return False

    def _tell(self, message: str) -> bool:
        """Say in the status bar why a key did nothing; the key is used up."""
        self.noticeRequested.emit(message)
        return True

    def select_next_prediction(self, step: int = 1) -> bool:
        """Select the next (or, with ``step=-1``, previous) shown prediction in reading order, wrapping;
        False when the document shows none."""
        found = self._next_prediction(self._selected, step, wrap=True)
        if found is not None:
            self.select_span(found)
        return found is not None

    def _next_prediction(self, anchor: Span | None, step: int, *, wrap: bool) -> Span | None:
        predictions = sorted((s for s in self._spans if s.source == PRED and s != anchor), key=_reading_key)
        if not predictions:
            return None
        if anchor is None:  # the first one starting at the caret or after it (the last one before it)
            index = bisect.bisect_left([span.start for span in predictions], self.text_selection()[1])
            return predictions[(index - (step < 0)) % len(predictions)]
        keys = [_reading_key(s) for s in predictions]
        if step > 0:
            index = bisect.bisect_right(keys, _reading_key(anchor))
            return predictions[index] if index < len(predictions) else (predictions[0] if wrap else None)
        index = bisect.bisect_left(keys, _reading_key(anchor)) - 1
        return predictions[index] if index >= 0 else (predictions[-1] if wrap else None)

    def apply_label(self, name: str) -> None:
        """Label the selected text, or relabel the selected span when no text is selected."""
        selection = self.selected_range()
        if selection is not None:
            self.clear_text_selection()
            self._selected = Span(selection[0], selection[1], name)
            self.labelRequested.emit(selection[0], selection[1], name)
        elif self._selected is not None:
            self._relabel(self._selected, name)

    def _relabel(self, span: Span, name: str) -> None:
        if span.label == name:
            return
        self._selected = span.relabelled(name).as_gold()
        self.relabelRequested.emit(span, name)

    def _request(self, signal, span: Span, expected_selection: Span | None) -> bool:
        """Ask for an edit of ``span``; ``expected_selection`` is selected once the edit is shown, and scrolled
        into view with the caret at it: A, A, R… walks a long document past the bottom of the window."""
        self._selected = expected_selection
        signal.emit([span])
        if self._selected is not None and self._selected == expected_selection and self._selected in self._levels:
            self.select_span(self._selected)
        self.viewport().update()
        return True

    def forget_last_change(self) -> None:
        """From now on ``show_last_change`` shows only what later changes of spans do."""
        self._last_change = (set(), set())

    def show_last_change(self) -> None:
        """Show what the last change of spans did (after an undo or redo): select the first span it brought
        back, or scroll to where the first one it removed was."""
        added, removed = self._last_change
        shown = sorted((span for span in added if span in self._levels), key=_reading_key)
        if shown:
            self.select_span(shown[0])
        elif removed:
            self.ensure_visible(min(span.start for span in removed))

    def _nudge(self, *, step: int, move_end: bool) -> None:
        span = self._selected
        if span is None:
            self._tell(NOTHING_TO_NUDGE)
            return
        start, end = span.start, span.end
        if move_end:
            end = _neighbour_boundary(self.text, end, step)
        else:
            start = _neighbour_boundary(self.text, start, step)
        if (start, end) == (span.start, span.end):
            self._tell(AT_TEXT_EDGE)
        elif start >= end:
            self._tell(ONE_CHARACTER)
        else:
            self._selected = span.moved(start, end).as_gold()
            self.resizeRequested.emit(span, start, end)


def _neighbour_boundary(text: str, position: int, step: int) -> int:
    """The grapheme boundary after (``step`` > 0) or before ``position``, itself at the text's edge."""
    if step > 0:
        return snap_to_graphemes(text, position, position + 1)[1] if position < len(text) else position
    return snap_to_graphemes(text, position - 1, position)[0] if position > 0 else position
