#!/usr/bin/env bash
# The TypeScript bindings in frontend/wailsjs are the contract between Go and
# the UI. They are generated from the bound Go services by `wails generate
# module` with the release build's tags (so never the testhooks TestService),
# and committed.
#
#   scripts/bindings.sh generate   update frontend/wailsjs (only when it changed)
#   scripts/bindings.sh check      fail when frontend/wailsjs is not what the Go code generates
#
# Both generate in a copy of the Go side: main embeds frontend/dist, which a
# fresh clone has not built yet, and the tree is only touched when the output
# differs.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-generate}
tags=${BINDINGS_TAGS:-desktop,production,webkit2_41}
out=frontend/wailsjs
wails="$(go env GOPATH)/bin/wails"
if [ ! -x "$wails" ]; then
  echo "bindings: the Wails CLI is missing at $wails; run scripts/install-deps.sh" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/frontend/dist" "$tmp/src/build"
cp go.mod go.sum main.go wails.json "$tmp/src/"
cp -r app backend "$tmp/src/"
cp build/windowicon.png "$tmp/src/build/"
echo 'bindings only' >"$tmp/src/frontend/dist/index.html"
# TMPDIR: Wails builds its generator binary at a fixed name in the temp folder.
if ! (cd "$tmp/src" && TMPDIR="$tmp" "$wails" generate module -tags "$tags" -nocolour) >"$tmp/log" 2>&1; then
  cat "$tmp/log" >&2
  echo "bindings: wails generate module failed" >&2
  exit 1
fi
generated="$tmp/src/$out"
if [ ! -f "$generated/go/models.ts" ]; then
  cat "$tmp/log" >&2
  echo "bindings: wails generate module wrote no $out/go/models.ts" >&2
  exit 1
fi
if grep -rq TestService "$generated"; then
  echo "bindings: the release bindings carry the testhooks TestService" >&2
  exit 1
fi

case "$mode" in
generate)
  if ! diff -r -q "$out" "$generated" >/dev/null 2>&1; then
    rm -rf "$out"
    cp -r "$generated" "$out"
    echo "bindings: updated $out"
  fi
  ;;
check)
  if ! diff -ru "$out" "$generated" >"$tmp/diff" 2>&1; then
    head -n 80 "$tmp/diff" >&2
    echo >&2
    echo "bindings: $out does not match the bound Go services (above: committed vs generated)." >&2
    echo "bindings: run 'make bindings' and commit $out." >&2
    exit 1
  fi
  echo "bindings: $out matches the Go services"
  ;;
*)
  echo "usage: $0 generate|check" >&2
  exit 2
  ;;
esac
