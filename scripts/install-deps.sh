#!/usr/bin/env bash
# Installs what Brook needs and is missing: Debian packages, the pinned Wails
# CLI, and the frontend's npm packages. Safe to run again: it only installs
# what is not there. Usage: install-deps.sh [build|test|dist]
set -euo pipefail
cd "$(dirname "$0")/.."

WAILS_VERSION=v2.16.0
mode=${1:-build}

packages=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev)
if [ "$mode" = test ]; then
  # A virtual display and tools to drive and photograph the real window,
  # and the headers the real Ollama server needs to build.
  # dbus-daemon: a private session bus for the single-instance test.
  # poppler-utils: pdftotext, the reference the document bench measures against.
  # fonts-noto-*: the fonts the .deb recommends, for the every-script e2e.
  packages+=(xvfb xauth xdotool imagemagick x11-utils nlohmann-json3-dev libstb-dev dbus-daemon poppler-utils
    fonts-noto-cjk fonts-noto-color-emoji fonts-noto-core)
fi
if [ "$mode" = test ] || [ "$mode" = dist ]; then
  # make dist: icons (ImageMagick), the Windows installer (NSIS); and make
  # test-installed: a display for the installed app, the desktop-file and
  # AppStream validators, file and icoutils to read the Windows files.
  packages+=(imagemagick nsis dpkg-dev file xvfb xauth xdotool x11-utils desktop-file-utils appstream icoutils)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

gobin="$(go env GOPATH)/bin"
if ! "$gobin/wails" version 2>/dev/null | grep -q "$WAILS_VERSION"; then
  echo "==> installing the Wails CLI $WAILS_VERSION (pinned: @latest resolves to a version that fails with this Go)"
  go install "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION"
fi

# npm ci fails against this registry mirror (no optional packages for other
# platforms), so npm install; only when package.json changed since the last one.
if [ ! -f frontend/node_modules/.package-lock.json ] || [ frontend/package.json -nt frontend/node_modules/.package-lock.json ]; then
  echo "==> installing npm packages"
  (cd frontend && npm install --no-audit --no-fund --loglevel=error)
fi
