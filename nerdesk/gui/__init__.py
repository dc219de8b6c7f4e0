"""nerdesk.gui: the PySide6 desktop app (the only package that imports Qt)."""

from nerdesk.gui.none_refcount import make_none_immortal_if_needed

make_none_immortal_if_needed()
