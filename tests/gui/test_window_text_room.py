"""A small window keeps room for the text: the side docks narrow, down to their minimum widths, before the
annotation view does (Qt took every pixel of a shrinking window from the text: 88 of 800 were left)."""

from __future__ import annotations

from nerdesk.gui.dock_widths import TEXT_SHARE


def settle(qtbot, window, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: not window.text_room.timer.isActive(), timeout=2000)
    qtbot.wait(50)


def test_the_text_keeps_its_share_as_the_window_shrinks(make_window, qtbot):
    window = make_window()
    documents, labels = window._side_docks
    for width, height in ((1280, 800), (1024, 640)):
        settle(qtbot, window, width, height)
        assert window.centralWidget().width() >= TEXT_SHARE * width - 2, width
    settle(qtbot, window, 800, 600)
    assert documents.width() <= documents.minimumSizeHint().width() + 2
    assert window.centralWidget().width() >= 280  # was 88: the docks kept the widths of a 1280-pixel window


def test_a_hidden_dock_is_left_alone_and_a_wider_window_gives_the_room_to_the_text(make_window, qtbot):
    window = make_window()
    documents, labels = window._side_docks
    documents.hide()
    settle(qtbot, window, 900, 640)
    assert labels.width() >= labels.minimumSizeHint().width()
    assert window.centralWidget().width() >= TEXT_SHARE * 900 - 2
    text = window.centralWidget().width()
    settle(qtbot, window, 1400, 800)
    assert window.centralWidget().width() > text
