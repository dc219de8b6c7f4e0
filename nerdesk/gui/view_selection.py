"""The annotation view's text selection: what a label key would take, and how a selection widens as it is made.

A mixin of ``AnnotationView``. A selection made with the mouse is shown snapped (whole graphemes and tokens,
no spaces at its edges) when the button is let go. One made with Shift+arrows is widened when Shift is let go,
but never narrowed and never turned round: the caret stays at the end the user was moving, past a space it
stepped over, so that the next Shift+Right (or Ctrl+Shift+Left) goes on from where it was. Narrowing it to drop
that space put the caret back before it, and each later Ctrl+Shift+Right stepped over the same space again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QTextCursor

from nerdesk.core.offsets import snap_to_graphemes
from nerdesk.workflows.token_snap import WORD_SNAPPER, TokenSnapper


class TextSelection:
    def _init_selection(self) -> None:
        self.snap_tokens = True  # selections widen to whole tokens of the active model (a preference)
        # Which tokens selections snap to, asked at each selection: the window answers with the active model's.
        self.token_snapper_source: Callable[[], TokenSnapper] = lambda: WORD_SNAPPER
        self._exact_selection = False  # this selection was made with Alt: keep it as it is

    def selected_range(self) -> tuple[int, int] | None:
        """The selected text as a code-point range widened to whole graphemes, without outer spaces, and to
        whole tokens of the active model (whole words without one) unless token snapping is off or the
        selection was made with Alt held."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._display.from_qt(cursor.selectionStart())
        end = self._display.from_qt(cursor.selectionEnd())
        start, end = snap_to_graphemes(self.text, start, end)
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if start < end and self.snap_tokens and not self._exact_selection:
            start, end = self.token_snapper.snap(self.text, start, end)
        return (start, end) if start < end else None

    @property
    def token_snapper(self) -> TokenSnapper:
        """The tokens selections widen to now: the active model's, or whole words without a model."""
        return self.token_snapper_source()

    def select_range(self, start: int, end: int) -> None:
        """Select the text ``[start, end)`` (code points), as a user dragging over it would."""
        self.set_text_selection(start, end)

    def set_text_selection(self, anchor: int, position: int) -> None:
        """Select from ``anchor`` to the caret at ``position`` (code points; ``position`` < ``anchor`` is a
        selection made leftwards, which Shift+Left goes on widening)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._display.to_qt(anchor))
        cursor.setPosition(self._display.to_qt(position), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def text_selection(self) -> tuple[int, int]:
        """The anchor and the caret of the text selection, in code points (equal without a selection)."""
        cursor = self.textCursor()
        return self._display.from_qt(cursor.anchor()), self._display.from_qt(cursor.position())

    def clear_text_selection(self) -> None:
        self._exact_selection = False
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def _show_snapped_selection(self, *, widen_only: bool = False) -> None:
        """Let the user see the words a label key would take, before pressing it. ``widen_only`` (a selection
        made with the keyboard) keeps what the user selected beyond them, such as a space after a word."""
        snapped = self.selected_range()
        if snapped is None:
            return
        anchor, position = self.text_selection()
        shown = (min(anchor, position), max(anchor, position))
        if widen_only:
            snapped = (min(snapped[0], shown[0]), max(snapped[1], shown[1]))
        if snapped == shown:
            return
        if position < anchor:  # made leftwards: the caret stays at the start
            self.set_text_selection(snapped[1], snapped[0])
        else:
            self.set_text_selection(*snapped)
