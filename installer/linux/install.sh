#!/bin/sh
# Install nerdesk for the current user from the unpacked release tarball (no root needed):
#
#   ./install.sh              install, or replace an installed version
#   ./install.sh --uninstall  remove it again (projects and settings are left alone)
#
# Where things go (XDG_DATA_HOME defaults to ~/.local/share):
#   $XDG_DATA_HOME/nerdesk/app/                          the program folder (executable, models/, _internal/)
#   ~/.local/bin/nerdesk                                 a link to the executable (NERDESK_BIN_DIR overrides)
#   $XDG_DATA_HOME/applications/nerdesk.desktop          the menu entry
#   $XDG_DATA_HOME/icons/hicolor/*/apps/nerdesk.*        the icon (SVG, 256 and 512 px PNG)
#   $XDG_DATA_HOME/mime/packages/nerdesk.xml             the .nerdesk project file type
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
BIN_DIR=${NERDESK_BIN_DIR:-$HOME/.local/bin}
APP_DIR=$DATA_HOME/nerdesk/app
DESKTOP_FILE=$DATA_HOME/applications/nerdesk.desktop
MIME_FILE=$DATA_HOME/mime/packages/nerdesk.xml
ICON_FILES="scalable/apps/nerdesk.svg 256x256/apps/nerdesk.png 512x512/apps/nerdesk.png"

refresh_caches() {
    # Menus, icons and file types refresh by themselves on most desktops; these make it immediate.
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
    fi
    if command -v update-mime-database >/dev/null 2>&1 && [ -d "$DATA_HOME/mime/packages" ]; then
        update-mime-database "$DATA_HOME/mime" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATA_HOME/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -f -t "$DATA_HOME/icons/hicolor" 2>/dev/null || true
    fi
}

install_app() {
    if [ ! -x "$HERE/nerdesk/nerdesk" ]; then
        echo "install.sh: $HERE/nerdesk/nerdesk is missing; run this script from the unpacked tarball" >&2
        exit 1
    fi
    mkdir -p "$DATA_HOME/nerdesk" "$BIN_DIR" "$DATA_HOME/applications" "$DATA_HOME/mime/packages"
    # Copy beside the old version first, then swap, so a failed copy leaves the installed one working.
    rm -rf "$APP_DIR.new"
    cp -R -P "$HERE/nerdesk" "$APP_DIR.new"
    rm -rf "$APP_DIR"
    mv "$APP_DIR.new" "$APP_DIR"
    ln -sf "$APP_DIR/nerdesk" "$BIN_DIR/nerdesk"

    for icon in $ICON_FILES; do
        mkdir -p "$(dirname "$DATA_HOME/icons/hicolor/$icon")"
        cp "$HERE/share/icons/hicolor/$icon" "$DATA_HOME/icons/hicolor/$icon"
    done
    cp "$HERE/share/mime/packages/nerdesk.xml" "$MIME_FILE"
    # The menu entry runs the installed executable by its full path: ~/.local/bin is not always on PATH.
    sed -e "s|^Exec=nerdesk |Exec=\"$APP_DIR/nerdesk\" |" -e "s|^TryExec=nerdesk\$|TryExec=$APP_DIR/nerdesk|" \
        "$HERE/share/applications/nerdesk.desktop" > "$DESKTOP_FILE"
    chmod 644 "$DESKTOP_FILE"
    refresh_caches

    echo "nerdesk installed in $APP_DIR"
    echo "menu entry: $DESKTOP_FILE"
    case ":$PATH:" in
        *":$BIN_DIR:"*) echo "command: nerdesk" ;;
        *) echo "command: $BIN_DIR/nerdesk ($BIN_DIR is not on your PATH)" ;;
    esac
}

uninstall_app() {
    if [ -L "$BIN_DIR/nerdesk" ] && [ "$(readlink "$BIN_DIR/nerdesk")" = "$APP_DIR/nerdesk" ]; then
        rm -f "$BIN_DIR/nerdesk"
    fi
    rm -rf "$APP_DIR" "$APP_DIR.new"
    rmdir "$DATA_HOME/nerdesk" 2>/dev/null || true
    rm -f "$DESKTOP_FILE" "$MIME_FILE"
    for icon in $ICON_FILES; do
        rm -f "$DATA_HOME/icons/hicolor/$icon"
    done
    refresh_caches
    echo "nerdesk removed (projects and settings were not touched)"
}

case "${1:-}" in
    "") install_app ;;
    --uninstall) uninstall_app ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) echo "install.sh: unknown option $1; use no option to install or --uninstall to remove" >&2; exit 2 ;;
esac
