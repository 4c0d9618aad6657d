#!/usr/bin/env bash
# Builds the release files into dist/: the Linux amd64 binary, a .deb, a
# .tar.gz, the Windows amd64 .exe and its NSIS installer, and SHA256SUMS.
# Run by `make dist` after the frontend is built. Needs scripts/install-deps.sh dist.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_ID=io.github.brook.Brook
TAGS=${TAGS:-desktop,production,webkit2_41}
WAILS="$(go env GOPATH)/bin/wails"
DIST=dist

# The version: git describe (e.g. v1.2.0-3-gabc1234-dirty, or just the hash
# when there is no tag), and the short commit; both stamped into the binaries.
VERSION=$(git describe --tags --always --dirty)
COMMIT=$(git rev-parse --short HEAD)
# Windows' version resources need numbers: wails.json's info.productVersion.
PRODUCT_VERSION=$(sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json)
# Debian versions must start with a digit and use no '-' here (a native package):
# v1.2.0-3-gabc1234-dirty -> 1.2.0+3.gabc1234.dirty; with no tag,
# abc1234 -> <productVersion>+git.abc1234.
if [[ $VERSION =~ ^v?[0-9]+\.[0-9] ]]; then # a tag such as v1.2.0; a bare hash has no dot
  DEB_VERSION=${VERSION#v}
  DEB_VERSION=${DEB_VERSION/-/+}
  DEB_VERSION=${DEB_VERSION//-/.}
else
  DEB_VERSION="${PRODUCT_VERSION}+git.${VERSION//-/.}"
fi
DATE=$(git log -1 --format=%cs)
EPOCH=$(git log -1 --format=%ct)
echo "==> version $VERSION (commit $COMMIT), Debian $DEB_VERSION, Windows $PRODUCT_VERSION"

LDFLAGS="-w -s -X brook/backend/version.Version=$VERSION -X brook/backend/version.Commit=$COMMIT"
# The same size flags as the Makefile's release build (see GO_BUILD_FLAGS there).
GCFLAGS=(-gcflags=all=-l -gcflags='modernc.org/...=' -gcflags='runtime=')

rm -rf "$DIST"
mkdir -p "$DIST" build/bin

echo "==> Linux amd64 binary"
# Wails without its placeholder page, as the Makefile's release build.
MODFILE=$(scripts/slim-wails.sh)
GOOS=linux GOARCH=amd64 go build "$MODFILE" -tags "$TAGS" -trimpath -ldflags "$LDFLAGS" "${GCFLAGS[@]}" -o build/bin/brook .
cp build/bin/brook "$DIST/brook-$VERSION-linux-amd64"

# Runtime dependencies: the package of each library the binary links directly,
# with Ubuntu 24.04's t64 renames as alternatives.
depends=()
for lib in $(readelf -d build/bin/brook | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  path=$(ldd build/bin/brook | awk -v l="$lib" '$1 == l { print $3 }')
  pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path")
  pkg=${pkg%%:*}
  case "$pkg" in *-dev) echo "a -dev package among the runtime libraries: $pkg" >&2; exit 1 ;; esac
  case "$pkg" in
    libgtk-3-0 | libglib2.0-0) pkg="${pkg}t64 | $pkg" ;;
  esac
  [[ " ${depends[*]-} " == *" $pkg,"* ]] || depends+=("$pkg,")
done
DEPENDS=$(echo "${depends[*]}" | sed 's/,$//')
echo "==> Depends: $DEPENDS"
# Fonts for every script the UI's font stack names (CJK, Arabic, Devanagari…)
# and colour emoji: recommended, not required, since Brook runs without them
# (text in a script with no font shows as boxes).
RECOMMENDS="fonts-noto-cjk, fonts-noto-color-emoji, fonts-noto-core"

subst() { sed -e "s/@VERSION@/$DEB_VERSION/g" -e "s/@DATE@/$DATE/g" "$1"; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/brook_${DEB_VERSION}_amd64"
install -Dm755 build/bin/brook "$root/usr/bin/brook"
install -Dm644 "build/linux/$APP_ID.desktop" "$root/usr/share/applications/$APP_ID.desktop"
subst "build/linux/$APP_ID.metainfo.xml" | install -Dm644 /dev/stdin "$root/usr/share/metainfo/$APP_ID.metainfo.xml"
for n in 16 32 48 64 128 256 512; do
  mkdir -p "$root/usr/share/icons/hicolor/${n}x${n}/apps"
  convert build/appicon.png -strip -resize "${n}x${n}" "$root/usr/share/icons/hicolor/${n}x${n}/apps/$APP_ID.png"
done
install -Dm644 build/appicon.svg "$root/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
mkdir -p "$root/usr/share/man/man1" "$root/usr/share/doc/brook"
subst build/linux/brook.1 | gzip -9n > "$root/usr/share/man/man1/brook.1.gz"
{
  echo "Brook $VERSION: the last 50 changes (git log --oneline)"
  echo
  git log --oneline -50
} | gzip -9n > "$root/usr/share/doc/brook/changelog.gz"
install -Dm644 build/linux/copyright "$root/usr/share/doc/brook/copyright"
find "$root" -type d -exec chmod 755 {} +
find "$root" -exec touch -h -d "@$EPOCH" {} +

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: brook
Version: $DEB_VERSION
Architecture: amd64
Maintainer: Brook developers <brook@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $DEPENDS
Recommends: $RECOMMENDS
Section: utils
Priority: optional
Description: desktop chat with local and OpenAI-compatible language models
 Brook is a desktop chat application for language models served by Ollama
 or by any OpenAI-compatible endpoint. Conversations are kept in a local
 SQLite database with daily backups; API keys go to the system keyring.
CONTROL
echo "==> .deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$DIST/brook_${DEB_VERSION}_amd64.deb" >/dev/null
dpkg-deb --info "$DIST/brook_${DEB_VERSION}_amd64.deb" | sed -n '/Package:/,$p'

echo "==> .tar.gz"
tdir="$stage/brook-$VERSION-linux-amd64"
mkdir -p "$tdir"
cp "$root/usr/bin/brook" "$root/usr/share/applications/$APP_ID.desktop" "$root/usr/share/metainfo/$APP_ID.metainfo.xml" \
  "$root/usr/share/man/man1/brook.1.gz" "$tdir/"
cp -r "$root/usr/share/icons" "$tdir/icons"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" \
  -czf "$DIST/brook-$VERSION-linux-amd64.tar.gz" "brook-$VERSION-linux-amd64"

echo "==> Windows amd64 .exe and NSIS installer (wails build; the frontend is already built)"
# -s: the frontend is built by make; -skipbindings: keep the committed bindings.
# wails renders build/windows/info.json and the NSIS project from wails.json's info.
rm -f build/bin/brook.exe build/bin/Brook-amd64-installer.exe
# wails build rewrites frontend/wailsjs/runtime (losing the committed file modes): keep it as it was.
cp -a frontend/wailsjs/runtime "$stage/wailsjs-runtime"
"$WAILS" build -platform windows/amd64 -nsis -s -skipbindings -trimpath -o brook.exe \
  -ldflags "$LDFLAGS" >"$stage/wails.log" 2>&1 || { cat "$stage/wails.log"; exit 1; }
rm -rf frontend/wailsjs/runtime && cp -a "$stage/wailsjs-runtime" frontend/wailsjs/runtime
cp build/bin/brook.exe "$DIST/brook-$VERSION-windows-amd64.exe"
cp build/bin/Brook-amd64-installer.exe "$DIST/brook-$VERSION-windows-amd64-installer.exe"

(cd "$DIST" && sha256sum -- * > SHA256SUMS)
echo "==> dist/"
ls -l "$DIST"
