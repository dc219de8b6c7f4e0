"""The annotation view's pop-ups: tooltips and the context menu listing every span at a point.

A mixin of ``AnnotationView``; ``describe`` also gives the status bar its text for the selected span.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QToolTip

from nerdesk.core.spans import PRED, Span


class SpanMenus:
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._show_tooltip(event)
            return True
        return super().event(event)

    def _show_tooltip(self, event) -> None:
        point = self.viewport().mapFromGlobal(event.globalPos())
        on_bar = self.span_at_bar(point)
        spans = [on_bar] if on_bar else self.spans_at_point(point)
        if not spans:
            QToolTip.hideText()
            return
        QToolTip.showText(event.globalPos(), "\n".join(self.describe(span) for span in spans), self)

    def describe(self, span: Span) -> str:
        mention = span.mention(self.text)
        mention = mention if len(mention) <= 40 else mention[:39] + "…"
        label = self._labels.get(span.label).title if span.label in self._labels else span.label
        if span.source == PRED:
            score = f"{span.score:.2f}" if span.score is not None else "?"
            model = f", model {span.model_version}" if span.model_version else ""
            return f"{label}  “{mention}”  prediction, score {score}{model}"
        return f"{label}  “{mention}”"

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        if self.textCursor().hasSelection():
            copy_keys = QKeySequence(QKeySequence.StandardKey.Copy).toString(QKeySequence.SequenceFormat.NativeText)
            menu.addAction(f"Copy\t{copy_keys}", self.copy)  # after a tab: the key, shown but not bound
        selection = self.selected_range()
        if selection is not None and len(self._labels):
            label_menu = menu.addMenu("Label selection as")
            for label in self._labels:
                # with its key: the menu teaches the key that does the same without it
                label_menu.addAction(f"{label.title}\t{label.key or ''}", lambda name=label.name: self.apply_label(name))
        for span in self.spans_at_point(event.pos()):
            self._add_span_menu(menu, span)
        if menu.isEmpty():
            menu.addAction("No span here").setEnabled(False)
        menu.exec(event.globalPos())

    def _add_span_menu(self, menu: QMenu, span: Span) -> None:
        submenu = menu.addMenu(self.describe(span))
        submenu.addAction("Select", lambda: self.select_span(span))
        if span.source == PRED:
            submenu.addAction("Accept", lambda: self._request(self.acceptRequested, span, span.as_gold()))
            submenu.addAction("Reject", lambda: self._request(self.rejectRequested, span, None))
        relabel_menu = submenu.addMenu("Relabel as")
        for label in self._labels:
            if label.name != span.label:
                relabel_menu.addAction(label.name, lambda name=label.name: self._relabel(span, name))
        submenu.addAction("Delete", lambda: self._request(self.deleteRequested, span, None))
