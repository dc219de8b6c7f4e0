"""Where the app keeps its demo project: one nerdesk folder in the user's data folder, not nerdesk/nerdesk."""

from __future__ import annotations

from nerdesk.gui.app import demo_data_dir


def test_the_demo_project_folder_is_not_doubled(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert demo_data_dir() == tmp_path / "share" / "nerdesk"


def test_ctrl_c_in_the_terminal_closes_the_window(qtbot, make_window):
    import os
    import signal

    from nerdesk.gui.app import close_on_interrupt

    window = make_window()
    previous = signal.getsignal(signal.SIGINT)
    try:
        close_on_interrupt(window)
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    finally:
        signal.signal(signal.SIGINT, previous)
