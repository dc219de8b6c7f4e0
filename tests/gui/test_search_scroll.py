"""A new search or filter starts at the top of the document list."""

from __future__ import annotations

from conftest import window_with_labels_gpe_per

from nerdesk.core.document import Document


def test_a_new_search_shows_the_top_of_the_list(qtbot, make_window, tmp_path):
    documents = [Document(f"{n} Paris" + (" Rome" if n % 2 else "")) for n in range(120)]
    window = window_with_labels_gpe_per(make_window, tmp_path, documents)
    scroll_bar = window.documents.table.verticalScrollBar()
    scroll_bar.setValue(scroll_bar.maximum())
    assert scroll_bar.value() > 0
    qtbot.keyClicks(window.documents.search, "Rome")
    qtbot.waitUntil(lambda: window.documents.model.total == 60, timeout=3000)
    assert scroll_bar.value() == 0
