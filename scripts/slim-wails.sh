#!/usr/bin/env bash
# Prints the go flag for a release build whose Wails lacks its placeholder
# page for a missing index.html (pkg/assetserver/defaultindex.html, 201 kB
# that every Wails binary embeds). Brook never shows that page: the asset
# server refuses to start without an index.html, and Brook's is embedded.
#
# It copies the pinned Wails module (the version go.mod requires) to
# build/slim/, with the page cut to one line, and writes build/slim/go.mod
# and go.sum: go.mod with Wails replaced by that copy. The Makefile's
# release and test builds and scripts/dist.sh pass the flag it prints
# (-modfile=build/slim/go.mod); go test, go vet, the bindings and `wails dev`
# use go.mod as it is, where the page is still there and never shown.
#
# Go refuses to overlay files in the module cache (go build -overlay), so
# a copy it is. When Wails no longer has the page, this fails: drop it then.
set -euo pipefail
cd "$(dirname "$0")/.."

module=github.com/wailsapp/wails/v2
page=pkg/assetserver/defaultindex.html
dir=$(go list -m -f '{{.Dir}}' "$module")
version=$(go list -m -f '{{.Version}}' "$module")
copy="build/slim/wails-$version"

if [ ! -f "$dir/$page" ]; then
	echo "slim-wails.sh: $module $version has no $page any more: drop this script and its -modfile flag" >&2
	exit 1
fi
mkdir -p build/slim
# Made aside and moved into place, so that two builds at once (make -j)
# never see half a copy.
if [ ! -d "$copy" ]; then
	tmp=$(mktemp -d build/slim/wails.XXXXXX)
	cp -r "$dir/." "$tmp"
	chmod -R u+w "$tmp"
	printf '<!doctype html><title>index.html not found</title>\n' >"$tmp/$page"
	mv -T "$tmp" "$copy" 2>/dev/null || rm -rf "$tmp"
fi
next=$(mktemp -d build/slim/next.XXXXXX)
cp go.mod go.sum "$next/"
go mod edit -modfile="$next/go.mod" -replace "$module=./$copy"
# Rewritten only when changed, so that make sees no newer file.
for f in go.mod go.sum; do
	cmp -s "$next/$f" "build/slim/$f" || mv "$next/$f" "build/slim/$f"
done
rm -rf "$next"
echo "-modfile=build/slim/go.mod"
