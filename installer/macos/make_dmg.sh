#!/bin/sh
# Build nerdesk.app and wrap it in a compressed disk image, on macOS:
#
#   installer/macos/make_dmg.sh            -> dist/nerdesk.app and dist/nerdesk-<version>-macos-<arch>.dmg
#
# installer/nerdesk.spec makes the .app (its BUNDLE section; Info.plist values in installer/macos/Info.plist,
# icon resources/app-icon.icns). The bundle is signed ad hoc, which lets it run on the machine that built it;
# for other machines set NERDESK_SIGN_IDENTITY to a "Developer ID Application" identity and notarise the
# image afterwards (xcrun notarytool submit ... --wait; xcrun stapler staple ...).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
python installer/build.py
VERSION=$(python -c "import sys; sys.path.insert(0, 'installer'); import app_info; print(app_info.VERSION)")
ARCH=$(uname -m)
APP=dist/nerdesk.app
IMAGE=dist/nerdesk-$VERSION-macos-$ARCH.dmg

if [ -n "${NERDESK_SIGN_IDENTITY:-}" ]; then
    # Notarisation needs the hardened runtime; the entitlements keep Python's ctypes and the bundled
    # libraries (signed here, not by their makers) loadable under it.
    codesign --force --deep --options runtime --timestamp --entitlements installer/macos/entitlements.plist \
        --sign "$NERDESK_SIGN_IDENTITY" "$APP"
else
    codesign --force --deep --sign - "$APP"
fi
codesign --verify --deep --strict "$APP"

STAGING=$(mktemp -d)
trap 'rm -rf "$STAGING"' EXIT
cp -R "$APP" "$STAGING/"
ln -s /Applications "$STAGING/Applications"
rm -f "$IMAGE"
hdiutil create -volname "nerdesk $VERSION" -srcfolder "$STAGING" -fs HFS+ -format UDZO "$IMAGE"
echo "$IMAGE"
