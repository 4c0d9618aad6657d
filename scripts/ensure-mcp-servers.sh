#!/usr/bin/env bash
# ensure-mcp-servers.sh — print the absolute path of a cached folder holding the
# MCP reference servers from npm, installing them (pinned) only when missing.
#
# Used by Brook's MCP tests (backend/tools/mcp): they read the folder from
# BROOK_MCP_SERVERS and start node_modules/@modelcontextprotocol/server-*/dist
# with Node. Idempotent: an installed, complete folder is reused; the install
# goes to a temp folder that is renamed into place, so an interrupted install
# never leaves a broken cache.
#
# Environment:
#   BROOK_CACHE  cache root (default: $HOME/.cache/brook)
#
# Only the folder's path goes to stdout; progress goes to stderr.
set -euo pipefail

EVERYTHING_VERSION=2026.8.31
FILESYSTEM_VERSION=2026.8.31
CACHE_ROOT="${BROOK_CACHE:-$HOME/.cache/brook}"
DIR="$CACHE_ROOT/mcp-servers-everything-$EVERYTHING_VERSION-filesystem-$FILESYSTEM_VERSION"

log() { printf 'ensure-mcp-servers: %s\n' "$*" >&2; }

if [[ -f "$DIR/.complete" ]]; then
	printf '%s\n' "$(cd "$DIR" && pwd)"
	exit 0
fi

command -v node >/dev/null || { log "node is not on PATH"; exit 1; }
command -v npm >/dev/null || { log "npm is not on PATH"; exit 1; }

mkdir -p "$CACHE_ROOT"
tmp="$(mktemp -d "$CACHE_ROOT/.mcp-servers.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
log "installing @modelcontextprotocol/server-everything@$EVERYTHING_VERSION and server-filesystem@$FILESYSTEM_VERSION"
printf '{"name":"brook-mcp-test-servers","private":true}\n' >"$tmp/package.json"
(cd "$tmp" && npm install --no-audit --no-fund --loglevel=error --save-exact \
	"@modelcontextprotocol/server-everything@$EVERYTHING_VERSION" \
	"@modelcontextprotocol/server-filesystem@$FILESYSTEM_VERSION" >&2)
touch "$tmp/.complete"
rm -rf "$DIR"
mv "$tmp" "$DIR"
trap - EXIT
printf '%s\n' "$(cd "$DIR" && pwd)"
