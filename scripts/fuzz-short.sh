#!/usr/bin/env bash
# Runs every Go fuzz target for a short while, one at a time, and stops at
# the first failure. `make test` runs it with the default of 10 s a target.
#
# Longer runs find more; the inputs that reach new code are kept in the Go
# fuzz cache ($(go env GOCACHE)/fuzz/brook/...) and carry over between runs:
#
#   FUZZTIME=10m scripts/fuzz-short.sh      # ten minutes per target
#   FUZZTIME=1h  scripts/fuzz-short.sh      # overnight
#   go test -run='^$' -fuzz='^FuzzSeam$' -fuzztime=30m ./backend/chat   # one target
#
# A failing input is written to the package's testdata/fuzz/<Target>/ and
# replayed by every plain `go test` from then on; commit it with the fix.
# FUZZTIME takes what -fuzztime takes: a duration (30s, 5m) or a count (1000x).
# Minimising a new input is capped at 2 s: left at its default of 60 s it
# can outlast a short run.
#
# Go 1.26's fuzz coordinator can fail a run that found nothing, printing only
# "context deadline exceeded", when -fuzztime ends while a worker is between
# calls (golang/go#75804, fixed in Go 1.27). A run counts as failed when Go
# wrote a failing input, or when it failed in any other way; a run that ended
# on that deadline alone, with no input written, is reported and not failed.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-10s}"

# package target, one per line
targets=(
	"./backend/chat FuzzRelayDeltas"
	"./backend/chat FuzzSeam"
	"./backend/transfer FuzzParseBrookJSON"
	"./backend/transfer FuzzParseChatGPT"
	"./backend/transfer/importers/openwebui FuzzParse"
	"./backend/transfer/importers/claude FuzzParse"
	"./backend/transfer/importers/lmstudio FuzzParse"
	"./backend/transfer/importers/jan FuzzParse"
	"./backend/transfer/importers/chatbox FuzzParse"
	"./backend/transfer/importers/cherrystudio FuzzParse"
	"./backend/provider/thinktags FuzzSplitter"
	"./backend/documents FuzzReadPDF"
	"./backend/documents FuzzReadOffice"
	"./backend/documents FuzzRead"
	"./backend/guard FuzzImageSize"
)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	start=$SECONDS
	corpus="$(go list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$name"
	before="$(ls "$corpus" 2>/dev/null | sort || true)"
	if go test -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=2s "$pkg" >"$log" 2>&1; then
		printf 'fuzz ok    %-20s %-30s %3ds\n' "$name" "$pkg" $((SECONDS - start))
	elif [ "$(ls "$corpus" 2>/dev/null | sort || true)" = "$before" ] &&
		[ "$(grep -v -e '^fuzz: ' -e '^--- FAIL: ' -e '^FAIL' -e '^exit status' "$log" | sed 's/^[[:space:]]*//')" = "context deadline exceeded" ]; then
		printf 'fuzz ok    %-20s %-30s %3ds  (ended on golang/go#75804: no failing input)\n' "$name" "$pkg" $((SECONDS - start))
	else
		printf 'fuzz FAIL  %-20s %-30s %3ds\n' "$name" "$pkg" $((SECONDS - start))
		grep -v '^fuzz: elapsed' "$log" >&2 || true
		exit 1
	fi
done
