#!/usr/bin/env bash
# export-memory.sh — measure what exporting the benchmark database (10,000
# conversations, 1,000,000 messages) costs in memory, the old way and the
# streaming way, for JSON and Markdown (TestExportMemory in backend/store),
# and write the table to bench-results/export-memory.md. Run by make bench.
set -euo pipefail
out="${1:-bench-results/export-memory.md}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
BROOK_EXPORT_MEMORY=1 go test -count=1 -run '^TestExportMemory$' -v -timeout 60m ./backend/store/ >"$log" 2>&1 || {
	cat "$log" >&2
	exit 1
}
table="$(sed -n 's/^ *exportmem_test\.go:[0-9]*: //p' "$log")"
if ! grep -q '^stream ' <<<"$table"; then
	echo "export-memory: no results in the test's output" >&2
	cat "$log" >&2
	exit 1
fi
{
	echo '# What exporting everything costs'
	echo
	echo 'Written by `make bench` (scripts/export-memory.sh, TestExportMemory in backend/store):'
	echo 'all conversations of the benchmark database exported to a file, each run in a fresh'
	echo 'process; "old" reads everything in one transaction first, "stream" reads and writes one'
	echo 'conversation at a time (what Brook does). Peak RSS is the whole process (VmHWM).'
	echo
	echo '```'
	echo "$table"
	echo '```'
} >"$out"
cat "$out"
